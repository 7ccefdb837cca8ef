import Foundation
import GRDB
import RotaStore

/// The store in one SQLite file, through GRDB: the only door to it. Every write is one
/// IMMEDIATE transaction that keeps the invariants; nothing outside this module sees SQL.
public final class SQLiteStore: Store {
    let queue: DatabaseQueue
    public let path: String
    public var location: String { path }
    public var localPath: String { path }
    public var isShared: Bool { false }
    /// The host name recorded with each tick.
    let host: String

    /// Opens (creating if needed, 0600 in a 0700 directory, or 0660 in a shared one: `StateFiles`)
    /// and migrates the database at `path`.
    public static func open(path: String, host: String = "") throws(StoreError) -> SQLiteStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        // The database and its -wal/-shm files are created owner-only, or 0660 in a shared
        // (group-writable, setgid) directory; SQLite gives -wal and -shm the database's mode.
        let mode = StateFiles.mode(forFileAt: path)
        let previous = umask(mode == 0o660 ? 0o007 : 0o077)
        defer { umask(previous) }
        do {
            var configuration = Configuration()
            // A `rota ack` during a tick waits for the tick's write rather than failing at once.
            configuration.busyMode = .timeout(15)
            configuration.prepareDatabase { db in
                // WAL lets readers go on while a tick writes.
                try Self.switchToWAL(db)
                // FULL: a committed "sent" mark survives power loss (NORMAL can lose the last commit).
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA foreign_keys = ON")
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            StateFiles.settle(paths: [path, path + "-wal", path + "-shm"], mode: mode)
            let database = SQLiteStore(queue: queue, path: path, host: host)
            try database.migrate()
            return database
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// WAL mode, kept in the file once set. Switching a new database needs a lock SQLite's busy
    /// handler does not wait for: two processes opening the same new file at once (the first cron
    /// ticks) would see "database is locked". The switch is tried again for up to 15 seconds.
    static func switchToWAL(_ db: Database) throws {
        if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal" { return }
        let deadline = Date().addingTimeInterval(15)
        var pause: UInt32 = 2_000
        while true {
            do {
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode == "wal" else { throw DatabaseError(message: "could not switch to WAL mode") }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(pause)
                pause = min(pause * 2, 100_000)
            }
        }
    }

    /// Raises waiting for the next group commit.
    let raises: RaiseQueue

    private init(queue: DatabaseQueue, path: String, host: String) {
        self.queue = queue
        self.path = path
        self.host = host
        raises = RaiseQueue(queue: queue)
    }

    /// Where the database lives: --db, else $ROTA_DB, else the XDG state directory.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["ROTA_DB"], !path.isEmpty { return path }
        return (StateDirectory.path(environment: environment) as NSString).appendingPathComponent("rota.db")
    }

    /// Runs a write transaction (BEGIN IMMEDIATE), mapping SQLite errors to `StoreError`.
    func write<T>(_ updates: (Database) throws -> T) throws(StoreError) -> T {
        try mappingErrors { try queue.write(updates) }
    }

    func read<T>(_ fetch: (Database) throws -> T) throws(StoreError) -> T {
        try mappingErrors { try queue.read(fetch) }
    }

    func mappingErrors<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where (error.message ?? "").hasPrefix(SQLiteMove.refusal) {
            throw StoreError.moved(error.message ?? "")
        } catch {
            throw StoreError.database("\(error)")
        }
    }

    /// A pragma's value, for tests and `rota status`.
    public func pragma(_ name: String) throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}

