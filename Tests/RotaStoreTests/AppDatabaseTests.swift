import Foundation
import GRDB
import Testing

extension Date {
    init(seconds: Double) { self.init(timeIntervalSince1970: seconds) }
}
@testable import RotaStore
import RotaCore

/// A database file in a fresh temporary directory (WAL and file modes need a real file).
func temporaryDatabasePath() -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("rota-store-\(UUID().uuidString)/state/rota.db").path
}

private func mode(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite("The database: settings that keep pages and edits safe")
struct AppDatabaseTests {
    @Test("WAL journal, a busy timeout of at least 10 s and synchronous FULL")
    func connectionSettings() throws {
        let database = try AppDatabase.open(path: temporaryDatabasePath())
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
        #expect(AppDatabase.defaultPath(environment: environment) == expected)
    }

    @Test("the database and its WAL files are 0600, in a 0700 directory")
    func fileModes() throws {
        let path = temporaryDatabasePath()
        let database = try AppDatabase.open(path: path)
        _ = try database.addLeave(person: "ann", start: Date(seconds: 0), end: Date(seconds: 60), reason: nil, actor: "t", now: Date(seconds: 0))
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
        _ = try AppDatabase.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        #expect(throws: StoreError.schemaTooNew(path: path, unknown: ["v99-future"])) { try AppDatabase.open(path: path) }
        let count = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") }
        #expect(count == 0)
    }

    @Test("the audit log refuses updates and deletes")
    func auditLogIsAppendOnly() throws {
        let path = temporaryDatabasePath()
        let database = try AppDatabase.open(path: path)
        _ = try database.addLeave(person: "ann", start: Date(seconds: 0), end: Date(seconds: 60), reason: nil, actor: "t", now: Date(seconds: 0))
        let queue = try DatabaseQueue(path: path)
        #expect(throws: (any Error).self) { try queue.write { db in try db.execute(sql: "UPDATE event SET actor = 'mallory'") } }
        #expect(throws: (any Error).self) { try queue.write { db in try db.execute(sql: "DELETE FROM event") } }
        #expect(try database.events(since: nil).first?.actor == "t")
    }

    @Test("a write waits for another connection's write instead of failing")
    func writerWaitsForLock() async throws {
        let path = temporaryDatabasePath()
        let first = try AppDatabase.open(path: path)
        let second = try AppDatabase.open(path: path)
        let holding = Task.detached {
            try first.write { db in
                try db.execute(sql: "INSERT INTO leave (person, start_at, end_at, created_by, created_at) VALUES ('a', 0, 1, 't', 0)")
                Thread.sleep(forTimeInterval: 1.0)
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let id = try second.addLeave(person: "b", start: Date(seconds: 0), end: Date(seconds: 60), reason: nil, actor: "t", now: Date(seconds: 0))
        try await holding.value
        #expect(id == 2)
        #expect(try second.leave(endingAfter: nil).map(\.person) == ["a", "b"])
    }

    @Test("a revision is stored only when the files change, never effective before the last one")
    func revisions() throws {
        let database = try AppDatabase.open(path: temporaryDatabasePath())
        let model = Data("model".utf8)
        #expect(try database.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f1", now: Date(seconds: 100), actor: "t") != nil)
        #expect(try database.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f1", now: Date(seconds: 200), actor: "t") == nil)
        let second = try database.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f2", now: Date(seconds: 50), actor: "t")
        #expect(second?.effectiveAt == Date(seconds: 100))
        #expect(try database.revisions().map(\.fingerprint) == ["f1", "f2"])
        guard case .model(let stored) = try database.content(ofRevision: 1) else { Issue.record("no model"); return }
        #expect(stored == model)
        #expect(try database.events(since: nil).map(\.event) == ["revision", "revision"])
    }

    @Test("an instant read back is the instant written, sub-millisecond clock included", arguments: [
        1_764_140_000.123_456_7, 1_900_000_000.999_9, 2_100_000_000.000_4, 0.001,
    ])
    func instantsAreExact(seconds: Double) throws {
        let database = try AppDatabase.open(path: temporaryDatabasePath())
        let now = Date(timeIntervalSince1970: seconds).wholeMilliseconds
        let id = try database.addLeave(person: "p", start: now, end: now.addingTimeInterval(60), reason: nil, actor: "t", now: now)
        let row = try #require(try database.leave(endingAfter: nil).first { $0.id == id })
        #expect(row.start == now)
        #expect(row.createdAt == now)
    }

    @Test("overrides and leave: add, list what is current, remove, all logged")
    func overridesAndLeave() throws {
        let database = try AppDatabase.open(path: temporaryDatabasePath())
        let ids = try database.addOverrides([NewOverride(schedule: "s", person: "p", start: Date(seconds: 0), end: Date(seconds: 100)),
                                             NewOverride(schedule: "s", person: "q", start: Date(seconds: 100), end: Date(seconds: 200))],
                                            event: "swap", detail: "swap", actor: "t", now: Date(seconds: 0))
        #expect(ids == [1, 2])
        #expect(try database.overrides(endingAfter: Date(seconds: 150)).map(\.id) == [2])
        #expect(try database.removeOverride(id: 1, actor: "t", now: Date(seconds: 1)).person == "p")
        #expect(throws: StoreError.self) { try database.removeOverride(id: 1, actor: "t", now: Date(seconds: 1)) }
        #expect(throws: StoreError.self) { try database.removeLeave(id: 7, actor: "t", now: Date(seconds: 1)) }
        #expect(try database.events(since: nil).map(\.event) == ["swap", "override.remove"])
    }

    @Test("an end before the start is refused by the schema itself")
    func schemaChecksSpans() throws {
        let database = try AppDatabase.open(path: temporaryDatabasePath())
        #expect(throws: StoreError.self) {
            try database.addLeave(person: "p", start: Date(seconds: 10), end: Date(seconds: 5), reason: nil, actor: "t", now: Date(seconds: 0))
        }
        #expect(try database.events(since: nil).isEmpty)
    }
}
