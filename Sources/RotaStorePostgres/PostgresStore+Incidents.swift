import Foundation
import Logging
import PostgresNIO
import RotaCore
import RotaStore

extension PostgresStore {
    /// The open incident a new alert joins, as `AlertRules.joinTarget` decides. Raises that would
    /// open the same group (on any host) take its advisory lock first, so the second finds the
    /// first's incident instead of opening another.
    func joinTarget(_ db: PostgresConnection, _ new: NewAlert, _ join: JoinRule, now: Date) async throws -> StoredAlert? {
        if let key = join.storedKey {
            try await db.query("SELECT pg_advisory_xact_lock(hashtextextended(\("rota-join|\(new.service)|\(key)"), 0))", logger: logger)
        }
        var clauses: [String] = []
        var bindings = PostgresBindings()
        for surge in join.surges {
            bindings.append(surge.service)
            bindings.append(surge.dedupKey)
            clauses.append("(service = $\(bindings.count - 1) AND dedup_key = $\(bindings.count))")
        }
        for key in [join.alertmanagerGroup.map { "am:" + $0 }, join.group.map { "group:" + $0.key }].compactMap({ $0 }) {
            bindings.append(new.service)
            bindings.append(key)
            clauses.append("(service = $\(bindings.count - 1) AND group_key = $\(bindings.count))")
        }
        guard !clauses.isEmpty else { return nil }
        let candidates = try await db.rows(PostgresQuery(unsafeSQL: """
            SELECT * FROM alert WHERE status <> 'resolved' AND incident_id IS NULL AND merged_into IS NULL AND (\(clauses.joined(separator: " OR ")))
            """, binds: bindings), logger: logger).map(StoredAlert.init)
        return AlertRules.joinTarget(join, service: new.service, candidates: candidates, now: now)
    }

    /// A new alert joining an open incident (its row locked): stored and listed, paging nobody.
    func join(_ db: PostgresConnection, _ new: NewAlert, into found: StoredAlert, actor: String, now: Date) async throws -> StoredAlert {
        let incident = try await lockedIncident(db, of: found.id)
        let joining = AlertRules.joining(incident, severity: new.severity)
        let rows = try await db.rows("""
            INSERT INTO alert (service, escalation, status, summary, details, severity, dedup_key, created_at, acknowledged_at, acknowledged_by,
                               round, cycle_first_round, incident_id)
            VALUES (\(new.service), \(new.escalation), \(incident.status.rawValue), \(new.summary), \(new.details), \(new.severity), \(new.dedupKey),
                    \(now.millis), \(incident.acknowledgedAt?.millis), \(incident.acknowledgedBy), \(Int64(incident.progress.round)),
                    \(Int64(incident.progress.cycleFirstRound)), \(Int64(incident.id)))
            RETURNING *
            """, logger: logger)
        guard let row = rows.first else { throw StoreError.database("joining incident #\(incident.id): the insert returned nothing") }
        let alert = try StoredAlert(row)
        try await db.query("""
            UPDATE alert SET alert_count = COALESCE(alert_count, 1) + 1, last_alert_at = \(now.millis), peak_severity = \(joining.peakSeverity)
            WHERE id = \(Int64(incident.id))
            """, logger: logger)
        if joining.endsDaytimeHold {
            try await db.query("""
                UPDATE alert SET next_due_at = \(now.millis), wake_at = \(now.millis)
                WHERE id = \(Int64(incident.id)) AND status = 'triggered' AND held_kind = 'daytime' AND round = 1 AND next_level = 1
                AND next_due_at > \(now.millis)
                """, logger: logger)
        }
        try await log(db, at: now, actor: actor, .joined(alert.id, new, incident: incident.id), alertID: alert.id)
        return alert
    }

    public func resolveAlone(id: Int, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> (alert: StoredAlert, incidentResolved: Bool) {
        try await transaction { db in
            let incident = try await self.lockedIncident(db, of: id)
            let alert = try await self.alert(db, id)
            let rows = try await db.rows("""
                SELECT COUNT(*) AS n FROM alert WHERE id <> \(Int64(id))
                AND ((id = \(Int64(incident.id)) AND closed_at IS NULL) OR incident_id = \(Int64(incident.id))) AND status <> 'resolved'
                """, logger: self.logger)
            let others = Int(try rows.first?("n", as: Int64.self) ?? 0)
            switch AlertRules.ownResolve(alert, othersOpen: others) {
            case .nothing:
                return (alert, false)
            case .incident:
                _ = try await self.answer(db, id: id, .resolved, actor: actor, now: now, wakeAt: nil, notices: notices)
                return (try await self.alert(db, id), true)
            case .alone:
                if alert.opensIncident {
                    try await db.query("UPDATE alert SET closed_at = \(now.millis), closed_by = \(actor) WHERE id = \(Int64(id))", logger: self.logger)
                } else {
                    try await db.query("UPDATE alert SET status = 'resolved', resolved_at = \(now.millis), resolved_by = \(actor) WHERE id = \(Int64(id))",
                                       logger: self.logger)
                }
                try await self.log(db, at: now, actor: actor, .resolvedAlone(id, incident: incident.id, actor: actor), alertID: id)
                return (try await self.alert(db, id), false)
            }
        }
    }

    public func mergeIncidents(into targetID: Int, _ sources: MergeSources, actor: String, now: Date) async throws(StoreError) -> [MergedIncident] {
        try await transaction { db in
            // Rows are locked in id order, as everywhere else, so no two transactions wait on each other in a cycle.
            var taken: [StoredAlert]
            switch sources {
            case .incidents(let ids):
                var heads: [Int] = []
                for id in ids { heads.append(try await self.alert(db, id).incidentID) }
                let locked = try await db.rows("SELECT * FROM alert WHERE id = ANY(\(([targetID] + heads).map(Int64.init))) ORDER BY id FOR UPDATE",
                                               logger: self.logger).map(StoredAlert.init)
                taken = heads.compactMap { id in locked.first { $0.id == id } }
            case .absorbing(let services, let since):
                guard !services.isEmpty else { return [] }
                taken = try await db.rows("""
                    SELECT * FROM alert WHERE status = 'triggered' AND incident_id IS NULL AND merged_into IS NULL AND id <> \(Int64(targetID))
                    AND created_at >= \(since.millis) AND service = ANY(\(services)) ORDER BY id FOR UPDATE
                    """, logger: self.logger).map(StoredAlert.init)
            }
            let target = try await self.lockedIncident(db, of: targetID)
            if case .incidents = sources {
                if let refusal = AlertRules.mergeRefusal(target: target, sources: taken) { throw StoreError.refused(refusal) }
            } else if AlertRules.mergeRefusal(target: target, sources: []) != nil {
                return []
            }
            taken.removeAll { $0.id == target.id }
            var merged: [MergedIncident] = []
            var current = target
            for source in taken {
                let from = Int64(source.id), into = Int64(target.id)
                let paged = try await db.rows("""
                    SELECT person FROM page WHERE alert_id = \(from) AND status IN ('sending', 'sent') GROUP BY person ORDER BY MIN(due_at), person
                    """, logger: self.logger).map { try $0("person", as: String.self) }
                try await db.query("""
                    UPDATE alert SET incident_id = \(into), merged_into = \(into), next_level = NULL, next_due_at = NULL, wake_at = NULL WHERE id = \(from)
                    """, logger: self.logger)
                try await db.query("UPDATE alert SET incident_id = \(into) WHERE incident_id = \(from)", logger: self.logger)
                try await db.query("""
                    UPDATE alert SET status = \(target.status.rawValue), acknowledged_at = \(target.acknowledgedAt?.millis),
                           acknowledged_by = \(target.acknowledgedBy)
                    WHERE incident_id = \(into) AND status <> 'resolved' AND status <> \(target.status.rawValue)
                    """, logger: self.logger)
                let cancelled = try await db.count("""
                    UPDATE page SET status = 'cancelled', next_attempt_at = NULL
                    WHERE alert_id = \(from) AND status IN (\(unescaped: AlertRules.cancelledByAnswerSQL)) RETURNING id
                    """, logger: self.logger)
                let joining = AlertRules.joining(current, severity: source.peakSeverity)
                current.peakSeverity = joining.peakSeverity
                try await db.query("""
                    UPDATE alert SET alert_count = COALESCE(alert_count, 1) + \(Int64(source.alertCount)), peak_severity = \(joining.peakSeverity),
                           last_alert_at = GREATEST(COALESCE(last_alert_at, created_at), \(source.lastAlertAt.millis))
                    WHERE id = \(into)
                    """, logger: self.logger)
                let absorbed = if case .absorbing = sources { true } else { false }
                let entry = AuditEntry.merged(source.id, into: target.id, alerts: source.alertCount, cancelled: cancelled, absorbed: absorbed)
                try await self.log(db, at: now, actor: actor, entry, alertID: target.id)
                try await self.log(db, at: now, actor: actor, entry, alertID: source.id)
                merged.append(MergedIncident(id: source.id, alerts: source.alertCount, paged: paged))
            }
            return merged
        }
    }

    public func incidents(includeClosed: Bool) async throws(StoreError) -> [StoredAlert] {
        try await read { db in
            try await db.rows(includeClosed
                ? "SELECT * FROM alert WHERE incident_id IS NULL OR merged_into IS NOT NULL ORDER BY id DESC"
                : "SELECT * FROM alert WHERE incident_id IS NULL AND status <> 'resolved' ORDER BY id DESC", logger: self.logger).map(StoredAlert.init)
        }
    }

    public func incidentAlerts(id: Int, latest: Int?) async throws(StoreError) -> [StoredAlert] {
        try await read { db in
            let incident = Int64(try await self.alert(db, id).incidentID)
            if let latest {
                return try await db.rows("SELECT * FROM alert WHERE id = \(incident) OR incident_id = \(incident) ORDER BY id DESC LIMIT \(Int64(latest))",
                                         logger: self.logger).map(StoredAlert.init)
            }
            return try await db.rows("SELECT * FROM alert WHERE id = \(incident) OR incident_id = \(incident) ORDER BY id", logger: self.logger)
                .map(StoredAlert.init)
        }
    }

    public func incidentEvents(id: Int) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            let incident = Int64(try await self.alert(db, id).incidentID)
            return try await db.rows("""
                SELECT * FROM event WHERE alert_id IN (SELECT id FROM alert WHERE id = \(incident) OR incident_id = \(incident)) ORDER BY at, id
                """, logger: self.logger).map(AuditEvent.init)
        }
    }
}
