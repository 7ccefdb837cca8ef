import Foundation
import PostgresNIO
import RotaCore
import RotaStore

extension PostgresStore {
    public func crisis(incident id: Int) async throws(StoreError) -> StoredCrisis {
        try await read { db in try await self.crisis(db, try await self.alert(db, id).incidentID) }
    }

    func crisis(_ db: PostgresConnection, _ incident: Int) async throws -> StoredCrisis {
        let row = try await db.rows("SELECT * FROM crisis WHERE incident_id = \(Int64(incident))", logger: logger).first
        let firstAck = try await db.rows("""
            SELECT MIN(at) AS at FROM event WHERE alert_id = \(Int64(incident)) AND event = \(AuditKind.alertAcknowledged.rawValue)
            """, logger: logger).first?.optionalInstant("at")
        return StoredCrisis(incident: incident, roles: IncidentRoles(commander: try row?("commander"), comms: try row?("comms")),
                            lastUpdateAt: try row?.optionalInstant("last_update_at"),
                            updates: Int(try row?("updates", as: Int64.self) ?? 0), firstAcknowledgedAt: firstAck)
    }

    public func assignRole(_ role: CrisisRole, to person: String, incident id: Int, actor: String, now: Date) async throws(StoreError) -> StoredCrisis {
        try await transaction { db in
            let incident = try await self.lockedIncident(db, of: id).id
            let before = try await self.crisis(db, incident)
            try await db.query("INSERT INTO crisis (incident_id) VALUES (\(Int64(incident))) ON CONFLICT (incident_id) DO NOTHING", logger: self.logger)
            try await db.query("UPDATE crisis SET \(unescaped: role.rawValue) = \(person) WHERE incident_id = \(Int64(incident))", logger: self.logger)
            try await self.log(db, at: now, actor: actor, .roleAssigned(incident, role, to: person, was: before.roles[role]), alertID: incident)
            return try await self.crisis(db, incident)
        }
    }

    public func postUpdate(incident id: Int, text: String, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> StoredCrisis {
        try await transaction { db in
            let incident = try await self.alert(db, id).incidentID
            try await db.query("""
                INSERT INTO crisis (incident_id, last_update_at, updates) VALUES (\(Int64(incident)), \(now.millis), 1)
                ON CONFLICT (incident_id) DO UPDATE SET last_update_at = GREATEST(COALESCE(crisis.last_update_at, 0), excluded.last_update_at),
                    updates = crisis.updates + 1
                """, logger: self.logger)
            try await self.log(db, at: now, actor: actor, .update(text), alertID: incident)
            _ = try await self.insert(notices, alertID: nil, into: db)
            return try await self.crisis(db, incident)
        }
    }

    public func remind(incident id: Int, entry: AuditEntry, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> Bool {
        try await transaction { db in
            guard try await self.insert(notices, alertID: nil, into: db) > 0 else { return false }
            try await self.log(db, at: now, actor: actor, entry, alertID: id)
            return true
        }
    }
}
