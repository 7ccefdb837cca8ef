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
                  definition: try c("definition", as: Data?.self), held: try c("held"),
                  incidentID: try c("incident_id", as: Int64?.self).map(Int.init), alertCount: Int(try c("alert_count", as: Int64?.self) ?? 1),
                  lastAlertAt: try c.optionalInstant("last_alert_at"), peakSeverity: try c("peak_severity"), groupKey: try c("group_key"),
                  mergedInto: try c("merged_into", as: Int64?.self).map(Int.init), closedAt: try c.optionalInstant("closed_at"),
                  closedBy: try c("closed_by"))
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
                    UPDATE alert SET count = count + 1 WHERE service = \(new.service) AND dedup_key = \(key) AND status <> 'resolved'
                    AND closed_at IS NULL RETURNING *
                    """, logger: logger)
                if let row = counted.first {
                    let open = try StoredAlert(row)
                    // A deduplicated arrival moves its incident's latest time (and so the group's window).
                    try await db.query("""
                        UPDATE alert SET last_alert_at = GREATEST(COALESCE(last_alert_at, created_at), \(now.millis)) WHERE id = \(Int64(open.incidentID))
                        """, logger: logger)
                    try await log(db, at: now, actor: actor, .deduplicated(open.id, new), alertID: open.id)
                    return (open, true)
                }
            }
            if let join = new.join, let target = try await joinTarget(db, new, join, now: now) {
                return (try await self.join(db, new, into: target, actor: actor, now: now), false)
            }
            let windows = new.hold == nil && new.firstPage != nil
                ? try await db.rows("SELECT start_at, end_at FROM maintenance WHERE service = \(new.service) AND end_at > \(now.millis)",
                                    logger: logger).map { (start: try $0.instant("start_at"), end: try $0.instant("end_at")) }
                : []
            let opening = AlertRules.opening(new, now: now, maintenance: windows)
            let p = opening.progress
            let inserted = try await db.rows("""
                INSERT INTO alert (service, escalation, status, summary, details, severity, dedup_key, created_at,
                                   round, cycle_first_round, next_level, next_due_at, wake_at, definition, held, held_kind, group_key)
                VALUES (\(new.service), \(new.escalation), \(p.status.rawValue), \(new.summary), \(new.details), \(new.severity), \(new.dedupKey),
                        \(now.millis), \(Int64(p.round)), \(Int64(p.cycleFirstRound)), \(p.nextLevel.map(Int64.init)), \(p.nextDueAt?.millis),
                        \(opening.wakeAt?.millis), \(new.definition), \(opening.hold?.reason), \(opening.hold?.kind.rawValue), \(new.join?.storedKey))
                ON CONFLICT DO NOTHING RETURNING *
                """, logger: logger)
            guard let row = inserted.first else { continue }
            let alert = try StoredAlert(row)
            try await log(db, at: now, actor: actor, .raised(alert.id, new, hold: opening.hold), alertID: alert.id)
            if !new.roles.isEmpty {
                try await db.query("""
                    INSERT INTO crisis (incident_id, commander, comms) VALUES (\(Int64(alert.id)), \(new.roles.commander), \(new.roles.comms))
                    """, logger: logger)
                try await log(db, at: now, actor: actor, .rolesNamed(alert.id, new.roles), alertID: alert.id)
            }
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
        try await transaction { db in try await self.answer(db, id: id, verb, actor: actor, now: now, wakeAt: wakeAt, notices: notices) }
    }

    /// Answers the incident of alert `id` (all of it), its row locked, as `AlertRules.answer` decides; its alerts follow.
    func answer(_ db: PostgresConnection, id: Int, _ verb: AlertRules.Verb, actor: String, now: Date, wakeAt: Date?,
                notices: [OutboxEntry]) async throws -> StoredAlert {
        let incident = try await lockedIncident(db, of: id)
        let head = Int64(incident.id)
        guard let answer = AlertRules.answer(incident, verb, actor: actor, now: now, wakeAt: wakeAt) else { return incident }
        try await db.query("""
            UPDATE alert SET status = \(answer.status.rawValue), acknowledged_at = COALESCE(\(answer.acknowledged?.at.millis), acknowledged_at),
                   acknowledged_by = COALESCE(\(answer.acknowledged?.by), acknowledged_by), resolved_at = \(answer.resolved?.at.millis),
                   resolved_by = \(answer.resolved?.by), next_level = NULL, next_due_at = NULL, wake_at = \(answer.wakeAt?.millis)
            WHERE id = \(head)
            """, logger: logger)
        // Its other alerts follow, except those resolved on their own.
        try await db.query("""
            UPDATE alert SET status = \(answer.status.rawValue), acknowledged_at = COALESCE(\(answer.acknowledged?.at.millis), acknowledged_at),
                   acknowledged_by = COALESCE(\(answer.acknowledged?.by), acknowledged_by), resolved_at = \(answer.resolved?.at.millis),
                   resolved_by = \(answer.resolved?.by)
            WHERE incident_id = \(head) AND status <> 'resolved'
            """, logger: logger)
        let cancelled = try await db.count("""
            UPDATE page SET status = 'cancelled', next_attempt_at = NULL
            WHERE alert_id = \(head) AND status IN (\(unescaped: AlertRules.cancelledByAnswerSQL)) RETURNING id
            """, logger: logger)
        _ = try await insert(notices, alertID: nil, into: db)
        try await log(db, at: now, actor: actor, .answered(incident.id, answer, actor: actor, cancelled: cancelled, alerts: incident.alertCount),
                      alertID: incident.id)
        return try await alert(db, incident.id)
    }

    /// The incident row of alert `id`, locked (a merge may move the alert meanwhile: then locked again where it went).
    func lockedIncident(_ db: PostgresConnection, of id: Int) async throws -> StoredAlert {
        var target = id
        for _ in 0..<5 {
            guard let row = try await db.rows("SELECT * FROM alert WHERE id = \(Int64(target)) FOR UPDATE", logger: logger).first else {
                throw StoreError.notFound("no alert #\(id)")
            }
            let alert = try StoredAlert(row)
            if alert.incidentID == alert.id { return alert }
            target = alert.incidentID
        }
        throw StoreError.database("alert #\(id): its incident kept moving; try again")
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
                rows = try await db.rows("SELECT * FROM alert WHERE id = \(Int64(alertID)) AND status <> 'resolved' AND incident_id IS NULL FOR UPDATE",
                                         logger: self.logger)
            } else {
                rows = try await db.rows("SELECT * FROM alert WHERE wake_at <= \(now.millis) AND status <> 'resolved' ORDER BY id FOR UPDATE",
                                         logger: self.logger)
            }
            // Decide every alert first (pure), then write them in a few statements, not a few per alert.
            var updates: [[TransferValue]] = [], pages: [OutboxRow] = [], events: [[TransferValue]] = [], following: [[TransferValue]] = []
            for alert in try rows.map(StoredAlert.init) {
                guard let decision = decide(alert) else { continue }
                let p = decision.progress
                updates.append([.int(Int64(alert.id)), .text(p.status.rawValue), .int(Int64(p.round)), .int(Int64(p.cycleFirstRound)),
                                TransferValue(p.nextLevel), TransferValue(p.nextDueAt), TransferValue(p.acknowledgedAt),
                                TransferValue(decision.wakeAt), TransferValue(decision.definition),
                                TransferValue(decision.resolved?.at), TransferValue(decision.resolved?.by)])
                if p.status != alert.status { following.append([.int(Int64(alert.id)), .text(p.status.rawValue)]) }
                pages += decision.pages.map { OutboxRow(entry: $0, alertID: alert.id) }
                events += decision.log.map { Self.eventRow(at: now, actor: actor, $0, alertID: alert.id) }
            }
            try await db.batched("""
                UPDATE alert SET status = v.status, round = v.round, cycle_first_round = v.cycle, next_level = v.next_level,
                       next_due_at = v.next_due_at, acknowledged_at = v.acknowledged_at,
                       acknowledged_by = CASE WHEN v.acknowledged_at IS NULL THEN NULL ELSE alert.acknowledged_by END,
                       wake_at = v.wake_at, definition = COALESCE(v.definition, alert.definition),
                       resolved_at = COALESCE(v.resolved_at, alert.resolved_at), resolved_by = COALESCE(v.resolved_by, alert.resolved_by)
                FROM (VALUES_LIST) AS v(id, status, round, cycle, next_level, next_due_at, acknowledged_at, wake_at, definition, resolved_at, resolved_by)
                WHERE alert.id = v.id
                """, rows: updates, types: ["BIGINT", "TEXT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BYTEA", "BIGINT", "TEXT"],
                logger: self.logger)
            // Alerts follow their incident (an ack_timeout's re-trigger).
            try await db.batched("""
                UPDATE alert SET status = v.status FROM (VALUES_LIST) AS v(id, status) WHERE alert.incident_id = v.id AND alert.status <> 'resolved'
                """, rows: following, types: ["BIGINT", "TEXT"], logger: self.logger)
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
            try await db.rows("SELECT * FROM alert WHERE service = \(service) AND dedup_key = \(dedupKey) AND status <> 'resolved' AND closed_at IS NULL",
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

    public func append(_ entry: AuditEntry, actor: String, now: Date, alert: Int?) async throws(StoreError) {
        try await transaction { db in try await self.log(db, at: now, actor: actor, entry, alertID: alert) }
    }

    public func events(since: Date?) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            try await db.rows("SELECT * FROM event WHERE at >= \(since?.millis ?? Int64.min) ORDER BY at, id", logger: self.logger).map(AuditEvent.init)
        }
    }
}
