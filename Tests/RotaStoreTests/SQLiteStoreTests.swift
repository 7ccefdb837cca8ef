import Foundation
import GRDB
import Synchronization
import Testing

extension Date {
    init(seconds: Double) { self.init(timeIntervalSince1970: seconds) }
}
import RotaCore
import RotaStore
@testable import RotaStoreSQLite

/// A database file in a fresh temporary directory (WAL and file modes need a real file).
func temporaryDatabasePath() -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("rota-store-\(UUID().uuidString)/state/rota.db").path
}

/// Leave for `person` over the first minute of 1970.
func leave(_ person: String) -> NewCover {
    NewCover(schedule: nil, person: person, start: Date(seconds: 0), end: Date(seconds: 60))
}

private func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite("The SQLite store: settings that keep pages and edits safe")
struct SQLiteStoreTests {
    @Test("WAL journal, a busy timeout of at least 10 s and synchronous FULL")
    func connectionSettings() throws {
        let database = try SQLiteStore.open(path: temporaryDatabasePath())
        #expect(try database.pragma("journal_mode") == "wal")
        #expect(Int(try database.pragma("busy_timeout") ?? "0")! >= 10_000)
        // 2 is FULL; GRDB would leave NORMAL (1) on a WAL database.
        #expect(try database.pragma("synchronous") == "2")
    }

    @Test("where the database lives: $ROTA_DB, else $XDG_STATE_HOME/rota, else ~/.local/state/rota", arguments: [
        (["ROTA_DB": "/srv/rota.db", "HOME": "/home/ann"], "/srv/rota.db"),
        (["XDG_STATE_HOME": "/var/state", "HOME": "/home/ann"], "/var/state/rota/rota.db"),
        (["HOME": "/home/ann"], "/home/ann/.local/state/rota/rota.db"),
        (["ROTA_DB": "", "XDG_STATE_HOME": "", "HOME": "/home/ann"], "/home/ann/.local/state/rota/rota.db"),
    ])
    func defaultPath(_ environment: [String: String], _ expected: String) {
        #expect(SQLiteStore.defaultPath(environment: environment) == expected)
    }

    @Test("the database and its WAL files are 0600, in a 0700 directory")
    func fileModes() async throws {
        let path = temporaryDatabasePath()
        let database = try SQLiteStore.open(path: path)
        _ = try await database.addCovers([leave("ann")], entry: AuditEntry(.leaveAdd, "t"), actor: "t", now: Date(seconds: 0))
        #expect(try mode((path as NSString).deletingLastPathComponent) == 0o700)
        #expect(try mode(path) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            #expect(try mode(path + suffix) == 0o600, "\(suffix)")
        }
        _ = database
    }

    @Test("a database from a newer schema is refused with a message, and not written")
    func newerSchemaRefused() throws {
        let path = temporaryDatabasePath()
        _ = try SQLiteStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        #expect(throws: StoreError.schemaTooNew(path: path, unknown: ["v99-future"])) { try SQLiteStore.open(path: path) }
        let count = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") }
        #expect(count == 0)
    }

    @Test("a database from before held kinds: the migration names each hold from its words, and removing a window releases by kind")
    func heldKindBackfilled() async throws {
        let path = temporaryDatabasePath()
        let before = try SQLiteStore.open(path: path)
        let windowID = try await before.addMaintenance(service: "web", start: Date(seconds: 0), end: Date(seconds: 3600), reason: nil,
                                                       actor: "t", now: Date(seconds: 0))
        for (summary, reason) in [("maintenance", "in maintenance until 1970-01-01T01:00:00Z"), ("night", "low severity: waits for daytime")] {
            var new = NewAlert(service: "web", escalation: "e", summary: summary, details: nil, severity: "high", dedupKey: nil)
            new.hold = FirstPage.Hold(until: Date(seconds: 3600), reason: reason)
            _ = try await before.raise(new, actor: "t", now: Date(seconds: 60))
        }
        // As a database written before v10 would be: no held_kind column, the migration not applied.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE alert DROP COLUMN held_kind")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v10-held-kind'")
        }
        let after = try SQLiteStore.open(path: path)
        let kinds = try await queue.read { db in try String?.fetchAll(db, sql: "SELECT held_kind FROM alert ORDER BY id") }
        #expect(kinds == ["maintenance", "daytime"])
        #expect(try await after.removeMaintenance(id: windowID, actor: "t", now: Date(seconds: 120)).released == 1)
    }

    @Test("a database written before incidents keeps every alert, each its own incident, and its dedup keys")
    func incidentsMigration() async throws {
        let path = temporaryDatabasePath()
        let before = try SQLiteStore.open(path: path)
        for key in ["a", "b"] {
            _ = try await before.raise(NewAlert(service: "web", escalation: "e", summary: key, details: nil, severity: "high", dedupKey: key),
                                       actor: "t", now: Date(seconds: 60))
        }
        // As a database written before v11 would be: none of its columns or indexes, the migration not applied.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
                DROP INDEX alert_by_incident; DROP INDEX alert_open_group; DROP INDEX alert_open_key;
                CREATE UNIQUE INDEX alert_open_dedup ON alert(service, dedup_key) WHERE dedup_key IS NOT NULL AND status != 'resolved';
                """)
            for column in ["incident_id", "alert_count", "last_alert_at", "peak_severity", "group_key", "merged_into", "closed_at", "closed_by"] {
                try db.execute(sql: "ALTER TABLE alert DROP COLUMN \(column)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11-incidents'")
        }
        let after = try SQLiteStore.open(path: path)
        let incidents = try await after.incidents(includeClosed: true)
        #expect(incidents.map(\.id) == [2, 1] && incidents.allSatisfy { $0.opensIncident && $0.alertCount == 1 && $0.lastAlertAt == Date(seconds: 60) })
        let again = try await after.raise(NewAlert(service: "web", escalation: "e", summary: "a", details: nil, severity: "high", dedupKey: "a"),
                                          actor: "t", now: Date(seconds: 120))
        #expect(again.deduplicated && again.alert.id == 1)
        #expect(try await after.alert(id: 1).lastAlertAt == Date(seconds: 120))
    }

    @Test("the audit log refuses updates and deletes")
    func auditLogIsAppendOnly() async throws {
        let path = temporaryDatabasePath()
        let database = try SQLiteStore.open(path: path)
        _ = try await database.addCovers([leave("ann")], entry: AuditEntry(.leaveAdd, "t"), actor: "t", now: Date(seconds: 0))
        let queue = try DatabaseQueue(path: path)
        #expect(throws: (any Error).self) { try queue.write { db in try db.execute(sql: "UPDATE event SET actor = 'mallory'") } }
        #expect(throws: (any Error).self) { try queue.write { db in try db.execute(sql: "DELETE FROM event") } }
        #expect(try await database.events(since: nil).first?.actor == "t")
    }

    @Test("a write waits for another connection's write instead of failing")
    func writerWaitsForLock() async throws {
        let path = temporaryDatabasePath()
        let first = try SQLiteStore.open(path: path)
        let second = try SQLiteStore.open(path: path)
        // The first write runs on a thread of its own (not the test's pool, which a loaded machine may have busy)
        // and holds the write lock for a second; the second write starts only once it does.
        let locked = Flag(), done = Flag()
        let holder = Thread {
            defer { done.set() }
            try? first.write { db in
                try db.execute(sql: "INSERT INTO leave (person, start_at, end_at, created_by, created_at) VALUES ('a', 0, 1, 't', 0)")
                locked.set()
                Thread.sleep(forTimeInterval: 1.0)
            }
        }
        holder.start()
        for _ in 0..<6000 where !locked.isSet { try await Task.sleep(for: .milliseconds(10)) }
        #expect(locked.isSet, "the first write holds the lock")
        let ids = try await second.addCovers([leave("b")], entry: AuditEntry(.leaveAdd, "t"), actor: "t", now: Date(seconds: 0))
        for _ in 0..<6000 where !done.isSet { try await Task.sleep(for: .milliseconds(10)) }
        #expect(ids == [2])
        #expect(try await second.covers(.leave, endingAfter: nil).map(\.person) == ["a", "b"])
    }

    @Test("an instant read back is the instant written, sub-millisecond clock included", arguments: [
        1_764_140_000.123_456_7, 1_900_000_000.999_9, 2_100_000_000.000_4, 0.001,
    ])
    func instantsAreExact(seconds: Double) async throws {
        let database = try SQLiteStore.open(path: temporaryDatabasePath())
        let now = Date(timeIntervalSince1970: seconds).wholeMilliseconds
        let ids = try await database.addCovers([NewCover(schedule: nil, person: "p", start: now, end: now.addingTimeInterval(60))],
                                               entry: AuditEntry(.leaveAdd, "t"), actor: "t", now: now)
        let row = try #require(try await database.covers(.leave, endingAfter: nil).first { $0.id == ids[0] })
        #expect(row.start == now)
        #expect(row.createdAt == now)
    }

    @Test("an end before the start is refused by the schema itself")
    func schemaChecksSpans() async throws {
        let database = try SQLiteStore.open(path: temporaryDatabasePath())
        await #expect(throws: StoreError.self) {
            try await database.addCovers([NewCover(schedule: nil, person: "p", start: Date(seconds: 10), end: Date(seconds: 5))],
                                         entry: AuditEntry(.leaveAdd, "t"), actor: "t", now: Date(seconds: 0))
        }
        #expect(try await database.events(since: nil).isEmpty)
    }
}

/// A flag set once on one thread and read on another.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
