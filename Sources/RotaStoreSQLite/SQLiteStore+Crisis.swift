import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore {
    public func crisis(incident id: Int) async throws(StoreError) -> StoredCrisis {
        try read { db in try Self.crisis(db, try Self.alert(db, id).incidentID) }
    }

    static func crisis(_ db: Database, _ incident: Int) throws -> StoredCrisis {
        let row = try Row.fetchOne(db, sql: "SELECT * FROM crisis WHERE incident_id = ?", arguments: [incident])
        let firstAck = try Row.fetchOne(db, sql: """
            SELECT MIN(at) AS at FROM event WHERE alert_id = ? AND event = ?
            """, arguments: [incident, AuditKind.alertAcknowledged.rawValue])?.optionalInstant("at")
        return StoredCrisis(incident: incident, roles: IncidentRoles(commander: row?["commander"], comms: row?["comms"]),
                            lastUpdateAt: row?.optionalInstant("last_update_at"), updates: row?["updates"] ?? 0, firstAcknowledgedAt: firstAck)
    }

    public func assignRole(_ role: CrisisRole, to person: String, incident id: Int, actor: String, now: Date) async throws(StoreError) -> StoredCrisis {
        try write { db in
            let incident = try Self.alert(db, id).incidentID
            let before = try Self.crisis(db, incident)
            try db.execute(sql: "INSERT INTO crisis (incident_id) VALUES (?) ON CONFLICT (incident_id) DO NOTHING", arguments: [incident])
            try db.execute(sql: "UPDATE crisis SET \(role.rawValue) = ? WHERE incident_id = ?", arguments: [person, incident])
            try Self.log(db, at: now, actor: actor, .roleAssigned(incident, role, to: person, was: before.roles[role]), alertID: incident)
            return try Self.crisis(db, incident)
        }
    }

    public func postUpdate(incident id: Int, text: String, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> StoredCrisis {
        try write { db in
            let incident = try Self.alert(db, id).incidentID
            try db.execute(sql: """
                INSERT INTO crisis (incident_id, last_update_at, updates) VALUES (?, ?, 1)
                ON CONFLICT (incident_id) DO UPDATE SET last_update_at = MAX(COALESCE(last_update_at, 0), excluded.last_update_at), updates = updates + 1
                """, arguments: [incident, now.millis])
            try Self.log(db, at: now, actor: actor, .update(text), alertID: incident)
            _ = try Self.insert(notices, alertID: nil, into: db)
            return try Self.crisis(db, incident)
        }
    }

    public func remind(incident id: Int, entry: AuditEntry, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> Bool {
        try write { db in
            guard try Self.insert(notices, alertID: nil, into: db) > 0 else { return false }
            try Self.log(db, at: now, actor: actor, entry, alertID: id)
            return true
        }
    }
}
