import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore {
    /// The open incidents a new alert could join, as `AlertRules.joinTarget` needs them.
    static func joinCandidates(_ db: Database, _ service: String, _ join: JoinRule) throws -> [StoredAlert] {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        for surge in join.surges {
            clauses.append("(service = ? AND dedup_key = ?)")
            arguments += [surge.service, surge.dedupKey]
        }
        let keys = [join.alertmanagerGroup.map { "am:" + $0 }, join.group.map { "group:" + $0.key }].compactMap { $0 }
        for key in keys {
            clauses.append("(service = ? AND group_key = ?)")
            arguments += [service, key]
        }
        guard !clauses.isEmpty else { return [] }
        return try StoredAlert.fetchAll(db, cached: """
            SELECT * FROM alert WHERE status != 'resolved' AND incident_id IS NULL AND merged_into IS NULL AND (\(clauses.joined(separator: " OR ")))
            """, StatementArguments(arguments))
    }

    /// A new alert joining an open incident: stored and listed, paging nobody; the incident's
    /// count, latest time and severity move (a join above `low` ends a daytime hold).
    static func join(_ db: Database, _ new: NewAlert, into incident: StoredAlert, actor: String, now: Date) throws -> StoredAlert {
        let joining = AlertRules.joining(incident, severity: new.severity)
        try db.execute(cached: """
            INSERT INTO alert (service, escalation, status, summary, details, severity, dedup_key, created_at, acknowledged_at, acknowledged_by,
                               round, cycle_first_round, incident_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [new.service, new.escalation, incident.status.rawValue, new.summary, new.details, new.severity, new.dedupKey,
                             now.millis, incident.acknowledgedAt?.millis, incident.acknowledgedBy, incident.progress.round,
                             incident.progress.cycleFirstRound, incident.id])
        let id = Int(db.lastInsertedRowID)
        try db.execute(cached: """
            UPDATE alert SET alert_count = COALESCE(alert_count, 1) + 1, last_alert_at = ?, peak_severity = ? WHERE id = ?
            """, [now.millis, joining.peakSeverity, incident.id])
        if joining.endsDaytimeHold {
            try db.execute(cached: """
                UPDATE alert SET next_due_at = ?, wake_at = ?
                WHERE id = ? AND status = 'triggered' AND held_kind = 'daytime' AND round = 1 AND next_level = 1 AND next_due_at > ?
                """, [now.millis, now.millis, incident.id, now.millis])
        }
        try log(db, at: now, actor: actor, .joined(id, new, incident: incident.id), alertID: id)
        return try alert(db, id)
    }

    public func resolveAlone(id: Int, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> (alert: StoredAlert, incidentResolved: Bool) {
        try write { db in
            let alert = try Self.alert(db, id)
            let others = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM alert WHERE id != ? AND ((id = ? AND closed_at IS NULL) OR incident_id = ?) AND status != 'resolved'
                """, arguments: [id, alert.incidentID, alert.incidentID]) ?? 0
            switch AlertRules.ownResolve(alert, othersOpen: others) {
            case .nothing:
                return (alert, false)
            case .incident:
                _ = try Self.answer(db, id: id, .resolved, actor: actor, now: now, wakeAt: nil, notices: notices)
                return (try Self.alert(db, id), true)
            case .alone:
                if alert.opensIncident {
                    try db.execute(sql: "UPDATE alert SET closed_at = ?, closed_by = ? WHERE id = ?", arguments: [now.millis, actor, id])
                } else {
                    try db.execute(sql: "UPDATE alert SET status = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?",
                                   arguments: [now.millis, actor, id])
                }
                try Self.log(db, at: now, actor: actor, .resolvedAlone(id, incident: alert.incidentID, actor: actor), alertID: id)
                return (try Self.alert(db, id), false)
            }
        }
    }

    public func mergeIncidents(into targetID: Int, _ sources: MergeSources, actor: String, now: Date) async throws(StoreError) -> [MergedIncident] {
        try write { db in
            let target = try Self.alert(db, try Self.alert(db, targetID).incidentID)
            let taken: [StoredAlert]
            switch sources {
            case .incidents(let ids):
                taken = try ids.map { try Self.alert(db, try Self.alert(db, $0).incidentID) }
                if let refusal = AlertRules.mergeRefusal(target: target, sources: taken) { throw StoreError.refused(refusal) }
            case .absorbing(let services, let since):
                guard !services.isEmpty, AlertRules.mergeRefusal(target: target, sources: []) == nil else { return [] }
                let marks = Array(repeating: "?", count: services.count).joined(separator: ", ")
                taken = try StoredAlert.fetchAll(db, sql: """
                    SELECT * FROM alert WHERE status = 'triggered' AND incident_id IS NULL AND merged_into IS NULL AND id != ?
                    AND created_at >= ? AND service IN (\(marks)) ORDER BY id
                    """, arguments: StatementArguments([target.id, since.millis] as [any DatabaseValueConvertible] + services))
            }
            var merged: [MergedIncident] = []
            for source in taken {
                let paged = try String.fetchAll(db, sql: """
                    SELECT person FROM page WHERE alert_id = ? AND status IN ('sending', 'sent') GROUP BY person ORDER BY MIN(due_at), person
                    """, arguments: [source.id])
                try db.execute(sql: """
                    UPDATE alert SET incident_id = ?, merged_into = ?, next_level = NULL, next_due_at = NULL, wake_at = NULL WHERE id = ?
                    """, arguments: [target.id, target.id, source.id])
                try db.execute(sql: "UPDATE alert SET incident_id = ? WHERE incident_id = ?", arguments: [target.id, source.id])
                // The moved alerts follow their new incident (an acknowledged one acknowledges them).
                try db.execute(sql: """
                    UPDATE alert SET status = ?, acknowledged_at = ?, acknowledged_by = ? WHERE incident_id = ? AND status != 'resolved' AND status != ?
                    """, arguments: [target.status.rawValue, target.acknowledgedAt?.millis, target.acknowledgedBy, target.id, target.status.rawValue])
                try db.execute(sql: """
                    UPDATE page SET status = 'cancelled', next_attempt_at = NULL WHERE alert_id = ? AND status IN (\(AlertRules.cancelledByAnswerSQL))
                    """, arguments: [source.id])
                let cancelled = db.changesCount
                let joining = AlertRules.joining(target, severity: source.peakSeverity)
                try db.execute(sql: """
                    UPDATE alert SET alert_count = COALESCE(alert_count, 1) + ?, peak_severity = ?,
                           last_alert_at = MAX(COALESCE(last_alert_at, created_at), ?) WHERE id = ?
                    """, arguments: [source.alertCount, joining.peakSeverity, source.lastAlertAt.millis, target.id])
                let entry = AuditEntry.merged(source.id, into: target.id, alerts: source.alertCount, cancelled: cancelled,
                                              absorbed: { if case .absorbing = sources { true } else { false } }())
                try Self.log(db, at: now, actor: actor, entry, alertID: target.id)
                try Self.log(db, at: now, actor: actor, entry, alertID: source.id)
                merged.append(MergedIncident(id: source.id, alerts: source.alertCount, paged: paged))
            }
            return merged
        }
    }

    public func incidents(includeClosed: Bool) async throws(StoreError) -> [StoredAlert] {
        try read { db in
            try StoredAlert.fetchAll(db, sql: includeClosed
                ? "SELECT * FROM alert WHERE incident_id IS NULL OR merged_into IS NOT NULL ORDER BY id DESC"
                : "SELECT * FROM alert WHERE incident_id IS NULL AND status != 'resolved' ORDER BY id DESC")
        }
    }

    public func incidentAlerts(id: Int, latest: Int?) async throws(StoreError) -> [StoredAlert] {
        try read { db in
            let incident = try Self.alert(db, id).incidentID
            if let latest {
                return try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE id = ? OR incident_id = ? ORDER BY id DESC LIMIT ?",
                                                arguments: [incident, incident, latest])
            }
            return try StoredAlert.fetchAll(db, sql: "SELECT * FROM alert WHERE id = ? OR incident_id = ? ORDER BY id", arguments: [incident, incident])
        }
    }

    public func incidentEvents(id: Int) async throws(StoreError) -> [AuditEvent] {
        try read { db in
            let incident = try Self.alert(db, id).incidentID
            return try AuditEvent.fetchAll(db, sql: """
                SELECT * FROM event WHERE alert_id IN (SELECT id FROM alert WHERE id = ? OR incident_id = ?) ORDER BY at, id
                """, arguments: [incident, incident])
        }
    }
}
