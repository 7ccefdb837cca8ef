import Foundation
import PostgresNIO
import RotaCore
import RotaStore

extension PostgresStore {
    public func responseRecords(openedFrom from: Date, to: Date, service: String?) async throws(StoreError) -> [ResponseRecord] {
        let logger = self.logger
        return try await transaction { db in
            // One snapshot for the three reads (see the SQLite store).
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var records: [ResponseRecord] = []
            var index: [Int: Int] = [:]
            for try await (id, service, escalation, created, status, resolved, resolvedBy, dedupKey) in try await db.query("""
                SELECT id, service, escalation, created_at, status, resolved_at, resolved_by, dedup_key FROM alert
                WHERE created_at >= \(from.millis) AND created_at < \(to.millis)
                AND (incident_id IS NULL OR incident_id = id) AND merged_into IS NULL
                AND (\(service)::text IS NULL OR service = \(service))
                ORDER BY created_at, id
                """, logger: logger).decode((Int64, String, String, Int64, String, Int64?, String?, String?).self) {
                index[Int(id)] = records.count
                records.append(ResponseRecord(id: Int(id), service: service, escalation: escalation, createdAt: Date(millis: created),
                                              status: AlertStatus(rawValue: status) ?? .triggered, resolvedAt: resolved.map(Date.init(millis:)),
                                              resolvedBy: resolvedBy, dedupKey: dedupKey))
            }
            // Pages of the incident's own alert, and of the alerts merged into it (see the SQLite store).
            let pageQuery: PostgresQuery = """
                WITH opened AS (
                    SELECT id FROM alert WHERE created_at >= \(from.millis) AND created_at < \(to.millis)
                    AND (incident_id IS NULL OR incident_id = id) AND merged_into IS NULL
                    AND (\(service)::text IS NULL OR service = \(service))),
                member AS (SELECT id AS alert, id AS incident FROM opened
                           UNION ALL SELECT a.id, a.incident_id FROM alert a WHERE a.incident_id IN (SELECT id FROM opened) AND a.id <> a.incident_id)
                SELECT m.incident, p.alert_id = m.incident, p.round, p.level, p.person, MIN(p.level_due_at),
                       MIN(CASE WHEN p.status = 'sent' THEN p.sent_at END)
                FROM member m JOIN page p ON p.alert_id = m.alert WHERE p.status <> 'cancelled'
                GROUP BY m.incident, p.alert_id, p.round, p.level, p.person ORDER BY m.incident, MIN(p.level_due_at), p.alert_id, p.round, p.level, p.person
                """
            for try await (incident, own, round, level, person, due, reached) in try await db.query(pageQuery, logger: logger)
                .decode((Int64, Bool, Int64, Int64, String, Int64, Int64?).self) {
                guard let at = index[Int(incident)] else { continue }
                records[at].paged.append(ResponseRecord.Paged(own: own, round: Int(round), level: Int(level), person: person, dueAt: Date(millis: due),
                                                              reachedAt: reached.map(Date.init(millis:))))
            }
            let ackQuery: PostgresQuery = """
                SELECT e.alert_id, e.at, e.actor FROM event e JOIN alert a ON a.id = e.alert_id
                WHERE e.event = \(AuditKind.alertAcknowledged.rawValue) AND a.created_at >= \(from.millis) AND a.created_at < \(to.millis)
                AND (a.incident_id IS NULL OR a.incident_id = a.id) AND a.merged_into IS NULL
                AND (\(service)::text IS NULL OR a.service = \(service))
                ORDER BY e.alert_id, e.at, e.id
                """
            for try await (alert, at, actor) in try await db.query(ackQuery, logger: logger).decode((Int64, Int64, String).self) {
                guard let position = index[Int(alert)] else { continue }
                records[position].acknowledgements.append(ResponseRecord.Acknowledgement(at: Date(millis: at), actor: actor))
            }
            return records
        }
    }
}
