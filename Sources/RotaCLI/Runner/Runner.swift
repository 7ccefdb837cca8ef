import Foundation
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
    }

    init(context: CommandContext) throws {
        self.context = context
        // Levels may have been due a while ago (missed ticks): reach back far enough.
        self.timetable = try context.timetable(from: context.now.addingTimeInterval(-30 * 86400), to: nil)
        let timeout = context.rota.settings.commandTimeout
        let webhookTimeout = TimeInterval(context.rota.settings.webhookTimeout)
        self.notifier = Notifier(commandTimeout: .seconds(timeout), webhookSecrets: context.webhookSecrets(),
                                 webhookConnectTimeout: min(5, webhookTimeout), webhookTotalTimeout: webhookTimeout)
        // Longer than any delivery can take, so a live runner never loses its claim.
        let directory = context.rotasDirectory
        self.runbooks = Dictionary(uniqueKeysWithValues: context.rota.services.compactMap { service in
            service.runbook.map { (service.id, Self.runbookText($0, directory: directory)) }
        })
        self.lease = TimeInterval(max(120, 2 * max(timeout, context.rota.settings.webhookTimeout) + 30))
    }

    var now: Date { context.now }
    var rota: Rota { context.rota }

    /// Plans every alert that is due (or only one), queueing its pages in the outbox.
    func plan(only alertID: Int? = nil) throws {
        try context.database.advanceAlerts(now: now, only: alertID, actor: "rota") { alert in decide(alert) }
    }

    /// The pure decision for one alert, turned into rows for the store.
    func decide(_ alert: StoredAlert) -> AlertDecision? {
        let service = rota.service(alert.service)
        guard let policy = rota.escalation(alert.escalation) ?? service.flatMap({ rota.escalation($0.escalation) }) else {
            guard alert.progress.nextDueAt != nil || alert.status == .acknowledged else { return nil }
            var stopped = alert.progress
            stopped.nextLevel = nil
            stopped.nextDueAt = nil
            return AlertDecision(progress: stopped, wakeAt: nil, pages: [],
                                 log: [("escalation.missing", "escalation '\(alert.escalation)' is no longer in the rota files; nobody more will be paged")])
        }
        let ackTimeout = service?.ackTimeout
        let plan = EscalationPlanner.advance(alert.progress, policy: policy, ackTimeout: ackTimeout, now: now) { schedule, instant in
            timetable.person(schedule: schedule, at: instant)
        }
        let wake = plan.progress.wakeUp(ackTimeout: ackTimeout)
        guard plan.progress != alert.progress || !plan.levels.isEmpty || !plan.events.isEmpty else { return nil }

        var pages: [NewPage] = []
        var log: [(event: String, detail: String)] = []
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
                guard let contacts = rota.person(person)?.contacts, !contacts.isEmpty else {
                    log.append(("page.unreachable", "round \(level.round), level \(level.level): \(person) has no contacts in the rota files"))
                    continue
                }
                paged.append(person)
                for (index, contact) in contacts.enumerated() {
                    pages.append(NewPage(round: level.round, level: level.level, person: person, contact: index,
                                         contactKind: contact.channel.kind, levelDueAt: level.dueAt,
                                         dueAt: level.dueAt.addingTimeInterval(Double(contact.afterSeconds))))
                }
            }
            var detail = "round \(level.round), level \(level.level) due at \(TimeText.utc(level.dueAt)): paging \(paged.joined(separator: ", "))"
            if !level.emptySchedules.isEmpty { detail += " (nobody on call in \(level.emptySchedules.joined(separator: ", ")))" }
            log.append(("level.due", detail))
        }
        return AlertDecision(progress: plan.progress, wakeAt: wake, pages: pages, log: log)
    }

    /// Delivers every page that is due (or only one alert's), a batch at a time, outside any transaction.
    func deliver(only alertID: Int? = nil) async throws -> Report {
        var report = Report()
        while true {
            let claimed = try context.database.claimPages(now: now, lease: lease, limit: batch, only: alertID)
            if claimed.isEmpty { break }
            // In due order; pages due at the same instant go out together, so one slow pager
            // never holds up the others of its level.
            var outcomes: [(StoredPage, DeliveryOutcome)] = []
            for group in Dictionary(grouping: claimed, by: { $0.page.dueAt }).sorted(by: { $0.key < $1.key }) {
                for start in stride(from: 0, to: group.value.count, by: parallel) {
                    outcomes += await deliverTogether(Array(group.value[start..<min(start + parallel, group.value.count)]))
                }
            }
            try context.database.finishPages(outcomes.map { (page: $0.0, outcome: $0.1) }, now: now)
            for (page, outcome) in outcomes {
                switch outcome {
                case .sent: report.sent.append(Delivered(page: page))
                case .failed(let error, _), .failedPermanently(let error): report.failed.append(Delivered(page: page, error: error))
                }
            }
        }
        return report
    }

    private func deliverTogether(_ claimed: [(page: StoredPage, alert: StoredAlert?)]) async -> [(StoredPage, DeliveryOutcome)] {
        await withTaskGroup(of: (StoredPage, DeliveryOutcome).self) { group in
            for (page, alert) in claimed {
                let message: any OutboundMessage = alert.map { self.message(for: page, alert: $0) }
                    ?? ShiftNotice(key: page.noticeKey ?? "", kind: (page.noticeKey ?? "").hasPrefix("start|") ? .shiftStart : .changes,
                                   person: page.person, subject: page.noticeSubject ?? "", text: page.noticeText ?? "")
                let contact = rota.person(page.person)?.contacts[safe: page.contact]
                let settings = rota.settings
                let notifier = self.notifier
                let now = self.now
                group.addTask {
                    guard let contact else {
                        return (page, .failedPermanently(error: "\(page.person) no longer has contact \(page.contact + 1) in the rota files"))
                    }
                    switch await notifier.deliver(message, via: contact, settings: settings, now: now) {
                    case .delivered: return (page, .sent)
                    case .retry(let error): return (page, .failed(error: error, retryAt: now.addingTimeInterval(Self.backoff(attempt: page.attempts))))
                    case .permanent(let error): return (page, .failedPermanently(error: error))
                    }
                }
            }
            var results: [(StoredPage, DeliveryOutcome)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0.id < $1.0.id }
        }
    }

    /// Queues "your shift starts in …" notices for shifts starting within `settings.shift_notices.before`.
    func planShiftNotices() throws {
        guard let before = rota.settings.noticeBefore else { return }
        let horizon = now.addingTimeInterval(TimeInterval(before))
        var notices: [NewNotice] = []
        for id in timetable.scheduleIDs {
            // A shift that began before now is not "starting"; look from just after now.
            for shift in timetable.shifts(schedule: id, from: now.addingTimeInterval(-1), to: horizon) where shift.start > now {
                guard let person = rota.person(shift.person) else { continue }
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
            NewNotice(key: key, person: person.id, contact: index, contactKind: contact.channel.kind, dueAt: dueAt, subject: subject, text: text)
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
            pageID: PageMessage.id(alert: alert.id, round: page.round, level: page.level, person: page.person, contact: page.contact),
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
