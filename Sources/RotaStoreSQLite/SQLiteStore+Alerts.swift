import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore {
    /// Raises through the group commit: raises that arrive together (an alert storm over HTTP)
    /// share one transaction and one fsync, each answered only once that commit is durable.
    public func raise(_ new: NewAlert, actor: String, now: Date) async throws(StoreError) -> (alert: StoredAlert, deduplicated: Bool) {
        try await raises.submit(RaiseQueue.Item(new: new, actor: actor, now: now)).get()
    }

    /// One raise inside a write transaction: counted into the open alert with the same key, or new.
    static func raise(_ db: Database, _ new: NewAlert, actor: String, now: Date) throws -> (alert: StoredAlert, deduplicated: Bool) {
        if let key = new.dedupKey,
           let open = try StoredAlert.fetchOne(db, cached: "SELECT * FROM alert WHERE service = ? AND dedup_key = ? AND status != 'resolved' AND closed_at IS NULL",
                                               [new.service, key]) {
            try db.execute(cached: "UPDATE alert SET count = count + 1 WHERE id = ?", [open.id])
            // A deduplicated arrival moves its incident's latest time (and so the group's window).
            try db.execute(cached: "UPDATE alert SET last_alert_at = MAX(COALESCE(last_alert_at, created_at), ?) WHERE id = ?",
                           [now.millis, open.incidentID])
            try log(db, at: now, actor: actor, .deduplicated(open.id, new), alertID: open.id)
            var counted = open
            counted.count += 1
            return (counted, true)
        }
        if let join = new.join, let target = try AlertRules.joinTarget(join, service: new.service, candidates: joinCandidates(db, new.service, join), now: now) {
            return (try self.join(db, new, into: target, actor: actor, now: now), false)
        }
        let windows = new.hold == nil && new.firstPage != nil
            ? try Row.fetchAll(db, cached: "SELECT start_at, end_at FROM maintenance WHERE service = ? AND end_at > ?",
                               [new.service, now.millis]).map { (start: $0.instant("start_at"), end: $0.instant("end_at")) }
            : []
        let opening = AlertRules.opening(new, now: now, maintenance: windows)
        let progress = opening.progress
        try db.execute(cached: """
            INSERT INTO alert (service, escalation, status, summary, details, severity, dedup_key, created_at,
                               round, cycle_first_round, next_level, next_due_at, wake_at, definition, held, held_kind, group_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [new.service, new.escalation, progress.status.rawValue, new.summary, new.details, new.severity, new.dedupKey,
                             now.millis, progress.round, progress.cycleFirstRound, progress.nextLevel,
                             progress.nextDueAt?.millis, opening.wakeAt?.millis, new.definition, opening.hold?.reason, opening.hold?.kind.rawValue,
                             new.join?.storedKey])
        let id = Int(db.lastInsertedRowID)
        try log(db, at: now, actor: actor, .raised(id, new, hold: opening.hold), alertID: id)
        if !new.roles.isEmpty {
            try db.execute(cached: "INSERT INTO crisis (incident_id, commander, comms) VALUES (?, ?, ?)", [id, new.roles.commander, new.roles.comms])
            try log(db, at: now, actor: actor, .rolesNamed(id, new.roles), alertID: id)
        }
        return (try alert(db, id), false)
    }

    public func acknowledge(id: Int, actor: String, now: Date, wakeAt: Date?, notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert {
        try answer(id: id, .acknowledged, actor: actor, now: now, wakeAt: wakeAt, notices: notices)
    }

    public func resolve(id: Int, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert {
        try answer(id: id, .resolved, actor: actor, now: now, wakeAt: nil, notices: notices)
    }

    /// A human's answer, as `AlertRules.answer` decides it, with the pages not yet sent cancelled.
    private func answer(id: Int, _ verb: AlertRules.Verb, actor: String, now: Date, wakeAt: Date?,
                        notices: [OutboxEntry]) throws(StoreError) -> StoredAlert {
        try write { db in try Self.answer(db, id: id, verb, actor: actor, now: now, wakeAt: wakeAt, notices: notices) }
    }

    /// Answers the incident of alert `id` (all of it), as `AlertRules.answer` decides; its alerts follow.
    static func answer(_ db: Database, id: Int, _ verb: AlertRules.Verb, actor: String, now: Date, wakeAt: Date?,
                       notices: [OutboxEntry]) throws -> StoredAlert {
        let incident = try Self.alert(db, try Self.alert(db, id).incidentID)
        let head = incident.id
        guard let answer = AlertRules.answer(incident, verb, actor: actor, now: now, wakeAt: wakeAt) else { return incident }
        try db.execute(sql: """
            UPDATE alert SET status = ?, acknowledged_at = COALESCE(?, acknowledged_at), acknowledged_by = COALESCE(?, acknowledged_by),
                   resolved_at = ?, resolved_by = ?, next_level = NULL, next_due_at = NULL, wake_at = ? WHERE id = ?
            """, arguments: [answer.status.rawValue, answer.acknowledged?.at.millis, answer.acknowledged?.by,
                             answer.resolved?.at.millis, answer.resolved?.by, answer.wakeAt?.millis, head])
        // Its other alerts follow, except those resolved on their own.
        try db.execute(sql: """
            UPDATE alert SET status = ?, acknowledged_at = COALESCE(?, acknowledged_at), acknowledged_by = COALESCE(?, acknowledged_by),
                   resolved_at = ?, resolved_by = ? WHERE incident_id = ? AND status != 'resolved'
            """, arguments: [answer.status.rawValue, answer.acknowledged?.at.millis, answer.acknowledged?.by,
                             answer.resolved?.at.millis, answer.resolved?.by, head])
        try db.execute(sql: """
            UPDATE page SET status = 'cancelled', next_attempt_at = NULL WHERE alert_id = ? AND status IN (\(AlertRules.cancelledByAnswerSQL))
            """, arguments: [head])
        let cancelled = db.changesCount
        _ = try Self.insert(notices, alertID: nil, into: db)
        try Self.log(db, at: now, actor: actor, .answered(head, answer, actor: actor, cancelled: cancelled, alerts: incident.alertCount), alertID: head)
        return try Self.alert(db, head)
    }

    static func alert(_ db: Database, _ id: Int) throws -> StoredAlert {
        guard let alert = try StoredAlert.fetchOne(db, cached: "SELECT * FROM alert WHERE id = ?", [id]) else {
            throw StoreError.notFound("no alert #\(id)")
        }
        return alert
    }

    @discardableResult
    public func advanceAlerts(now: Date, only alertID: Int?, actor: String,
                              decide: @escaping @Sendable (StoredAlert) -> AlertDecision?) async throws(StoreError) -> Int {
        try write { db in
            let alerts: [StoredAlert]
            if let alertID {
                alerts = try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE id = ? AND status != 'resolved' AND incident_id IS NULL",
                                                  arguments: [alertID])
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
                           acknowledged_at = ?, acknowledged_by = CASE WHEN ? IS NULL THEN NULL ELSE acknowledged_by END, wake_at = ?,
                           definition = COALESCE(?, definition), resolved_at = COALESCE(?, resolved_at), resolved_by = COALESCE(?, resolved_by)
                    WHERE id = ?
                    """, arguments: [p.status.rawValue, p.round, p.cycleFirstRound, p.nextLevel, p.nextDueAt?.millis,
                                     p.acknowledgedAt?.millis, p.acknowledgedAt?.millis, decision.wakeAt?.millis, decision.definition,
                                     decision.resolved?.at.millis, decision.resolved?.by, alert.id])
                if p.status != alert.status {
                    // Its alerts follow the incident (an ack_timeout's re-trigger).
                    try db.execute(sql: "UPDATE alert SET status = ? WHERE incident_id = ? AND status != 'resolved'",
                                   arguments: [p.status.rawValue, alert.id])
                }
                _ = try Self.insert(decision.pages, alertID: alert.id, into: db)
                for entry in decision.log {
                    try Self.log(db, at: now, actor: actor, entry, alertID: alert.id)
                }
                changed += 1
            }
            return changed
        }
    }

    public func alert(id: Int) async throws(StoreError) -> StoredAlert {
        try read { db in try Self.alert(db, id) }
    }

    public func arrivals(services: [String], since: Date) async throws(StoreError) -> Int {
        guard !services.isEmpty else { return 0 }
        return try read { db in
            let marks = Array(repeating: "?", count: services.count).joined(separator: ", ")
            return try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM event JOIN alert ON alert.id = event.alert_id
                WHERE event.at >= ? AND event.event IN ('alert.raised', 'alert.deduplicated') AND alert.service IN (\(marks))
                """, arguments: StatementArguments([since.millis] + services)) ?? 0
        }
    }

    public func openAlert(service: String, dedupKey: String) async throws(StoreError) -> StoredAlert? {
        try read { db in
            try StoredAlert.fetchOne(db, sql: "SELECT * FROM alert WHERE service = ? AND dedup_key = ? AND status != 'resolved' AND closed_at IS NULL",
                                     arguments: [service, dedupKey])
        }
    }

    public func alerts(includeResolved: Bool) async throws(StoreError) -> [StoredAlert] {
        try read { db in
            try StoredAlert.fetchAll(db, sql: includeResolved ? "SELECT * FROM alert ORDER BY id" : "SELECT * FROM alert WHERE status != 'resolved' ORDER BY id")
        }
    }

    public func dueAlerts(now: Date) async throws(StoreError) -> [StoredAlert] {
        try read { db in
            try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE wake_at <= ? AND status != 'resolved' ORDER BY wake_at, id",
                                     arguments: [now.millis])
        }
    }

    public func pages(alert id: Int) async throws(StoreError) -> [StoredPage] {
        try read { db in try StoredPage.fetchAll(db, sql: "SELECT * FROM page WHERE alert_id = ? ORDER BY due_at, id", arguments: [id]) }
    }

    public func openAlertPages() async throws(StoreError) -> [StoredPage] {
        try read { db in
            try StoredPage.fetchAll(db, sql: """
                SELECT page.* FROM page JOIN alert ON alert.id = page.alert_id
                WHERE alert.status != 'resolved' ORDER BY page.alert_id, page.due_at, page.id
                """)
        }
    }

    public func pagedPeople(alert id: Int) async throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT person FROM page WHERE alert_id = ? AND status IN ('sending', 'sent') GROUP BY person ORDER BY MIN(due_at), person",
                                arguments: [id])
        }
    }

    public func events(alert id: Int) async throws(StoreError) -> [AuditEvent] {
        try read { db in try AuditEvent.fetchAll(db, sql: "SELECT * FROM event WHERE alert_id = ? ORDER BY at, id", arguments: [id]) }
    }

    public func receivedPages(from: Date, to: Date) async throws(StoreError) -> [ReceivedPage] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT person, alert_id, round, level, MIN(level_due_at) AS due FROM page
                WHERE status = 'sent' AND alert_id IS NOT NULL AND level_due_at >= ? AND level_due_at < ?
                GROUP BY alert_id, round, level, person ORDER BY due, alert_id, round, level, person
                """, arguments: [from.millis, to.millis]).map { row in
                ReceivedPage(person: row["person"], alertID: row["alert_id"], round: row["round"], level: row["level"],
                             levelDueAt: row.instant("due"))
            }
        }
    }
}
