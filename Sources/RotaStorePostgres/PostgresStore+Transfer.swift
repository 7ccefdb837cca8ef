import Foundation
import Logging
import PostgresNIO
import RotaStore

extension PostgresStore: StoreImport {
    /// Copies a whole state in one transaction, ids kept, then moves each id sequence past the
    /// largest id. Refuses a database that already holds state, so a second run cannot mix two.
    public func importTables(_ tables: [TransferTable]) async throws(StoreError) {
        try await transaction { db in
            try await db.query("LOCK TABLE revision, override, leave, alert, page, event, runner, feed, maintenance, heartbeat IN EXCLUSIVE MODE",
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
                // Whole batches per statement, within PostgreSQL's 65,535 parameters.
                let perStatement = max(1, 60_000 / table.columns.count)
                var start = 0
                while start < table.rows.count {
                    let batch = table.rows[start..<min(start + perStatement, table.rows.count)]
                    var bindings = PostgresBindings(capacity: batch.count * table.columns.count)
                    var tuples: [String] = []
                    for row in batch {
                        var marks: [String] = []
                        for (column, value) in zip(table.columns, row) {
                            let mark = "$\(bindings.count + 1)"
                            switch value {
                            case .null: bindings.appendNull()
                            case .int(let number):
                                if table.name == "page" && column == "late" { bindings.append(number != 0) } else { bindings.append(number) }
                            case .text(let text): bindings.append(text)
                            case .blob(let data): try bindings.append(data)
                            }
                            marks.append(mark)
                        }
                        tuples.append("(\(marks.joined(separator: ", ")))")
                    }
                    let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
                    try await db.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table.name) (\(columns)) VALUES \(tuples.joined(separator: ", "))",
                                                     binds: bindings), logger: self.logger)
                    start += perStatement
                }
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
