import Foundation
import RotaConfig
import Synchronization
import RotaCore
import RotaNotify
import RotaStore

/// The escalation runner: load → decide (pure planner) → apply (store) → deliver (notify).
/// Used by `rota tick` for every alert, and by `rota alert raise` for the new alert only.
struct Runner {
    let context: CommandContext
    let timetable: Timetable
    let notifier: Notifier
    /// How long a claimed page is ours before another runner may take it over (crash recovery).
    let lease: TimeInterval
    /// Pages claimed (and later marked) in one transaction each: fewer commits, fewer fsyncs.
    let batch = 128
    /// Deliveries running at once.
    let parallel = 16

    /// Each service's runbook as pages quote it, read once per run rather than once per page.
    let runbooks: [String: String]

    struct Report {
        var sent: [Delivered] = []
        var failed: [Delivered] = []
    }

    struct Delivered {
        var page: StoredPage
        var error: String?
        /// Not retried (a contact gone from the files, a webhook answering 404 or a redirect).
        var forGood = false
    }

    init(context: CommandContext) throws {
        self.context = context
        // Levels may have been due a while ago (missed ticks): reach back far enough.
        self.timetable = try context.timetable(from: context.now.addingTimeInterval(-30 * 86400), to: nil)
        let timeout = context.rota.settings.commandTimeout
        let webhookTimeout = TimeInterval(context.rota.settings.webhookTimeout)
        let secretVariable = context.rota.settings.webhookSecretEnv
        self.notifier = Notifier(commandTimeout: .seconds(timeout), webhookSecrets: context.webhookSecrets(),
                                 webhookConnectTimeout: min(5, webhookTimeout), webhookTotalTimeout: webhookTimeout,
                                 hiddenVariables: [secretVariable, secretVariable + "_PREVIOUS"])
        let directory = context.rotasDirectory
        self.runbooks = Dictionary(uniqueKeysWithValues: context.rota.services.compactMap { service in
            service.runbook.map { (service.id, Self.runbookText($0, directory: directory)) }
        })
        // Longer than any delivery can take (a page is claimed just before it is delivered), so
        // a live runner never loses its claim.
        self.lease = TimeInterval(max(120, 2 * max(timeout, context.rota.settings.webhookTimeout) + 30))
    }

    var now: Date { context.now }
    var rota: Rota { context.rota }

    /// Plans every alert that is due (or only one), queueing its pages in the outbox.
    func plan(only alertID: Int? = nil) throws {
        try context.database.advanceAlerts(now: now, only: alertID, actor: "rota") { alert in decide(alert) }
    }

    /// What an alert keeps with it at raise: its escalation and the contacts of those it may page.
    static func definition(for service: Service, in rota: Rota) -> Data? {
        rota.escalation(service.escalation).map { RotaModelCodec.encode(AlertDefinition.capture($0, from: rota)) }
    }

    /// The pure decision for one alert, turned into rows for the store.
    func decide(_ alert: StoredAlert) -> AlertDecision? {
        let service = rota.service(alert.service)
        let kept = alert.definition.flatMap(RotaModelCodec.decode)
        let current = rota.escalation(alert.escalation) ?? service.flatMap({ rota.escalation($0.escalation) })
        let choice = AlertDefinition.choose(current: current, kept: kept?.escalations.first, id: alert.escalation)
        guard let policy = choice.policy else {
            // An alert raised before definitions were kept, whose escalation left the files.
            guard alert.progress.nextDueAt != nil || alert.status == .acknowledged else { return nil }
            var stopped = alert.progress
            stopped.nextLevel = nil
            stopped.nextDueAt = nil
            return AlertDecision(progress: stopped, wakeAt: nil, pages: [],
                                 log: [("escalation.missing", "escalation '\(alert.escalation)' is no longer in the rota files and this alert kept no copy of it; nobody more will be paged — acknowledge or resolve it by hand")])
        }
        let ackTimeout = service?.ackTimeout
        let plan = EscalationPlanner.advance(alert.progress, policy: policy, ackTimeout: ackTimeout, now: now) { schedule, instant in
            timetable.person(schedule: schedule, at: instant)
        }
        let wake = plan.progress.wakeUp(ackTimeout: ackTimeout)
        // Keep the definition the files give now, so a later cut falls back on the newest whole one.
        var definition: Data?
        if choice.note == nil {
            let captured = RotaModelCodec.encode(AlertDefinition.capture(policy, from: rota, keeping: kept))
            if captured != alert.definition { definition = captured }
        }
        guard plan.progress != alert.progress || !plan.levels.isEmpty || !plan.events.isEmpty else {
            return definition.map { AlertDecision(progress: alert.progress, wakeAt: wake, pages: [], log: [], definition: $0) }
        }

        var pages: [NewPage] = []
        var log: [(event: String, detail: String)] = []
        if let note = choice.note { log.append(("definition.kept", note)) }
        for event in plan.events {
            switch event {
            case .retriggered(let at, let round):
                log.append(("alert.retriggered", "still acknowledged and unresolved at \(TimeText.utc(at)) (ack_timeout): escalating again from level 1, round \(round)"))
            case .levelSkipped(let level):
                log.append(("level.skipped", "round \(level.round), level \(level.level) due at \(TimeText.utc(level.dueAt)) skipped: nobody on call in \(level.emptySchedules.map { "schedule \($0)" }.joined(separator: ", "))"))
            case .exhausted(let at):
                log.append(("escalation.exhausted", "the last level of the last round was due at \(TimeText.utc(at)); no more pages until someone acknowledges"))
            }
        }
        for level in plan.levels {
            var paged: [String] = []
            for person in level.people {
                let reach = AlertDefinition.contacts(of: person, in: rota, kept: kept)
                if let note = reach.note { log.append(("definition.kept", note)) }
                guard !reach.contacts.isEmpty else {
                    log.append(("page.unreachable", "round \(level.round), level \(level.level): \(person) has no contacts in the rota files"))
                    continue
                }
                paged.append(person)
                for (index, contact) in reach.contacts.enumerated() {
                    pages.append(NewPage(round: level.round, level: level.level, person: person, contact: index,
                                         contactKind: contact.channel.kind, contactKey: contact.key, levelDueAt: level.dueAt,
                                         dueAt: level.dueAt.addingTimeInterval(Double(contact.afterSeconds))))
                }
            }
            var detail = "round \(level.round), level \(level.level) due at \(TimeText.utc(level.dueAt)): paging \(paged.joined(separator: ", "))"
            if !level.emptySchedules.isEmpty { detail += " (nobody on call in \(level.emptySchedules.joined(separator: ", ")))" }
            log.append(("level.due", detail))
        }
        return AlertDecision(progress: plan.progress, wakeAt: wake, pages: pages, log: log, definition: definition)
    }

    /// What a dry run shows: pages already due in the outbox, and those the due alerts would add.
    func preview() throws -> [StoredPage] {
        var pages = try context.database.duePages(now: now)
        for alert in try context.database.dueAlerts(now: now) {
            guard let decision = decide(alert) else { continue }
            for page in decision.pages where page.dueAt <= now {
                pages.append(StoredPage(id: 0, alertID: alert.id, round: page.round, level: page.level, person: page.person,
                                        contact: page.contact, contactKind: page.contactKind, contactKey: page.contactKey,
                                        levelDueAt: page.levelDueAt, dueAt: page.dueAt, status: StoredPage.Status.pending, attempts: 0,
                                        late: now.timeIntervalSince(page.dueAt) > 120))
            }
        }
        return pages.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    /// Delivers every page that is due (or only one alert's), up to `parallel` at once whatever
    /// their due instants, outside any transaction. Pages are claimed just before they go, a few
    /// at a time as slots free up, and recorded in small batches within `recordWithin` of
    /// finishing (fewer commits, each fsynced, without leaving a delivered page unrecorded for
    /// long). After `stop` is requested (SIGTERM), nothing more is claimed; deliveries in flight
    /// finish and are recorded.
    func deliver(only alertID: Int? = nil, stop: StopRequest? = nil) async throws -> Report {
        var report = Report()
        var kept: [Int: Rota] = [:]
        var finished: [(page: StoredPage, outcome: DeliveryOutcome)] = []
        func record() throws {
            guard !finished.isEmpty else { return }
            try context.database.finishPages(finished, now: now)
            for (page, outcome) in finished {
                switch outcome {
                case .sent: report.sent.append(Delivered(page: page))
                case .failed(let error, _): report.failed.append(Delivered(page: page, error: error))
                case .failedPermanently(let error): report.failed.append(Delivered(page: page, error: error, forGood: true))
                }
            }
            finished.removeAll()
        }
        // A task yields a finished delivery, or nil: the timer saying the batch has waited long enough.
        try await withThrowingTaskGroup(of: (StoredPage, DeliveryOutcome)?.self) { group in
            var running = 0
            var timerSet = false
            var drained = false
            while true {
                let free = parallel - running
                if !drained, stop?.isRequested != true, free > 0, running == 0 || free >= parallel / 2 {
                    try record()
                    let claimed = try context.database.claimPages(now: now, lease: lease, limit: free, only: alertID)
                    if claimed.count < free { drained = true }
                    for (page, alert) in claimed {
                        if let alert, kept[alert.id] == nil, let data = alert.definition { kept[alert.id] = RotaModelCodec.decode(data) }
                        let job = delivery(of: page, alert: alert, kept: alert.flatMap { kept[$0.id] })
                        group.addTask { (page, await job()) }
                        running += 1
                    }
                }
                if running == 0, drained || stop?.isRequested == true || !timerSet {
                    group.cancelAll()
                    break
                }
                guard let next = try await group.next() else { break }
                if let (page, outcome) = next {
                    running -= 1
                    finished.append((page, outcome))
                    if finished.count >= parallel / 2 || running == 0 { try record() }
                    if !finished.isEmpty, !timerSet {
                        timerSet = true
                        let wait = recordWithin
                        group.addTask { try? await Task.sleep(for: wait); return nil }
                    }
                } else {
                    timerSet = false
                    try record()
                }
            }
            try record()
        }
        // Reported in due order, whatever order they finished in.
        report.sent.sort { ($0.page.dueAt, $0.page.id) < ($1.page.dueAt, $1.page.id) }
        report.failed.sort { ($0.page.dueAt, $0.page.id) < ($1.page.dueAt, $1.page.id) }
        return report
    }

    /// How long a delivered page may wait to be recorded with others.
    let recordWithin: Duration = .milliseconds(100)

    /// One page's delivery, ready to run in a task.
    private func delivery(of page: StoredPage, alert: StoredAlert?, kept: Rota?) -> @Sendable () async -> DeliveryOutcome {
        let message: any OutboundMessage = alert.map { self.message(for: page, alert: $0) }
            ?? ShiftNotice(key: page.noticeKey ?? "", kind: (page.noticeKey ?? "").hasPrefix("start|") ? .shiftStart : .changes,
                           person: page.person, subject: page.noticeSubject ?? "", text: page.noticeText ?? "")
        let lookup = contact(for: page, kept: kept)
        let settings = rota.settings
        let notifier = self.notifier
        let now = self.now
        return {
            let contact: Contact
            switch lookup {
            case .found(let found): contact = found
            case .gone(let why): return .failedPermanently(error: why)
            case .unknownAddress(let why): return .failed(error: why, retryAt: now.addingTimeInterval(Self.backoff(attempt: page.attempts)))
            }
            switch await notifier.deliver(message, via: contact, settings: settings, now: now) {
            case .delivered: return .sent
            case .retry(let error): return .failed(error: error, retryAt: now.addingTimeInterval(Self.backoff(attempt: page.attempts)))
            case .permanent(let error): return .failedPermanently(error: error)
            }
        }
    }

    enum ContactLookup {
        case found(Contact)
        /// The contact left the files on purpose (the person is still reachable otherwise): not retried.
        case gone(String)
        /// A webhook whose full address this host does not have: retried, never posted to a reduced address.
        case unknownAddress(String)
    }

    /// The contact a page goes through, by its stable key: the files' own while the person is
    /// there with contacts, else the one kept with the alert; webhooks made whole from the address book.
    func contact(for page: StoredPage, kept: Rota?) -> ContactLookup {
        func match(_ person: Person?) -> Contact? {
            guard let person else { return nil }
            guard let key = page.contactKey else { return person.contacts[safe: page.contact] }
            return person.contacts.first { $0.key == key }
        }
        let person = rota.person(page.person)
        let found: Contact
        if let contact = match(person) {
            found = contact
        } else if let person, !person.contacts.isEmpty {
            return .gone("\(page.person)'s \(page.contactKind) contact is no longer in the rota files (removed or changed); \(page.person)'s other contacts are paged as usual")
        } else if let contact = match(kept?.person(page.person)) {
            found = contact
        } else {
            return .gone("\(page.person) is no longer in the rota files, and this contact was not kept with the alert")
        }
        guard let whole = context.addressBook.resolve(found) else {
            return .unknownAddress("the full address of webhook \(Contact.shownURL(Redaction.urlText(found))) is not known on this host (the rota files are invalid and \(context.addressBook.path) lacks it); fix the rota files — the page is retried")
        }
        return .found(whole)
    }

    /// Queues "your shift starts in …" notices for shifts starting within `settings.shift_notices.before`.
    func planShiftNotices() throws {
        guard let before = rota.settings.noticeBefore else { return }
        let horizon = now.addingTimeInterval(TimeInterval(before))
        var notices: [NewNotice] = []
        for id in timetable.scheduleIDs {
            // A shift that began before now is not "starting"; look from just after now.
            for clipped in timetable.shifts(schedule: id, from: now.addingTimeInterval(-1), to: horizon) where clipped.start > now {
                guard let person = rota.person(clipped.person) else { continue }
                // The window cuts the shift at the horizon: find where it really ends.
                let shift = timetable.shifts(schedule: id, from: clipped.start, to: clipped.start.addingTimeInterval(35 * 86400)).first ?? clipped
                let zone = person.timezone ?? timetable.current.schedule(id)?.zone ?? rota.settings.zone
                let minutes = Int(shift.start.timeIntervalSince(now) / 60)
                let subject = "Your \(id) shift starts in \(minutes >= 60 && minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes) min")"
                let text = "\(subject): \(zone.wall(at: shift.start)) to \(zone.wall(at: shift.end)) (\(zone.identifier)).\n"
                    + "Taking over from \(timetable.person(schedule: id, at: shift.start.addingTimeInterval(-1)) ?? "nobody (a gap)").\n"
                notices += Self.notices(for: person, key: "start|\(id)|\(person.id)|\(TimeText.utc(shift.start))", dueAt: now, subject: subject, text: text)
            }
        }
        try context.database.enqueueNotices(notices)
    }

    /// One outbox row per contact of `person`.
    static func notices(for person: Person, key: String, dueAt: Date, subject: String, text: String) -> [NewNotice] {
        person.contacts.enumerated().map { index, contact in
            NewNotice(key: key, person: person.id, contact: index, contactKind: contact.channel.kind, contactKey: contact.key,
                      dueAt: dueAt, subject: subject, text: text)
        }
    }

    /// 30 s, 1 min, 2 min, … capped at 30 min.
    static func backoff(attempt: Int) -> TimeInterval {
        min(1800, 30 * pow(2, Double(max(0, attempt - 1))))
    }

    func message(for page: StoredPage, alert: StoredAlert) -> PageMessage {
        let service = rota.service(alert.service)
        let others = ((try? context.database.pagedPeople(alert: alert.id)) ?? []).filter { $0 != page.person }
        return PageMessage(
            pageID: page.pageID,
            alertID: alert.id, service: alert.service, serviceName: service?.name ?? alert.service, summary: alert.summary,
            details: alert.details, severity: alert.severity, round: page.round, level: page.level, person: page.person,
            dueAt: page.levelDueAt, runbook: runbooks[alert.service], alsoPaged: others, late: page.late)
    }

    /// A runbook file's first lines, or the URL as it is.
    static func runbookText(_ link: String, directory: String) -> String {
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        let path = (directory as NSString).appendingPathComponent(link)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return link }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(12)
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// SIGTERM (or SIGINT) while pages go out: claim nothing more, let deliveries in flight finish
/// (each bounded by its timeout), record them, and leave. Installed only around deliveries;
/// elsewhere the signals keep their default, and an interrupted transaction simply rolls back.
final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    init() {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            return source
        }
        for source in sources {
            source.setEventHandler { [self] in request() }
            source.resume()
        }
    }

    private func request() {
        if !flag.exchange(true, ordering: .relaxed) {
            Console.error("rota: stopping: no more pages are claimed; deliveries in flight finish and are recorded")
        }
    }

    var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Puts the default handling back (a second signal then ends rota at once).
    func uninstall() {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }
}

extension StoredPage {
    /// The id receivers see (`ROTA_PAGE_ID`, `Webhook-Id`): stable across retries and reorderings.
    var pageID: String {
        guard let alert = alertID else { return ShiftNotice.deliveryID(key: noticeKey ?? "") }
        return PageMessage.id(alert: alert, round: round, level: level, person: person, contact: contactKey ?? "c\(contact)")
    }
}
