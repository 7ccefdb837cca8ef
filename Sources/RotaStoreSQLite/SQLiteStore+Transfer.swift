import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore: StoreExport {
    /// Every table in one read transaction (a consistent snapshot while cron may tick).
    public func exportTables() async throws(StoreError) -> [TransferTable] {
        try read { db in try Self.export(db) }
    }

    /// `rota migrate`'s hold on the source: the write lock taken (BEGIN IMMEDIATE) on a
    /// connection of its own and every table read under it. Writers wait (then fail with
    /// "database is locked") until the move is finished or abandoned, so nothing written during
    /// the copy can be lost.
    public func beginMove() throws(StoreError) -> SQLiteMove {
        try mappingErrors {
            var configuration = queue.configuration
            configuration.allowsUnsafeTransactions = true  // the transaction spans the copy into PostgreSQL
            let connection = try DatabaseQueue(path: path, configuration: configuration)
            let tables = try connection.writeWithoutTransaction { db in
                if let moved = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'moved_alert_insert'") {
                    throw StoreError.database("this database was already moved (\(moved.split(separator: "'").dropFirst().first ?? "")); nothing copied")
                }
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    return try Self.export(db)
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
            }
            return SQLiteMove(connection: connection, tables: tables)
        }
    }

    static func export(_ db: Database) throws -> [TransferTable] {
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

/// A move under way: the source's write lock held, its rows read.
public final class SQLiteMove: Sendable {
    /// How every refused write's message begins.
    public static let refusal = "rota: this database was moved to "
    let connection: DatabaseQueue
    public let tables: [TransferTable]

    init(connection: DatabaseQueue, tables: [TransferTable]) {
        self.connection = connection
        self.tables = tables
    }

    /// Marks the source moved and commits: from then on every write to it is refused with
    /// `message` (triggers on every table); reads still work.
    public func finish(target: String, at: Date) throws(StoreError) {
        let message = Self.refusal + "\(target) on \(TimeText.utc(at)); point rota at it with --db or ROTA_DB (nothing is written here any more)"
        let quoted = message.replacingOccurrences(of: "'", with: "''")
        do {
            try connection.writeWithoutTransaction { db in
                for table in TransferTable.layout.map(\.name) {
                    for operation in ["INSERT", "UPDATE", "DELETE"] {
                        try db.execute(sql: """
                            CREATE TRIGGER "moved_\(table)_\(operation.lowercased())" BEFORE \(operation) ON "\(table)"
                            BEGIN SELECT RAISE(ABORT, '\(quoted)'); END
                            """)
                    }
                }
                try db.execute(sql: "COMMIT")
            }
        } catch {
            throw StoreError.database("\(error)")
        }
    }

    /// Gives the write lock back, the source unchanged (the copy failed).
    public func abandon() {
        try? connection.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
    }
}
