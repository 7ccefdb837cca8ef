import Foundation
import RotaTestSupport
import Testing

@Suite("rota migrate under load", .enabled(if: PostgresTestServer.available))
struct MigrateTests {
    @Test("rota migrate holds the SQLite source while it copies and marks it moved: every raise that succeeded is in PostgreSQL, later ones are refused naming the new database")
    func migrateDuringRaises() async throws {
        let target = try PostgresTestServer.freshDatabase()
        let rota = try RotaRunner(files: ["r.yaml": onePersonRota("{command: [\"/bin/true\"]}")])
        #expect(try rota.run(["tick"]).status == 0)
        let dir = rota.directory.path
        // Raises one after another, each outcome written down, until told to stop (bounded).
        let loop = Process()
        loop.executableURL = URL(fileURLWithPath: "/bin/bash")
        loop.arguments = ["-c", """
            for i in $(seq 1 5000); do  # bounded; far more than the copy takes (a faster rota finished 600 first)
              [ -e "\(dir)/stop" ] && break
              "\(RotaRunner.binary)" --rotas "\(rota.rotas)" --db "\(rota.database)" alert raise --service web --summary "r$i" --dedup-key "k$i" \
                >/dev/null 2>>"\(dir)/raise-errors.log"
              echo "r$i $?" >> "\(dir)/outcomes.log"
            done
            """]
        loop.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ROTA_") }.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        loop.standardOutput = FileHandle.nullDevice
        loop.standardError = FileHandle.nullDevice
        try loop.run()
        defer { if loop.isRunning { loop.terminate() }; loop.waitUntilExit() }
        func outcomes() -> [(summary: String, status: Int)] { commandOutcomes("\(dir)/outcomes.log") }
        #expect(try await eventually(60) { outcomes().count >= 5 }, "raises are running")
        let migrated = try rota.run(["migrate", "--from", "sqlite:" + rota.database, "--to", target, "--json"],
                                    environment: PostgresTestServer.environment)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let afterMove = outcomes().count
        #expect(try await eventually(60) { outcomes().count >= afterMove + 5 }, "raises went on after the move")
        _ = FileManager.default.createFile(atPath: "\(dir)/stop", contents: nil)
        loop.waitUntilExit()

        let all = outcomes()
        let succeeded = Set(all.filter { $0.status == 0 }.map(\.summary))
        let refused = all.filter { $0.status != 0 }
        #expect(!refused.isEmpty, "raises after the move are refused")
        let errors = (try? String(contentsOfFile: "\(dir)/raise-errors.log", encoding: .utf8)) ?? ""
        #expect(errors.contains("moved to postgres://"), "the refusal names the new database: \(errors.suffix(400))")
        let listed = try rota.run(["alert", "list", "--all", "--json"], environment: PostgresTestServer.environment.merging(["ROTA_DB": target]) { $1 })
        let copied = Set((listed.json["alerts"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String })
        #expect(!succeeded.isEmpty)
        #expect(copied == succeeded, "every raise that succeeded is in PostgreSQL, and only those: missing \(succeeded.subtracting(copied).sorted()), extra \(copied.subtracting(succeeded).sorted())")
        // The source refuses writes from now on, and says where to go; reads still work.
        let late = try rota.run(["alert", "raise", "--service", "web", "--summary", "late"])
        #expect(late.status != 0)
        #expect(late.stderr.contains("moved to postgres://"), "\(late.stderr)")
        #expect(try rota.run(["alert", "list", "--all"]).status == 0, "reading the old database still works")
        let again = try rota.run(["migrate", "--from", "sqlite:" + rota.database, "--to", try PostgresTestServer.freshDatabase()],
                                 environment: PostgresTestServer.environment)
        #expect(again.status != 0 && again.stderr.contains("already moved"), "\(again.stderr)")
    }
}
