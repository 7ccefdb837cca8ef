import Foundation
import RotaTestSupport
import Testing

@Suite("PostgreSQL restarted under load", .enabled(if: PrivatePostgres.possible))
struct PostgresRestartTests {
    @Test("PostgreSQL stopped with -m immediate and restarted under three raising loops and rota serve: every raise ends (0 or 74), none succeeds unstored, serve answers again and SIGTERM ends it")
    func restartUnderLoad() async throws {
        let database = try PrivatePostgres()
        defer { database.remove() }
        var rota = try RotaRunner(files: ["r.yaml": onePersonRota("{command: [\"/bin/true\"]}") + """

            integrations: [{id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}]
            """.replacingOccurrences(of: "settings: {timezone: UTC}", with: "settings: {timezone: UTC, server: {tick_every: 1s}}")],
                                  database: database.address)
        rota.baseEnvironment = ["XDG_STATE_HOME": rota.directory.path + "/state"]
        #expect(try rota.run(["tick"]).status == 0)
        let server = try ServeProcess(rota)
        defer { server.stop(.kill) }
        let dir = rota.directory.path
        // Three loops of raises until told to stop (at most 15 minutes), each raise bounded by
        // `timeout 120` (exit 124 would be a hang).
        var loops: [Process] = []
        for loop in 1...3 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", """
                for i in $(seq 1 100000); do
                  [ -e "\(dir)/stop" ] && break
                  [ $SECONDS -gt 900 ] && break
                  timeout 120 "\(RotaRunner.binary)" --rotas "\(rota.rotas)" --db "\(database.address)" alert raise --service web \
                    --summary "L\(loop)-$i" >/dev/null 2>>"\(dir)/errors.log"
                  echo "L\(loop)-$i $?" >> "\(dir)/outcomes.log"
                done
                """]
            process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ROTA_") }
                .merging(["SWIFT_BACKTRACE": "enable=no", "XDG_STATE_HOME": dir + "/state"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            loops.append(process)
        }
        defer { for loop in loops where loop.isRunning { loop.terminate(); loop.waitUntilExit() } }
        func outcomes() -> [(summary: String, status: Int)] { commandOutcomes("\(dir)/outcomes.log") }
        #expect(try await eventually(60) { outcomes().count >= 9 }, "the loops raise")
        // Three crashes and restarts, each while raises are in flight.
        for round in 1...3 {
            let before = outcomes().count
            try database.stop(immediate: true)
            #expect(try await eventually(90) { outcomes().dropFirst(before).contains { $0.status == 74 } },
                    "round \(round): raises fail while the server is down: \(outcomes().suffix(5))")
            try database.start()
            let failedAt = outcomes().count
            #expect(try await eventually(120) { outcomes().dropFirst(failedAt).filter { $0.status == 0 }.count >= 3 },
                    "round \(round): raises succeed again after the restart")
        }
        _ = FileManager.default.createFile(atPath: "\(dir)/stop", contents: nil)
        for loop in loops { loop.waitUntilExit() }

        let all = outcomes()
        let odd = all.filter { ![0, 74].contains($0.status) }
        #expect(odd.isEmpty, "every raise ended with 0 or 74, none hung (124) or crashed: \(odd)")
        let listed = try rota.run(["alert", "list", "--all", "--json"])
        let stored = Set((listed.json["alerts"] as? [[String: Any]] ?? []).compactMap { $0["summary"] as? String })
        let succeeded = Set(all.filter { $0.status == 0 }.map(\.summary))
        #expect(!succeeded.isEmpty && succeeded.isSubset(of: stored), "a raise answered 0 is stored: missing \(succeeded.subtracting(stored).sorted())")

        // rota serve answers again, and SIGTERM ends it.
        var health = try await server.request("GET", "/healthz", timeout: 60)
        for _ in 0..<120 where health.status != 200 {
            try await Task.sleep(for: .seconds(1))
            health = try await server.request("GET", "/healthz", timeout: 60)
        }
        #expect(health.status == 200, "\(health.body)")
        let raised = try await server.request("POST", "/v1/alerts", body: #"{"summary":"after"}"#, token: "tok-scripts")
        #expect(raised.status == 202, "\(raised.body)")
        let started = Date()
        #expect(server.stop(.term) == 0)
        #expect(Date().timeIntervalSince(started) < 60, "SIGTERM ended rota serve")
    }
}
