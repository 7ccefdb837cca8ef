import Foundation
import Logging
import PostgresNIO
import RotaCore
import RotaStore

extension StoredAlert {
    init(_ c: Cells) throws {
        let progress = EscalationProgress(
            status: AlertStatus(rawValue: try c("status")) ?? .triggered, round: Int(try c("round", as: Int64.self)),
            cycleFirstRound: Int(try c("cycle_first_round", as: Int64.self)), nextLevel: try c("next_level", as: Int64?.self).map(Int.init),
            nextDueAt: try c.optionalInstant("next_due_at"), acknowledgedAt: try c.optionalInstant("acknowledged_at"))
        self.init(id: Int(try c("id", as: Int64.self)), service: try c("service"), escalation: try c("escalation"), summary: try c("summary"),
                  details: try c("details"), severity: try c("severity"), dedupKey: try c("dedup_key"), count: Int(try c("count", as: Int64.self)),
                  createdAt: try c.instant("created_at"), acknowledgedBy: try c("acknowledged_by"),
                  resolvedAt: try c.optionalInstant("resolved_at"), resolvedBy: try c("resolved_by"), progress: progress,
                  definition: try c("definition", as: Data?.self), held: try c("held"))
    }
}

extension AuditEvent {
    init(_ c: Cells) throws {
        self.init(id: Int(try c("id", as: Int64.self)), at: try c.instant("at"), actor: try c("actor"), event: try c("event"),
                  detail: try c("detail"), alertID: try c("alert_id", as: Int64?.self).map(Int.init))
    }
}

extension PostgresStore {
    public func raise(_ new: NewAlert, actor: String, now: Date) async throws(StoreError) -> (alert: StoredAlert, deduplicated: Bool) {
        try await transaction { db in try await self.raise(db, new, actor: actor, now: now) }
    }

    /// Counted into the open alert with the same key, or new. An insert that meets a concurrent
    /// raise of the same key (the unique index on open keys) counts into that one instead.
    private func raise(_ db: PostgresConnection, _ new: NewAlert, actor: String, now: Date) async throws -> (alert: StoredAlert, deduplicated: Bool) {
        for _ in 0..<3 {
            if let key = new.dedupKey {
                let counted = try await db.rows("""
                    UPDATE alert SET count = count + 1 WHERE service = \(new.service) AND dedup_key = \(key) AND status <> 'resolved' RETURNING *
                    """, logger: logger)
                if let row = counted.first {
                    let open = try StoredAlert(row)
                    try await log(db, at: now, actor: actor, .deduplicated(open.id, new), alertID: open.id)
                    return (open, true)
                }
            }
            let windows = new.hold == nil && new.firstPage != nil
                ? try await db.rows("SELECT start_at, end_at FROM maintenance WHERE service = \(new.service) AND end_at > \(now.millis)",
                                    logger: logger).map { (start: try $0.instant("start_at"), end: try $0.instant("end_at")) }
                : []
            let opening = AlertRules.opening(new, now: now, maintenance: windows)
            let p = opening.progress
            let inserted = try await db.rows("""
                INSERT INTO alert (service, escalation, status, summary, details, severity, dedup_key, created_at,
                                   round, cycle_first_round, next_level, next_due_at, wake_at, definition, held, held_kind)
                VALUES (\(new.service), \(new.escalation), \(p.status.rawValue), \(new.summary), \(new.details), \(new.severity), \(new.dedupKey),
                        \(now.millis), \(Int64(p.round)), \(Int64(p.cycleFirstRound)), \(p.nextLevel.map(Int64.init)), \(p.nextDueAt?.millis),
                        \(opening.wakeAt?.millis), \(new.definition), \(opening.hold?.reason), \(opening.hold?.kind.rawValue))
                ON CONFLICT DO NOTHING RETURNING *
                """, logger: logger)
            guard let row = inserted.first else { continue }
            let alert = try StoredAlert(row)
            try await log(db, at: now, actor: actor, .raised(alert.id, new, hold: opening.hold), alertID: alert.id)
            return (alert, false)
        }
        throw StoreError.database("raising on \(new.service): the open alert with this key kept changing; try again")
    }

    public func acknowledge(id: Int, actor: String, now: Date, wakeAt: Date?, notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert {
        try await answer(id: id, .acknowledged, actor: actor, now: now, wakeAt: wakeAt, notices: notices)
    }

    public func resolve(id: Int, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert {
        try await answer(id: id, .resolved, actor: actor, now: now, wakeAt: nil, notices: notices)
    }

    /// A human's answer, the alert locked, as `AlertRules.answer` decides it, with the pages not yet sent cancelled.
    private func answer(id: Int, _ verb: AlertRules.Verb, actor: String, now: Date, wakeAt: Date?,
                        notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert {
        try await transaction { db in
            guard let row = try await db.rows("SELECT * FROM alert WHERE id = \(Int64(id)) FOR UPDATE", logger: self.logger).first else {
                throw StoreError.notFound("no alert #\(id)")
            }
            let alert = try StoredAlert(row)
            guard let answer = AlertRules.answer(alert, verb, actor: actor, now: now, wakeAt: wakeAt) else { return alert }
            try await db.query("""
                UPDATE alert SET status = \(answer.status.rawValue), acknowledged_at = COALESCE(\(answer.acknowledged?.at.millis), acknowledged_at),
                       acknowledged_by = COALESCE(\(answer.acknowledged?.by), acknowledged_by), resolved_at = \(answer.resolved?.at.millis),
                       resolved_by = \(answer.resolved?.by), next_level = NULL, next_due_at = NULL, wake_at = \(answer.wakeAt?.millis)
                WHERE id = \(Int64(id))
                """, logger: self.logger)
            let cancelled = try await db.count("""
                UPDATE page SET status = 'cancelled', next_attempt_at = NULL
                WHERE alert_id = \(Int64(id)) AND status IN (\(unescaped: AlertRules.cancelledByAnswerSQL)) RETURNING id
                """, logger: self.logger)
            _ = try await self.insert(notices, alertID: nil, into: db)
            try await self.log(db, at: now, actor: actor, .answered(id, answer, actor: actor, cancelled: cancelled), alertID: id)
            return try await self.alert(db, id)
        }
    }

    func alert(_ db: PostgresConnection, _ id: Int) async throws -> StoredAlert {
        guard let row = try await db.rows("SELECT * FROM alert WHERE id = \(Int64(id))", logger: logger).first else {
            throw StoreError.notFound("no alert #\(id)")
        }
        return try StoredAlert(row)
    }

    /// Locks the due alerts in id order (as claims and answers do, so no two transactions wait
    /// on each other in a cycle); a runner that comes second waits, then finds them moved on.
    @discardableResult
    public func advanceAlerts(now: Date, only alertID: Int?, actor: String,
                              decide: @escaping @Sendable (StoredAlert) -> AlertDecision?) async throws(StoreError) -> Int {
        try await transaction { db in
            let rows: [Cells]
            if let alertID {
                rows = try await db.rows("SELECT * FROM alert WHERE id = \(Int64(alertID)) AND status <> 'resolved' FOR UPDATE", logger: self.logger)
            } else {
                rows = try await db.rows("SELECT * FROM alert WHERE wake_at <= \(now.millis) AND status <> 'resolved' ORDER BY id FOR UPDATE",
                                         logger: self.logger)
            }
            // Decide every alert first (pure), then write them in a few statements, not a few per alert.
            var updates: [[TransferValue]] = [], pages: [OutboxRow] = [], events: [[TransferValue]] = []
            for alert in try rows.map(StoredAlert.init) {
                guard let decision = decide(alert) else { continue }
                let p = decision.progress
                updates.append([.int(Int64(alert.id)), .text(p.status.rawValue), .int(Int64(p.round)), .int(Int64(p.cycleFirstRound)),
                                TransferValue(p.nextLevel), TransferValue(p.nextDueAt), TransferValue(p.acknowledgedAt),
                                TransferValue(decision.wakeAt), TransferValue(decision.definition)])
                pages += decision.pages.map { OutboxRow(entry: $0, alertID: alert.id) }
                events += decision.log.map { Self.eventRow(at: now, actor: actor, $0, alertID: alert.id) }
            }
            try await db.batched("""
                UPDATE alert SET status = v.status, round = v.round, cycle_first_round = v.cycle, next_level = v.next_level,
                       next_due_at = v.next_due_at, acknowledged_at = v.acknowledged_at,
                       acknowledged_by = CASE WHEN v.acknowledged_at IS NULL THEN NULL ELSE alert.acknowledged_by END,
                       wake_at = v.wake_at, definition = COALESCE(v.definition, alert.definition)
                FROM (VALUES_LIST) AS v(id, status, round, cycle, next_level, next_due_at, acknowledged_at, wake_at, definition)
                WHERE alert.id = v.id
                """, rows: updates, types: ["BIGINT", "TEXT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BYTEA"],
                logger: self.logger)
            _ = try await self.insert(pages, into: db)
            try await self.log(db, events)
            return updates.count
        }
    }

    public func alert(id: Int) async throws(StoreError) -> StoredAlert {
        try await read { db in try await self.alert(db, id) }
    }

    public func arrivals(services: [String], since: Date) async throws(StoreError) -> Int {
        guard !services.isEmpty else { return 0 }
        return try await read { db in
            let rows = try await db.rows("""
                SELECT COUNT(*) AS n FROM event JOIN alert ON alert.id = event.alert_id
                WHERE event.at >= \(since.millis) AND event.event IN ('alert.raised', 'alert.deduplicated') AND alert.service = ANY(\(services))
                """, logger: self.logger)
            return Int(try rows.first?("n", as: Int64.self) ?? 0)
        }
    }

    public func openAlert(service: String, dedupKey: String) async throws(StoreError) -> StoredAlert? {
        try await read { db in
            try await db.rows("SELECT * FROM alert WHERE service = \(service) AND dedup_key = \(dedupKey) AND status <> 'resolved'",
                              logger: self.logger).first.map(StoredAlert.init)
        }
    }

    public func alerts(includeResolved: Bool) async throws(StoreError) -> [StoredAlert] {
        try await read { db in
            try await db.rows(includeResolved ? "SELECT * FROM alert ORDER BY id" : "SELECT * FROM alert WHERE status <> 'resolved' ORDER BY id",
                              logger: self.logger).map(StoredAlert.init)
        }
    }

    public func dueAlerts(now: Date) async throws(StoreError) -> [StoredAlert] {
        try await read { db in
            try await db.rows("SELECT * FROM alert WHERE wake_at <= \(now.millis) AND status <> 'resolved' ORDER BY wake_at, id",
                              logger: self.logger).map(StoredAlert.init)
        }
    }

    public func pages(alert id: Int) async throws(StoreError) -> [StoredPage] {
        try await read { db in
            try await db.rows("SELECT * FROM page WHERE alert_id = \(Int64(id)) ORDER BY due_at, id", logger: self.logger).map(StoredPage.init)
        }
    }

    public func openAlertPages() async throws(StoreError) -> [StoredPage] {
        try await read { db in
            try await db.rows("""
                SELECT page.* FROM page JOIN alert ON alert.id = page.alert_id
                WHERE alert.status <> 'resolved' ORDER BY page.alert_id, page.due_at, page.id
                """, logger: self.logger).map(StoredPage.init)
        }
    }

    public func pagedPeople(alert id: Int) async throws(StoreError) -> [String] {
        try await read { db in
            try await db.rows("""
                SELECT person FROM page WHERE alert_id = \(Int64(id)) AND status IN ('sending', 'sent') GROUP BY person ORDER BY MIN(due_at), person
                """, logger: self.logger).map { try $0("person", as: String.self) }
        }
    }

    public func events(alert id: Int) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            try await db.rows("SELECT * FROM event WHERE alert_id = \(Int64(id)) ORDER BY at, id", logger: self.logger).map(AuditEvent.init)
        }
    }

    public func receivedPages(from: Date, to: Date) async throws(StoreError) -> [ReceivedPage] {
        try await read { db in
            try await db.rows("""
                SELECT person, alert_id, round, level, MIN(level_due_at) AS due FROM page
                WHERE status = 'sent' AND alert_id IS NOT NULL AND level_due_at >= \(from.millis) AND level_due_at < \(to.millis)
                GROUP BY alert_id, round, level, person ORDER BY due, alert_id, round, level, person
                """, logger: self.logger).map { c in
                ReceivedPage(person: try c("person"), alertID: Int(try c("alert_id", as: Int64.self)), round: Int(try c("round", as: Int64.self)),
                             level: Int(try c("level", as: Int64.self)), levelDueAt: try c.instant("due"))
            }
        }
    }

    // MARK: the audit log

    func log(_ db: PostgresConnection, at: Date, actor: String, _ entry: AuditEntry, alertID: Int? = nil) async throws {
        try await log(db, [Self.eventRow(at: at, actor: actor, entry, alertID: alertID)])
    }

    /// Adds lines to the audit log, in order, in one statement per batch.
    func log(_ db: PostgresConnection, _ rows: [[TransferValue]]) async throws {
        try await db.batched("INSERT INTO event (at, actor, event, detail, alert_id) VALUES_LIST", rows: rows, logger: logger)
    }

    static func eventRow(at: Date, actor: String, _ entry: AuditEntry, alertID: Int?) -> [TransferValue] {
        [.int(at.millis), .text(actor), .text(entry.kind.rawValue), .text(entry.detail), TransferValue(alertID)]
    }

    public func append(_ entry: AuditEntry, actor: String, now: Date) async throws(StoreError) {
        try await transaction { db in try await self.log(db, at: now, actor: actor, entry) }
    }

    public func events(since: Date?) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            try await db.rows("SELECT * FROM event WHERE at >= \(since?.millis ?? Int64.min) ORDER BY at, id", logger: self.logger).map(AuditEvent.init)
        }
    }
}
