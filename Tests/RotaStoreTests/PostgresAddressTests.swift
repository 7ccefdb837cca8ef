import Foundation
import RotaStore
@testable import RotaStorePostgres
import Testing

@Suite("PostgreSQL addresses, passwords and sslmode, read as libpq reads them")
struct PostgresAddressTests {
    @Test("addresses parse; what is shown never holds the password", arguments: [
        ("postgres://rota@db.example.net/rota", "postgres://rota@db.example.net:5432/rota", PostgresAddress.SSLMode.prefer),
        ("postgresql://rota@10.0.0.5:6432/state?sslmode=require", "postgres://rota@10.0.0.5:6432/state", .require),
        ("postgres://rota:s3cret@127.0.0.1/rota?sslmode=verify-full", "postgres://rota@127.0.0.1:5432/rota", .verifyFull),
        ("postgres://r%40ta@[::1]:5433/my%20db", "postgres://r@ta@[::1]:5433/my db", .prefer),
    ])
    func parses(_ text: String, _ shown: String, _ mode: PostgresAddress.SSLMode) throws {
        let address = try PostgresAddress.parse(text, environment: ["HOME": "/nonexistent"])
        #expect(address.shown == shown)
        #expect(address.sslMode == mode)
        #expect(!address.shown.contains("s3cret"))
    }

    @Test("bad addresses are refused, saying what is wrong, without the password", arguments: [
        ("postgres://db.example.net/rota", "no user"),
        ("postgres://rota@/rota", "no host"),
        ("postgres://rota@db", "no database name"),
        ("postgres://rota:hunter2@db/rota?sslmode=maybe", "sslmode must be one of"),
        ("postgres://rota:hunter2@db/rota?password=x", "unknown parameter 'password'"),
        ("mysql://rota@db/rota", "not a PostgreSQL address"),
    ])
    func refuses(_ text: String, _ expected: String) {
        do {
            _ = try PostgresAddress.parse(text, environment: ["HOME": "/nonexistent"])
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("the password: the URL, else PGPASSWORD, else the password file (first matching line, * and escapes), ignored when others can read it")
    func passwords() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("pgpass").path
        try """
            # comment
            other.host:5432:rota:rota:nope
            db:*:rota:rota:from\\:file\\\\x
            *:*:*:rota:fallback
            """.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let environment = ["PGPASSFILE": file]
        #expect(try PostgresAddress.parse("postgres://rota@db/rota", environment: environment).password == "from:file\\x")
        #expect(try PostgresAddress.parse("postgres://rota@elsewhere/x", environment: environment).password == "fallback")
        #expect(try PostgresAddress.parse("postgres://rota@db/rota", environment: environment.merging(["PGPASSWORD": "env"]) { $1 }).password == "env")
        #expect(try PostgresAddress.parse("postgres://rota:url@db/rota", environment: ["PGPASSWORD": "env"]).password == "url")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        #expect(try PostgresAddress.parse("postgres://rota@db/rota", environment: environment).password == nil, "a file others can read is ignored")
    }

    @Test("an unreachable server is a clear error (from the direct connection, not the pool's retries), naming the address without its password")
    func unreachable() async throws {
        let address = try PostgresAddress.parse("postgres://rota:hunter2@127.0.0.1:1/rota?sslmode=disable", environment: [:])
        do {
            _ = try await PostgresStore.open(address: address, localPath: "/tmp/unused", host: "test")
            Issue.record("opened a store at port 1")
        } catch {
            #expect(error.description.contains("cannot connect"), "\(error)")
            #expect(error.description.contains("postgres://rota@127.0.0.1:1/rota"))
            #expect(!error.description.contains("hunter2"))
        }
    }
}
