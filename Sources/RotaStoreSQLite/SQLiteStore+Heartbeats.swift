import Foundation
import GRDB
import RotaStore

extension SQLiteStore {
    @discardableResult
    public func ping(heartbeat id: String, now: Date) async throws(StoreError) -> Date? {
        try write { db in
            let previous = try Int64.fetchOne(db, sql: "SELECT last_ping FROM heartbeat WHERE id = ?", arguments: [id])
            try db.execute(sql: """
                INSERT INTO heartbeat (id, last_ping) VALUES (?, ?)
                ON CONFLICT(id) DO UPDATE SET last_ping = MAX(last_ping, excluded.last_ping)
                """, arguments: [id, now.millis])
            return previous.map(Date.init(millis:))
        }
    }

    public func lastPings() async throws(StoreError) -> [String: Date] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, last_ping FROM heartbeat").map { row in
                (row["id"] as String, row.instant("last_ping"))
            })
        }
    }
}
