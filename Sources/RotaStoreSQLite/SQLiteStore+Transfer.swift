import Foundation
import GRDB
import RotaStore

extension SQLiteStore: StoreExport {
    /// Every table in one read transaction (a consistent snapshot while cron may tick).
    public func exportTables() async throws(StoreError) -> [TransferTable] {
        try read { db in
            try TransferTable.layout.map { table in
                // Rows queued by an older rota have no contact key: they get the one rota reads for them.
                let columns = table.columns.map { column in
                    switch (table.name, column) {
                    case ("page", "contact_key"): "COALESCE(contact_key, 'c' || contact) AS contact_key"
                    case ("revision", "follows"): "COALESCE(follows, 0) AS follows"
                    default: "\"\(column)\""
                    }
                }
                let rows = try Row.fetchAll(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \"\(table.name)\" ORDER BY 1").map { row in
                    table.columns.indices.map { index -> TransferValue in
                        switch row[index] as DatabaseValue {
                        case let value where value.isNull: .null
                        case let value: switch value.storage {
                            case .int64(let number): .int(number)
                            case .double(let number): .int(Int64(number.rounded()))
                            case .string(let text): .text(text)
                            case .blob(let data): .blob(data)
                            case .null: .null
                        }
                        }
                    }
                }
                return TransferTable(name: table.name, columns: table.columns, rows: rows)
            }
        }
    }
}
