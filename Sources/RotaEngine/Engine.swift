import Foundation
import RotaConfig
import RotaCore
import RotaNotify
import RotaStore

/// What the engine runs with at one `now`: the rota in force, its timetable (revisions, overrides,
/// leave), the runbooks as pages quote them, the full webhook addresses, and how the door that
/// pages tells people to answer.
public struct RotaSnapshot: Sendable {
    public var rota: Rota
    public var timetable: Timetable
    public var runbooks: [String: String]
    public var addressBook: AddressBook
    /// For an alert id and the person paged: how to acknowledge (`rota ack 7`, or a link), and
    /// the page's line about answering.
    public var answer: @Sendable (Int, String) -> (acknowledge: String, line: String)

    public init(rota: Rota, timetable: Timetable, runbooks: [String: String], addressBook: AddressBook,
                answer: @escaping @Sendable (Int, String) -> (acknowledge: String, line: String)) {
        self.rota = rota
        self.timetable = timetable
        self.runbooks = runbooks
        self.addressBook = addressBook
        self.answer = answer
    }
}

/// What a run of deliveries did.
public struct DeliveryReport: Sendable {
    public struct Item: Sendable {
        public var page: StoredPage
        public var error: String?
        /// Not retried (a contact gone from the files, a webhook answering 404 or a redirect).
        public var forGood = false
    }

    public var sent: [Item] = []
    public var failed: [Item] = []
    /// Delivery stopped early (SIGTERM): what was not claimed goes out next time.
    public var stopped = false

    public init() {}
}

/// The runner: load → decide (pure planner) → apply (store) → deliver (notify). Used by a
/// tick for every alert, by a raise for the new alert only, and by a loop in a server.
public struct Engine: Sendable {
    public let store: any Store
    public let deliverer: any Deliverer
    /// Deliveries running at once.
    public var parallel = 16
    /// Deliveries running at once through one contact address (one webhook URL, one pager argv,
    /// one mailbox): a dead or slow endpoint holds at most this many slots, never all of them.
    public var perContact = 4
    /// How long a delivered page may wait to be recorded with others.
    public var recordWithin: Duration = .milliseconds(100)

    public init(store: any Store, deliverer: any Deliverer) {
        self.store = store
        self.deliverer = deliverer
    }

    /// How long a claimed page is ours before another runner may take it over: longer than any
    /// delivery can take (a page is claimed just before it is delivered).
    public static func lease(_ settings: Settings) -> TimeInterval {
        TimeInterval(max(120, 2 * max(settings.commandTimeout, settings.webhookTimeout) + 30))
    }

    /// What an alert keeps with it at raise: its escalation and the contacts of those it may page.
    public static func definition(for service: Service, in rota: Rota) -> Data? {
        definition(escalation: service.escalation, in: rota)
    }

    public static func definition(escalation: String, in rota: Rota) -> Data? {
        rota.escalation(escalation).map { RotaModelCodec.encode(AlertDefinition.capture($0, from: rota)) }
    }

    /// Everything due at `now`: plan the alerts, queue shift notices, note the tick, deliver.
    public func tick(_ snapshot: RotaSnapshot, now: Date, clock: Date, shouldStop: @escaping @Sendable () -> Bool = { false }) async throws(StoreError) -> DeliveryReport {
        try await prepare(snapshot, now: now, clock: clock)
        return try await deliver(snapshot, now: now, shouldStop: shouldStop)
    }

    /// The part of a tick that needs the runner lock: plan the alerts, queue shift notices, note
    /// the tick. Delivery comes after, outside the lock: claims with leases keep each page to one
    /// runner, so a stuck delivery never stops another runner from planning and paging.
    public func prepare(_ snapshot: RotaSnapshot, now: Date, clock: Date) async throws(StoreError) {
        try await plan(snapshot, now: now)
        try await queueShiftNotices(snapshot, now: now)
        try await store.recordTick(now: now, clock: clock)
    }

    /// Plans every alert that is due (or only one), queueing its pages in the outbox.
    public func plan(_ snapshot: RotaSnapshot, now: Date, only alertID: Int? = nil) async throws(StoreError) {
        try await store.advanceAlerts(now: now, only: alertID, actor: "rota") { Self.decide($0, snapshot: snapshot, now: now) }
    }

    /// Queues "your shift starts in …" for shifts starting within `settings.shift_notices.before`.
    public func queueShiftNotices(_ snapshot: RotaSnapshot, now: Date) async throws(StoreError) {
        guard let before = snapshot.rota.settings.noticeBefore else { return }
        let notices = ShiftNotices.starting(timetable: snapshot.timetable, rota: snapshot.rota, now: now, before: before)
        try await store.enqueue(Self.entries(notices, rota: snapshot.rota, now: now))
    }

    /// Queues each alarm for each admin (a `schedule:` admin is whoever is on call at `now`).
    public func queueAdminAlarms(_ alarms: [AdminAlarm], snapshot: RotaSnapshot, now: Date) async throws(StoreError) {
        guard !alarms.isEmpty else { return }
        let admins = snapshot.timetable.people(snapshot.rota.settings.admins, at: now)
        let notices = alarms.flatMap { alarm in
            admins.map { ShiftNotices.Notice(person: $0, key: alarm.key, subject: alarm.subject, text: alarm.text) }
        }
        try await store.enqueue(Self.entries(notices, rota: snapshot.rota, now: now))
    }

    /// One outbox row per contact of each notice's person.
    public static func entries(_ notices: [ShiftNotices.Notice], rota: Rota, now: Date) -> [OutboxEntry] {
        notices.flatMap { notice in
            (rota.person(notice.person)?.contacts ?? []).enumerated().map { index, contact in
                OutboxEntry(delivery: .notice(key: notice.key, subject: notice.subject, text: notice.text), person: notice.person,
                            contact: index, contactKind: contact.channel.kind, contactKey: contact.key, dueAt: now)
            }
        }
    }

    /// What a dry run shows: pages already due in the outbox, and those the due alerts would add.
    public func preview(_ snapshot: RotaSnapshot, now: Date) async throws(StoreError) -> [StoredPage] {
        var pages = try await store.duePages(now: now)
        for alert in try await store.dueAlerts(now: now) {
            guard let decision = Self.decide(alert, snapshot: snapshot, now: now) else { continue }
            pages += decision.pages.filter { $0.dueAt <= now }.map { StoredPage(previewing: $0, alertID: alert.id) }
        }
        return pages.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    /// Delivers every page that is due (or only one alert's), up to `parallel` at once whatever
    /// their due instants, outside any transaction. Pages are claimed just before they go, a few
    /// at a time as slots free up, and recorded in small batches within `recordWithin` of
    /// finishing (fewer commits, each fsynced, without leaving a delivered page unrecorded for
    /// long). Once `shouldStop` says so (SIGTERM), nothing more is claimed; deliveries in flight
    /// finish and are recorded.
    public func deliver(_ snapshot: RotaSnapshot, now: Date, only alertID: Int? = nil,
                        shouldStop: @escaping @Sendable () -> Bool = { false }) async throws(StoreError) -> DeliveryReport {
        let lease = Self.lease(snapshot.rota.settings)
        let store = self.store
        var report = DeliveryReport()
        var kept: [Int: Rota] = [:]
        var finished: [FinishedPage] = []
        // Deliveries in flight per contact address; one at its bound is not claimed from.
        var busy: [String: Int] = [:]
        func record() async throws(StoreError) {
            guard !finished.isEmpty else { return }
            try await store.finishPages(finished, now: now)
            for item in finished {
                if let key = item.page.contactKey { busy[key, default: 0] -= 1 }
                switch item.result {
                case .delivered: report.sent.append(.init(page: item.page))
                case .retry(let error): report.failed.append(.init(page: item.page, error: error))
                case .permanent(let error): report.failed.append(.init(page: item.page, error: error, forGood: true))
                }
            }
            finished.removeAll()
        }
        do {
            // A task yields a finished delivery, or nil: the timer saying the batch has waited long enough.
            try await withThrowingTaskGroup(of: FinishedPage?.self) { group in
                var running = 0
                var timerSet = false
                var drained = false
                while true {
                    let free = parallel - running
                    if !drained, !shouldStop(), free > 0, running == 0 || free >= parallel / 2 {
                        try await record()
                        let full = Set(busy.filter { $0.value >= perContact }.keys)
                        let claimed = try await store.claimPages(now: now, lease: lease, limit: free, only: alertID, excluding: full)
                        if claimed.count < free && full.isEmpty { drained = true }
                        for (page, alert) in claimed {
                            if let key = page.contactKey { busy[key, default: 0] += 1 }
                            if let alert, kept[alert.id] == nil, let data = alert.definition { kept[alert.id] = RotaModelCodec.decode(data) }
                            let job = try await delivery(of: page, alert: alert, kept: alert.flatMap { kept[$0.id] }, snapshot: snapshot, now: now)
                            group.addTask { await job() }
                            running += 1
                        }
                    }
                    if running == 0, drained || shouldStop() || !timerSet {
                        group.cancelAll()
                        break
                    }
                    guard let next = try await group.next() else { break }
                    if let item = next {
                        running -= 1
                        finished.append(item)
                        if finished.count >= parallel / 2 || running == 0 { try await record() }
                        if !finished.isEmpty, !timerSet {
                            timerSet = true
                            let wait = recordWithin
                            group.addTask { try? await Task.sleep(for: wait); return nil }
                        }
                    } else {
                        timerSet = false
                        try await record()
                    }
                }
                try await record()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("\(error)")
        }
        report.stopped = shouldStop()
        // Reported in due order, whatever order they finished in.
        report.sent.sort { ($0.page.dueAt, $0.page.id) < ($1.page.dueAt, $1.page.id) }
        report.failed.sort { ($0.page.dueAt, $0.page.id) < ($1.page.dueAt, $1.page.id) }
        return report
    }

    /// One page's delivery, ready to run in a task: its outcome and its line for the log.
    private func delivery(of page: StoredPage, alert: StoredAlert?, kept: Rota?, snapshot: RotaSnapshot,
                          now: Date) async throws(StoreError) -> @Sendable () async -> FinishedPage {
        let message: any OutboundMessage
        if let alert {
            let others = try await store.pagedPeople(alert: alert.id).filter { $0 != page.person }
            var page = Self.message(for: page, alert: alert, alsoPaged: others, snapshot: snapshot)
            if alert.alertCount > 1 {
                page.latestSummaries = try await store.incidentAlerts(id: alert.id, latest: Self.latestShown).map(\.summary)
            }
            if snapshot.rota.escalation(alert.escalation)?.roles.isEmpty == false {
                let roles = try await store.crisis(incident: alert.id).roles
                page.commander = roles.commander
                page.comms = roles.comms
            }
            message = page
        } else {
            let key = page.noticeKey ?? ""
            message = ShiftNotice(key: key, kind: ShiftNotice.Kind(key: key),
                                  person: page.person, subject: page.noticeSubject ?? "", text: page.noticeText ?? "")
        }
        let lookup = Self.contact(for: page, rota: snapshot.rota, kept: kept, addressBook: snapshot.addressBook)
        let settings = snapshot.rota.settings
        let deliverer = self.deliverer
        return {
            let result: DeliveryResult
            switch lookup {
            case .success(let contact): result = await deliverer.deliver(message, via: contact, settings: settings, now: now)
            case .failure(let failure): result = failure.result
            }
            let retryAt: Date? = if case .retry = result { now.addingTimeInterval(RetryPolicy.backoff(attempt: page.attempts)) } else { nil }
            return FinishedPage(page: page, result: result, retryAt: retryAt, log: Self.logEntry(page, result: result, retryAt: retryAt))
        }
    }

    static func logEntry(_ page: StoredPage, result: DeliveryResult, retryAt: Date?) -> AuditEntry {
        let subject = page.alertID == nil
            ? "notice to \(page.person) (\(page.noticeKey ?? ""), \(page.contactKind))"
            : "page to \(page.person) (round \(page.round), level \(page.level), \(page.contactKind))"
        switch result {
        case .delivered:
            return AuditEntry(.pageSent, "\(subject) sent" + (page.late ? " (late)" : ""))
        case .retry(let error):
            return AuditEntry(.pageFailed, "\(subject) failed (attempt \(page.attempts)): \(error); retrying from \(TimeText.utc(retryAt ?? page.dueAt))")
        case .permanent(let error):
            return AuditEntry(.pageFailed, "\(subject) failed for good: \(error)")
        }
    }

    /// How many of an incident's latest alert summaries a page quotes.
    static let latestShown = 5

    static func message(for page: StoredPage, alert: StoredAlert, alsoPaged: [String], snapshot: RotaSnapshot) -> PageMessage {
        let service = snapshot.rota.service(alert.service)
        let answer = snapshot.answer(alert.id, page.person)
        var message = PageMessage(
            pageID: page.pageID, alertID: alert.id, service: alert.service, serviceName: service?.name ?? alert.service,
            summary: alert.summary, details: alert.details, severity: alert.peakSeverity, round: page.round, level: page.level,
            person: page.person, dueAt: page.levelDueAt, runbook: snapshot.runbooks[alert.service], alsoPaged: alsoPaged,
            late: page.late, acknowledge: answer.acknowledge, answerLine: answer.line)
        message.alertCount = alert.alertCount
        message.drill = alert.isDrill
        return message
    }

    /// Why a page has no contact to go through.
    struct ContactFailure: Error {
        var result: DeliveryResult
    }

    /// The contact a page goes through, by its stable key: the files' own while the person is
    /// there with contacts, else the one kept with the alert; webhooks made whole from the
    /// address book. A contact removed on purpose fails for good; a webhook whose full address
    /// this host does not have is retried, never posted to a reduced address.
    static func contact(for page: StoredPage, rota: Rota, kept: Rota?, addressBook: AddressBook) -> Result<Contact, ContactFailure> {
        func match(_ person: Person?) -> Contact? {
            guard let person else { return nil }
            guard let key = page.contactKey else { return person.contacts.indices.contains(page.contact) ? person.contacts[page.contact] : nil }
            return person.contacts.first { $0.key == key }
        }
        let person = rota.person(page.person)
        let found: Contact
        if let contact = match(person) {
            found = contact
        } else if let person, !person.contacts.isEmpty {
            return .failure(ContactFailure(result: .permanent(
                "\(page.person)'s \(page.contactKind) contact is no longer in the rota files (removed or changed); \(page.person)'s other contacts are paged as usual")))
        } else if let contact = match(kept?.person(page.person)) {
            found = contact
        } else {
            return .failure(ContactFailure(result: .permanent("\(page.person) is no longer in the rota files, and this contact was not kept with the alert")))
        }
        guard let whole = addressBook.resolve(found) else {
            return .failure(ContactFailure(result: .retry(
                "the full address of \(found.channel.kind) \(Contact.shownURL(Redaction.urlText(found))) is not known on this host (the rota files are invalid and \(addressBook.path) lacks it); fix the rota files — the page is retried")))
        }
        return .success(whole)
    }
}
