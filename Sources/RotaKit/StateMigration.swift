import Foundation
import RotaCore
import RotaStore
#if PostgreSQL
import RotaStorePostgres
#endif
import RotaStoreSQLite

/// `rota migrate`: a team moves its state from one SQLite file to a shared PostgreSQL database,
/// every row and id kept (alerts, pages, overrides, leave, revisions, the audit log...).
public enum StateMigration {
    /// What was copied, per table.
    public struct Outcome: Sendable {
        public var target: String
        public var counts: [(table: String, rows: Int)]
    }

    /// Copies `from` (`sqlite:PATH` or a path) into `to` (a `postgres://` address of an empty
    /// database), checks every table's row count, and logs the move in the copy's audit log.
    public static func copy(from: String, to: String, environment: [String: String], actor: String?) async throws -> Outcome {
        let path = from.hasPrefix("sqlite:") ? String(from.dropFirst("sqlite:".count)) : from
        guard !StoreAddress.isPostgres(path) else {
            throw RotaError.usage("--from must be a SQLite file (sqlite:PATH); copying out of PostgreSQL is done with pg_dump")
        }
        guard StoreAddress.isPostgres(to) else {
            throw RotaError.usage("--to must be a PostgreSQL address, postgres://USER@HOST[:PORT]/DBNAME")
        }
        #if !PostgreSQL
        throw StoreOpening.withoutPostgreSQL("--to")
        #else
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw RotaError.notFound("no SQLite database at \(path)")
        }
        let source: SQLiteStore
        do {
            source = try SQLiteStore.open(path: path)
        } catch {
            throw RotaError.store(error)
        }
        guard let target = try await StoreOpening.open(to, environment: environment) as? PostgresStore else {
            throw RotaError.usage("--to must be a PostgreSQL address")
        }
        // The source's write lock is held from the first row read until it is marked moved, so a
        // raise during the copy waits (or fails, saying the database is locked), never vanishes.
        let move = try await storeCall { try source.beginMove() }
        let tables = move.tables
        let counts = tables.map { (table: $0.name, rows: $0.rows.count) }
        do {
            try await storeCall { try await target.importTables(tables) }
            let copied = try await storeCall { try await target.tableCounts() }
            for table in tables where copied[table.name] != table.rows.count {
                throw RotaError.store(.database("the copy of \(table.name) holds \(copied[table.name] ?? 0) rows, not \(table.rows.count)"))
            }
            let summary = counts.filter { $0.rows > 0 }.map { "\($0.rows) \($0.table)" }.joined(separator: ", ")
            try await storeCall {
                try await target.append(AuditEntry(.stateMigrated, "state copied from sqlite:\(path) (\(summary.isEmpty ? "empty" : summary))"),
                                        actor: actor ?? Workspace.unixUser(environment), now: Date().wholeMilliseconds)
            }
        } catch {
            move.abandon()
            throw error
        }
        try await storeCall {
            try move.finish(target: target.location, at: Date())
        }
        return Outcome(target: target.location, counts: counts)
        #endif
    }
}
