import Foundation
import GRDB
import RotaCore

/// An alert as stored.
public struct StoredAlert: Hashable, Sendable {
    public var id: Int
    public var service: String
    public var escalation: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var dedupKey: String?
    public var count: Int
    public var createdAt: Date
    public var acknowledgedBy: String?
    public var resolvedAt: Date?
    public var resolvedBy: String?
    public var progress: EscalationProgress
    /// The escalation and contacts it escalates by when they vanish from the files (encoded by the engine).
    public var definition: Data?

    public var status: AlertStatus { progress.status }
    public var acknowledgedAt: Date? { progress.acknowledgedAt }
}

/// A row of the outbox: one (alert, round, level, person, contact), or one shift notice per contact.
public struct StoredPage: Hashable, Sendable {
    public enum Status: String, Sendable { case pending, sending, sent, failed, cancelled }

    public var id: Int
    /// Nil for a shift notice.
    public var alertID: Int?
    public var noticeKey: String?
    public var noticeSubject: String?
    public var noticeText: String?
    public var round: Int
    public var level: Int
    public var person: String
    public var contact: Int
    public var contactKind: String
    /// The contact's stable identity (kind and address), so reordering contacts changes nothing.
    public var contactKey: String?
    public var levelDueAt: Date
    public var dueAt: Date
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var late: Bool
    public var lastError: String?

    public init(id: Int, alertID: Int?, noticeKey: String? = nil, noticeSubject: String? = nil, noticeText: String? = nil,
                round: Int, level: Int, person: String, contact: Int, contactKind: String, contactKey: String?, levelDueAt: Date,
                dueAt: Date, status: Status, attempts: Int, nextAttemptAt: Date? = nil, sentAt: Date? = nil, late: Bool,
                lastError: String? = nil) {
        self.id = id
        self.alertID = alertID
        self.noticeKey = noticeKey
        self.noticeSubject = noticeSubject
        self.noticeText = noticeText
        self.round = round
        self.level = level
        self.person = person
        self.contact = contact
        self.contactKind = contactKind
        self.contactKey = contactKey
        self.levelDueAt = levelDueAt
        self.dueAt = dueAt
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.late = late
        self.lastError = lastError
    }
}

/// What raising asks for.
public struct NewAlert: Sendable {
    public var service: String
    public var escalation: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var dedupKey: String?
    public var definition: Data?

    public init(service: String, escalation: String, summary: String, details: String?, severity: String, dedupKey: String?,
                definition: Data? = nil) {
        self.definition = definition
        self.service = service
        self.escalation = escalation
        self.summary = summary
        self.details = details
        self.severity = severity
        self.dedupKey = dedupKey
    }
}

/// A page to queue: its contact is due `afterSeconds` after its level.
public struct NewPage: Hashable, Sendable {
    public var round: Int
    public var level: Int
    public var person: String
    public var contact: Int
    public var contactKind: String
    public var contactKey: String
    public var levelDueAt: Date
    public var dueAt: Date

    public init(round: Int, level: Int, person: String, contact: Int, contactKind: String, contactKey: String, levelDueAt: Date, dueAt: Date) {
        self.contactKey = contactKey
        self.round = round
        self.level = level
        self.person = person
        self.contact = contact
        self.contactKind = contactKind
        self.levelDueAt = levelDueAt
        self.dueAt = dueAt
    }
}

/// What the runner decided for one alert: its new progress, the pages to queue, lines for its log.
public struct AlertDecision: Sendable {
    public var progress: EscalationProgress
    public var wakeAt: Date?
    public var pages: [NewPage]
    public var log: [(event: String, detail: String)]
    /// A new definition to keep with the alert (nil: keep the one it has).
    public var definition: Data?

    public init(progress: EscalationProgress, wakeAt: Date?, pages: [NewPage], log: [(event: String, detail: String)], definition: Data? = nil) {
        self.definition = definition
        self.progress = progress
        self.wakeAt = wakeAt
        self.pages = pages
        self.log = log
    }
}

/// How a delivery went.
public enum DeliveryOutcome: Sendable, Equatable {
    case sent
    /// Tried again from `retryAt`.
    case failed(error: String, retryAt: Date)
    /// Never tried again (e.g. a webhook answering 404).
    case failedPermanently(error: String)
}

/// The runner's health, for `rota status`.
public struct RunnerStatus: Sendable {
    public var lastTick: Date?
    public var openAlerts: Int
    public var pagesPending: Int
    public var pagesFailed: Int
    /// Pages of open alerts (and notices of the last day) that failed and will not be retried.
    public var pagesFailedForGood: Int
}

extension StoredAlert: FetchableRecord {
    public init(row: Row) {
        let progress = EscalationProgress(
            status: AlertStatus(rawValue: row["status"]) ?? .triggered, round: row["round"], cycleFirstRound: row["cycle_first_round"],
            nextLevel: row["next_level"], nextDueAt: (row["next_due_at"] as Int64?).map(Date.init(millis:)),
            acknowledgedAt: (row["acknowledged_at"] as Int64?).map(Date.init(millis:)))
        self.init(id: row["id"], service: row["service"], escalation: row["escalation"], summary: row["summary"],
                  details: row["details"], severity: row["severity"], dedupKey: row["dedup_key"], count: row["count"],
                  createdAt: Date(millis: row["created_at"]), acknowledgedBy: row["acknowledged_by"],
                  resolvedAt: (row["resolved_at"] as Int64?).map(Date.init(millis:)), resolvedBy: row["resolved_by"],
                  progress: progress, definition: row["definition"])
    }
}

extension StoredPage: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], alertID: row["alert_id"], noticeKey: row["notice_key"], noticeSubject: row["notice_subject"],
                  noticeText: row["notice_text"], round: row["round"], level: row["level"], person: row["person"],
                  contact: row["contact"], contactKind: row["contact_kind"], contactKey: row["contact_key"], levelDueAt: Date(millis: row["level_due_at"]),
                  dueAt: Date(millis: row["due_at"]), status: Status(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                  nextAttemptAt: (row["next_attempt_at"] as Int64?).map(Date.init(millis:)),
                  sentAt: (row["sent_at"] as Int64?).map(Date.init(millis:)), late: row["late"], lastError: row["last_error"])
    }
}

extension AppDatabase {
    // MARK: raising, acknowledging, resolving

    /// Creates an alert, or counts it into the open alert of the same service and dedup key.
    public func raise(_ new: NewAlert, actor: String, now: Date) throws(StoreError) -> (alert: StoredAlert, deduplicated: Bool) {
        try write { db in
            if let key = new.dedupKey,
               let open = try StoredAlert.fetchOne(db, sql: "SELECT * FROM alert WHERE service = ? AND dedup_key = ? AND status != 'resolved'",
                                                   arguments: [new.service, key]) {
                try db.execute(sql: "UPDATE alert SET count = count + 1 WHERE id = ?", arguments: [open.id])
                try Self.log(db, at: now, actor: actor, event: "alert.deduplicated",
                             detail: "alert #\(open.id) raised again (dedup key \(key)): \(new.summary)", alertID: open.id)
                var counted = open
                counted.count += 1
                return (counted, true)
            }
            let progress = EscalationProgress.raised(at: now)
            try db.execute(sql: """
                INSERT INTO alert (service, escalation, status, summary, details, severity, dedup_key, created_at,
                                   round, cycle_first_round, next_level, next_due_at, wake_at, definition)
                VALUES (?, ?, 'triggered', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.service, new.escalation, new.summary, new.details, new.severity, new.dedupKey,
                                 now.millis, progress.round, progress.cycleFirstRound, progress.nextLevel,
                                 progress.nextDueAt?.millis, progress.wakeUp(ackTimeout: nil)?.millis, new.definition])
            let id = Int(db.lastInsertedRowID)
            try Self.log(db, at: now, actor: actor, event: "alert.raised",
                         detail: "alert #\(id) on \(new.service) (\(new.severity)): \(new.summary)", alertID: id)
            let alert = StoredAlert(id: id, service: new.service, escalation: new.escalation, summary: new.summary,
                                    details: new.details, severity: new.severity, dedupKey: new.dedupKey, count: 1, createdAt: now,
                                    acknowledgedBy: nil, resolvedAt: nil, resolvedBy: nil, progress: progress,
                                    definition: new.definition)
            return (alert, false)
        }
    }

    /// Acknowledges: nothing more becomes due, undelivered pages are cancelled. With an ack
    /// timeout the runner wakes the alert up again at `now + ackTimeout`.
    public func acknowledge(id: Int, actor: String, now: Date, ackTimeout: Int?) throws(StoreError) -> StoredAlert {
        try write { db in
            let alert = try Self.alert(db, id)
            guard alert.status == .triggered else { return alert }
            let wake = ackTimeout.map { now.addingTimeInterval(Double($0)) }
            try db.execute(sql: """
                UPDATE alert SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?,
                       next_level = NULL, next_due_at = NULL, wake_at = ? WHERE id = ?
                """, arguments: [now.millis, actor, wake?.millis, id])
            let cancelled = try Self.cancelPages(db, alert: id)
            try Self.log(db, at: now, actor: actor, event: "alert.acknowledged",
                         detail: "alert #\(id) acknowledged by \(actor)" + (cancelled > 0 ? "; \(cancelled) page(s) not yet sent cancelled" : ""),
                         alertID: id)
            return try Self.alert(db, id)
        }
    }

    /// Resolves: terminal; undelivered pages are cancelled.
    public func resolve(id: Int, actor: String, now: Date) throws(StoreError) -> StoredAlert {
        try write { db in
            let alert = try Self.alert(db, id)
            guard alert.status != .resolved else { return alert }
            try db.execute(sql: """
                UPDATE alert SET status = 'resolved', resolved_at = ?, resolved_by = ?,
                       next_level = NULL, next_due_at = NULL, wake_at = NULL WHERE id = ?
                """, arguments: [now.millis, actor, id])
            let cancelled = try Self.cancelPages(db, alert: id)
            try Self.log(db, at: now, actor: actor, event: "alert.resolved",
                         detail: "alert #\(id) resolved by \(actor)" + (cancelled > 0 ? "; \(cancelled) page(s) not yet sent cancelled" : ""),
                         alertID: id)
            return try Self.alert(db, id)
        }
    }

    private static func alert(_ db: Database, _ id: Int) throws -> StoredAlert {
        guard let alert = try StoredAlert.fetchOne(db, sql: "SELECT * FROM alert WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound("no alert #\(id); 'rota alert list --all' shows them")
        }
        return alert
    }

    private static func cancelPages(_ db: Database, alert id: Int) throws -> Int {
        try db.execute(sql: "UPDATE page SET status = 'cancelled', next_attempt_at = NULL WHERE alert_id = ? AND status IN ('pending', 'failed')",
                       arguments: [id])
        return db.changesCount
    }

    // MARK: the runner

    /// Advances every alert whose wake-up time has come (or only `alertID`) in one write
    /// transaction. `decide` is the pure planner: it runs inside the transaction, so it sees
    /// what other runners and humans committed, and it must do no I/O. Returns how many changed.
    @discardableResult
    public func advanceAlerts(now: Date, only alertID: Int? = nil, actor: String,
                              decide: (StoredAlert) -> AlertDecision?) throws(StoreError) -> Int {
        try write { db in
            let alerts: [StoredAlert]
            if let alertID {
                alerts = try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE id = ? AND status != 'resolved'", arguments: [alertID])
            } else {
                alerts = try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE wake_at <= ? AND status != 'resolved' ORDER BY wake_at, id",
                                                  arguments: [now.millis])
            }
            var changed = 0
            for alert in alerts {
                guard let decision = decide(alert) else { continue }
                let p = decision.progress
                try db.execute(sql: """
                    UPDATE alert SET status = ?, round = ?, cycle_first_round = ?, next_level = ?, next_due_at = ?,
                           acknowledged_at = ?, acknowledged_by = CASE WHEN ? IS NULL THEN NULL ELSE acknowledged_by END, wake_at = ?
                    WHERE id = ?
                    """, arguments: [p.status.rawValue, p.round, p.cycleFirstRound, p.nextLevel, p.nextDueAt?.millis,
                                     p.acknowledgedAt?.millis, p.acknowledgedAt?.millis, decision.wakeAt?.millis, alert.id])
                if let definition = decision.definition {
                    try db.execute(sql: "UPDATE alert SET definition = ? WHERE id = ?", arguments: [definition, alert.id])
                }
                for page in decision.pages {
                    // The unique key makes a second runner's insert of the same page a no-op.
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO page (alert_id, round, level, person, contact, contact_kind, contact_key, level_due_at, due_at,
                                                    status, next_attempt_at, late)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                        """, arguments: [alert.id, page.round, page.level, page.person, page.contact, page.contactKind, page.contactKey,
                                         page.levelDueAt.millis, page.dueAt.millis, page.dueAt.millis,
                                         now.timeIntervalSince(page.dueAt) > Self.lateAfter])
                }
                for line in decision.log {
                    try Self.log(db, at: now, actor: actor, event: line.event, detail: line.detail, alertID: alert.id)
                }
                changed += 1
            }
            return changed
        }
    }

    /// A page queued this long after it was due is marked late (cron runs every minute).
    static let lateAfter: TimeInterval = 120

    /// Claims up to `limit` pages that are due (or whose claim lapsed), marking them `sending`
    /// with a lease, and commits. Pages of alerts no longer triggered are cancelled on the way:
    /// an ack or resolve committed first means no page.
    public func claimPages(now: Date, lease: TimeInterval, limit: Int, only alertID: Int? = nil) throws(StoreError) -> [(page: StoredPage, alert: StoredAlert?)] {
        try write { db in
            // Two index-backed queries (due pages, lapsed claims) rather than one OR that scans history.
            var filter = ""
            var extra: StatementArguments = []
            if let alertID {
                filter = "AND alert_id = ?"
                extra = [alertID]
            }
            let due = try StoredPage.fetchAll(db, sql: """
                SELECT * FROM page WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? \(filter) ORDER BY next_attempt_at LIMIT ?
                """, arguments: [now.millis] + extra + [limit * 2])
            let lapsed = try StoredPage.fetchAll(db, sql: """
                SELECT * FROM page WHERE status = 'sending' AND lease_until <= ? \(filter) ORDER BY lease_until LIMIT ?
                """, arguments: [now.millis] + extra + [limit * 2])
            let candidates = (due + lapsed).sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
            var claimed: [(page: StoredPage, alert: StoredAlert?)] = []
            var alerts: [Int: StoredAlert] = [:]
            for page in candidates where claimed.count < limit {
                var alert: StoredAlert?
                if let id = page.alertID {
                    alert = try alerts[id] ?? Self.alert(db, id)
                    alerts[id] = alert
                }
                if let alert, alert.status != .triggered {
                    try db.execute(sql: "UPDATE page SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL WHERE id = ?", arguments: [page.id])
                    continue
                }
                try db.execute(sql: "UPDATE page SET status = 'sending', attempts = attempts + 1, lease_until = ? WHERE id = ?",
                               arguments: [now.addingTimeInterval(lease).millis, page.id])
                var mine = page
                mine.status = .sending
                mine.attempts += 1
                claimed.append((mine, alert))
            }
            return claimed
        }
    }

    /// Records how claimed deliveries went, in one transaction; a page whose claim lapsed and
    /// was taken by another runner is left to that runner.
    public func finishPages(_ results: [(page: StoredPage, outcome: DeliveryOutcome)], now: Date) throws(StoreError) {
        guard !results.isEmpty else { return }
        try write { db in
            for (page, outcome) in results {
                let current = try StoredPage.fetchOne(db, sql: "SELECT * FROM page WHERE id = ?", arguments: [page.id])
                guard let current, current.status == .sending, current.attempts == page.attempts else { continue }
                let subject = page.alertID == nil
                    ? "notice to \(page.person) (\(page.noticeKey ?? ""), \(page.contactKind))"
                    : "page to \(page.person) (round \(page.round), level \(page.level), \(page.contactKind))"
                switch outcome {
                case .sent:
                    try db.execute(sql: "UPDATE page SET status = 'sent', sent_at = ?, lease_until = NULL, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                                   arguments: [now.millis, page.id])
                    try Self.log(db, at: now, actor: "rota", event: "page.sent", detail: "\(subject) sent" + (page.late ? " (late)" : ""), alertID: page.alertID)
                case .failed(let error, let retryAt):
                    try db.execute(sql: "UPDATE page SET status = 'failed', lease_until = NULL, next_attempt_at = ?, last_error = ? WHERE id = ?",
                                   arguments: [retryAt.millis, error, page.id])
                    try Self.log(db, at: now, actor: "rota", event: "page.failed",
                                 detail: "\(subject) failed (attempt \(page.attempts)): \(error); retrying from \(TimeText.utc(retryAt))", alertID: page.alertID)
                case .failedPermanently(let error):
                    try db.execute(sql: "UPDATE page SET status = 'failed', lease_until = NULL, next_attempt_at = NULL, last_error = ? WHERE id = ?",
                                   arguments: [error, page.id])
                    try Self.log(db, at: now, actor: "rota", event: "page.failed", detail: "\(subject) failed for good: \(error)", alertID: page.alertID)
                }
            }
        }
    }

    /// Notes that a tick ran at `now`, never moving the mark backwards, except over a mark that
    /// lies ahead of `clock` (the system clock): that came from a preview with a future `--now`
    /// and must not hide a dead cron.
    public func recordTick(now: Date, clock: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO runner (id, last_tick_at) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET last_tick_at =
                    CASE WHEN last_tick_at > ? THEN excluded.last_tick_at ELSE MAX(last_tick_at, excluded.last_tick_at) END
                """, arguments: [now.millis, clock.millis])
        }
    }

    public func runnerStatus(now: Date) throws(StoreError) -> RunnerStatus {
        try read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT last_tick_at FROM runner WHERE id = 1")
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alert WHERE status != 'resolved'") ?? 0
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM page WHERE status IN ('pending', 'sending', 'failed') AND status != 'failed'") ?? 0
            let failed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM page WHERE status IN ('pending', 'sending', 'failed') AND status = 'failed'") ?? 0
            let forGood = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE page.status = 'failed' AND page.next_attempt_at IS NULL
                  AND (alert.status IN ('triggered', 'acknowledged') OR (page.alert_id IS NULL AND page.due_at >= ?))
                """, arguments: [now.addingTimeInterval(-86400).millis]) ?? 0
            return RunnerStatus(lastTick: last.map(Date.init(millis:)), openAlerts: open, pagesPending: pending, pagesFailed: failed,
                                pagesFailedForGood: forGood)
        }
    }

    // MARK: reading

    /// Alerts whose wake-up time has come (what a tick would plan), read without writing.
    public func dueAlerts(now: Date) throws(StoreError) -> [StoredAlert] {
        try read { db in
            try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE wake_at <= ? AND status != 'resolved' ORDER BY wake_at, id",
                                     arguments: [now.millis])
        }
    }

    /// Pages a tick would claim now (due, or whose claim lapsed), read without writing.
    public func duePages(now: Date) throws(StoreError) -> [StoredPage] {
        try read { db in
            try StoredPage.fetchAll(db, sql: """
                SELECT page.* FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE ((page.status IN ('pending', 'failed') AND page.next_attempt_at <= ?) OR (page.status = 'sending' AND page.lease_until <= ?))
                  AND (page.alert_id IS NULL OR alert.status = 'triggered')
                ORDER BY page.due_at, page.id
                """, arguments: [now.millis, now.millis])
        }
    }

    public func alert(id: Int) throws(StoreError) -> StoredAlert {
        try read { db in try Self.alert(db, id) }
    }

    public func alerts(includeResolved: Bool) throws(StoreError) -> [StoredAlert] {
        try read { db in
            try StoredAlert.fetchAll(db, sql: includeResolved ? "SELECT * FROM alert ORDER BY id" : "SELECT * FROM alert WHERE status != 'resolved' ORDER BY id")
        }
    }

    public func pages(alert id: Int) throws(StoreError) -> [StoredPage] {
        try read { db in try StoredPage.fetchAll(db, sql: "SELECT * FROM page WHERE alert_id = ? ORDER BY due_at, id", arguments: [id]) }
    }

    /// Everyone paged (or being paged) for an alert, in order.
    public func pagedPeople(alert id: Int) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT person FROM page WHERE alert_id = ? AND status IN ('sending', 'sent') GROUP BY person ORDER BY MIN(due_at)", arguments: [id])
        }
    }

    public func events(alert id: Int) throws(StoreError) -> [AuditEvent] {
        try read { db in try AuditEvent.fetchAll(db, sql: "SELECT * FROM event WHERE alert_id = ? ORDER BY at, id", arguments: [id]) }
    }
}

/// A level that reached someone: at least one of its contacts was delivered.
public struct ReceivedPage: Hashable, Sendable {
    public var person: String
    public var alertID: Int
    public var round: Int
    public var level: Int
    public var levelDueAt: Date
}

extension AppDatabase {
    /// Pages people received with their level due in `[from, to)`, one per (alert, round, level, person).
    public func receivedPages(from: Date, to: Date) throws(StoreError) -> [ReceivedPage] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT person, alert_id, round, level, MIN(level_due_at) AS due FROM page
                WHERE status = 'sent' AND alert_id IS NOT NULL AND level_due_at >= ? AND level_due_at < ?
                GROUP BY alert_id, round, level, person ORDER BY due
                """, arguments: [from.millis, to.millis]).map { row in
                ReceivedPage(person: row["person"], alertID: row["alert_id"], round: row["round"], level: row["level"],
                             levelDueAt: Date(millis: row["due"]))
            }
        }
    }
}

/// A shift notice to queue, one row per contact.
public struct NewNotice: Hashable, Sendable {
    public var key: String
    public var person: String
    public var contact: Int
    public var contactKind: String
    public var contactKey: String
    public var dueAt: Date
    public var subject: String
    public var text: String

    public init(key: String, person: String, contact: Int, contactKind: String, contactKey: String, dueAt: Date, subject: String, text: String) {
        self.contactKey = contactKey
        self.key = key
        self.person = person
        self.contact = contact
        self.contactKind = contactKind
        self.dueAt = dueAt
        self.subject = subject
        self.text = text
    }
}

extension AppDatabase {
    /// Queues shift notices; a notice already queued under the same key is left alone, so each is sent once.
    /// Returns how many were new.
    @discardableResult
    public func enqueueNotices(_ notices: [NewNotice]) throws(StoreError) -> Int {
        guard !notices.isEmpty else { return 0 }
        return try write { db in
            var added = 0
            for notice in notices {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO page (notice_key, notice_subject, notice_text, person, contact, contact_kind, contact_key,
                                                level_due_at, due_at, status, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                    """, arguments: [notice.key, notice.subject, notice.text, notice.person, notice.contact, notice.contactKind, notice.contactKey,
                                     notice.dueAt.millis, notice.dueAt.millis, notice.dueAt.millis])
                added += db.changesCount
            }
            return added
        }
    }
}
