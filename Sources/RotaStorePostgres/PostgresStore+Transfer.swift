import Foundation
import Logging
import PostgresNIO
import RotaStore

extension PostgresStore: StoreImport {
    /// Copies a whole state in one transaction, ids kept, then moves each id sequence past the
    /// largest id. Refuses a database that already holds state, so a second run cannot mix two.
    public func importTables(_ tables: [TransferTable]) async throws(StoreError) {
        try await transaction { db in
            try await db.query("LOCK TABLE revision, override, leave, alert, page, event, runner, feed, maintenance, heartbeat, crisis IN EXCLUSIVE MODE",
                               logger: self.logger)
            let used = try await db.rows("""
                SELECT (SELECT COUNT(*) FROM revision) + (SELECT COUNT(*) FROM alert) + (SELECT COUNT(*) FROM event)
                     + (SELECT COUNT(*) FROM override) + (SELECT COUNT(*) FROM leave) + (SELECT COUNT(*) FROM runner) AS n
                """, logger: self.logger)
            guard try used.first?("n", as: Int64.self) == 0 else {
                throw StoreError.database("\(self.location) already holds rota state; migrate only into a new, empty database")
            }
            for table in tables where !table.rows.isEmpty {
                guard TransferTable.layout.contains(where: { $0.name == table.name && $0.columns == table.columns }) else {
                    throw StoreError.database("unknown table \(table.name) in the copy")
                }
                let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
                try await db.batched("INSERT INTO \(table.name) (\(columns)) VALUES_LIST", rows: table.rows,
                                     types: table.columns.map { table.name == "page" && $0 == "late" ? "BOOLEAN" : nil },
                                     logger: self.logger)
            }
            for table in ["revision", "override", "leave", "alert", "page", "event", "maintenance"] {
                try await db.query(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)
                    """), logger: self.logger)
            }
        }
    }

    public func tableCounts() async throws(StoreError) -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for table in TransferTable.layout {
                let rows = try await db.rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) AS n FROM \(table.name)"), logger: self.logger)
                counts[table.name] = Int(try rows.first?("n", as: Int64.self) ?? 0)
            }
            return counts
        }
    }
}
