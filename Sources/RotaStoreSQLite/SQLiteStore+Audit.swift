import Foundation
import GRDB
import RotaStore

extension SQLiteStore {
    static func log(_ db: Database, at: Date, actor: String, _ entry: AuditEntry, alertID: Int? = nil) throws {
        try db.execute(cached: "INSERT INTO event (at, actor, event, detail, alert_id) VALUES (?, ?, ?, ?, ?)",
                       [at.millis, actor, entry.kind.rawValue, entry.detail, alertID])
    }

    public func append(_ entry: AuditEntry, actor: String, now: Date, alert: Int?) async throws(StoreError) {
        try write { db in try Self.log(db, at: now, actor: actor, entry, alertID: alert) }
    }

    public func events(since: Date?) async throws(StoreError) -> [AuditEvent] {
        try read { db in
            try AuditEvent.fetchAll(db, sql: "SELECT * FROM event WHERE at >= ? ORDER BY at, id", arguments: [since?.millis ?? Int64.min])
        }
    }
}
