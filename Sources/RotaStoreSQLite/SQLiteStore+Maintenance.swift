import Foundation
import GRDB
import RotaCore
import RotaStore

extension StoredMaintenance: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], service: row["service"], start: row.instant("start_at"), end: row.instant("end_at"), reason: row["reason"],
                  createdBy: row["created_by"], createdAt: row.instant("created_at"))
    }
}

extension SQLiteStore {
    public func addMaintenance(service: String, start: Date, end: Date, reason: String?, actor: String, now: Date) async throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: """
                INSERT INTO maintenance (service, start_at, end_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [service, start.millis, end.millis, reason, actor, now.millis])
            let id = Int(db.lastInsertedRowID)
            try Self.log(db, at: now, actor: actor, .maintenanceAdded(id, service: service, start: start, end: end, reason: reason))
            return id
        }
    }

    public func maintenance(endingAfter after: Date?) async throws(StoreError) -> [StoredMaintenance] {
        try read { db in
            try StoredMaintenance.fetchAll(db, sql: "SELECT * FROM maintenance WHERE end_at > ? ORDER BY id", arguments: [after?.millis ?? Int64.min])
        }
    }

    public func removeMaintenance(id: Int, actor: String, now: Date) async throws(StoreError) -> (window: StoredMaintenance, released: Int) {
        try write { db in
            guard let window = try StoredMaintenance.fetchOne(db, sql: "SELECT * FROM maintenance WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("no maintenance #\(id)")
            }
            try db.execute(sql: "DELETE FROM maintenance WHERE id = ?", arguments: [id])
            // Alerts raised in the window whose level 1 still waits for it: due now.
            try db.execute(sql: """
                UPDATE alert SET next_due_at = ?, wake_at = ?
                WHERE service = ? AND status = 'triggered' AND held_kind = 'maintenance' AND round = 1 AND next_level = 1
                  AND next_due_at > ? AND created_at >= ? AND created_at < ?
                """, arguments: [now.millis, now.millis, window.service, now.millis, window.start.millis, window.end.millis])
            let released = db.changesCount
            try Self.log(db, at: now, actor: actor, .maintenanceRemoved(id, service: window.service, released: released))
            return (window, released)
        }
    }
}
