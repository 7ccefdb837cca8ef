import Foundation
import RotaTestSupport
import Testing

/// Hosts sharing one PostgreSQL database: each with its own copy of the same rota files, its
/// own state directory (address book, compiled rota) and host name. Their one pager (a script
/// the test writes) logs each page with the host that ran it (the `host` file beside each copy).
private struct Hosts {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-hosts-\(UUID().uuidString)")
    var pager: String { directory.appendingPathComponent("pager.sh").path }
    var log: String { directory.appendingPathComponent("pages.log").path }
    var teams: [PagedRota] = []

    init(_ names: [String], database: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try setPager("")
        for name in names {
            var team = try PagedRota(database: database, environment: PostgresTestServer.environment, sharedPager: pager)
            team.rota.baseEnvironment.merge(["XDG_STATE_HOME": team.rota.directory.appendingPathComponent("state").path, "ROTA_HOST": name,
                                             "TEST_HOST_NAME": name]) { $1 }
            teams.append(team)
        }
    }

    /// The pager: `before` runs first (e.g. a slow delivery), then the page is logged with the
    /// host that ran it (rota passes its environment on, but for its own ROTA_* and PGPASSWORD).
    func setPager(_ before: String) throws {
        try """
            #!/bin/sh
            \(before)
            echo "$ROTA_PAGE_ID $ROTA_PERSON $ROTA_ROUND $ROTA_LEVEL $TEST_HOST_NAME" >> "\(log)"
            cat > /dev/null
            """.write(toFile: pager, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pager)
    }

    /// Pages (not notices) delivered, with the host that delivered each.
    var delivered: [(id: String, host: String)] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { !$0.hasPrefix("rota-notice-") }.map { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 4 ? String(parts[4]) : "")
        }
    }
}

private let t0 = ISO8601DateFormatter().date(from: "2026-03-03T06:00:00Z")!
/// Tuesday 10:00 in Paris: level 1 (the day schedule) has someone on call.
private let office = ISO8601DateFormatter().date(from: "2026-03-03T09:00:00Z")!
private func at(_ minutes: Int, from start: Date = t0) -> String { ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(minutes) * 60)) }

@Suite("PostgreSQL: several runners on several hosts", .serialized, .enabled(if: PostgresTestServer.available))
struct PostgresTests {
    @Test("the same commands give the same answers, pages and exit codes on PostgreSQL as on SQLite")
    func sameAsSQLite() throws {
        let script: [(minute: Int, arguments: [String])] = [
            (0, ["alert", "raise", "--service", "web", "--summary", "site down", "--dedup-key", "web", "--json"]),
            (1, ["alert", "raise", "--service", "web", "--summary", "site down", "--dedup-key", "web", "--json"]),
            (5, ["tick", "--json"]), (10, ["tick", "--json"]), (15, ["tick", "--json"]),
            (16, ["ack", "1", "--json"]), (17, ["ack", "1"]), (18, ["alert", "list", "--json"]),
            (20, ["override", "add", "--schedule", "days", "--person", "lead", "--from", "2026-03-04T09:00Z", "--to", "2026-03-04T12:00Z", "--json"]),
            (21, ["override", "list", "--json"]), (22, ["now", "--at", "2026-03-04T10:00:00Z", "--json"]),
            (23, ["override", "remove", "1"]), (24, ["override", "remove", "1"]),
            (25, ["leave", "add", "--person", "bob", "--from", "2026-03-05T00:00Z", "--to", "2026-03-06T00:00Z", "--json"]),
            (26, ["leave", "list", "--json"]), (27, ["shifts", "--from", "2026-03-05T00:00Z", "--days", "2", "--json"]),
            (28, ["leave", "remove", "1"]),
            (30, ["alert", "raise", "--service", "web", "--summary", "db slow", "--json"]),
            (40, ["tick", "--json"]), (41, ["resolve", "2", "--json"]), (42, ["tick", "--json"]),
            (43, ["ack", "99"]), (44, ["alert", "raise", "--service", "nope", "--summary", "x"]),
            (50, ["alert", "show", "1", "--json"]), (51, ["alert", "show", "2", "--json"]),
            (52, ["status", "--json"]), (53, ["log", "--json"]), (54, ["report", "hours", "--from", "2026-03-03", "--to", "2026-03-04", "--json"]),
        ]
        // Each run has its own pager path (so its own contact digest), and deliveries finishing
        // at once are logged in either order: those two differences aside, the output is the same.
        func normalized(_ text: String, _ arguments: [String]) -> String {
            let masked = text.replacingOccurrences(of: "-command-[0-9a-f]{16}", with: "-command-*", options: .regularExpression)
            guard arguments.first == "log", let object = try? JSONSerialization.jsonObject(with: Data(masked.utf8)) as? [String: Any],
                  let events = object["events"] as? [[String: Any]] else { return masked }
            return events.map { "\($0["at"] ?? "") \($0["actor"] ?? "") \($0["event"] ?? "") \($0["detail"] ?? "")" }.sorted().joined(separator: "\n")
        }
        func play(_ team: PagedRota) throws -> [String] {
            try script.map { step in
                let result = try team.run(step.arguments, at: at(step.minute))
                return "\(step.arguments.joined(separator: " ")) → \(result.status)\n\(normalized(result.stdout, step.arguments))"
            }
        }
        let sqlite = try PagedRota()
        let postgres = try PagedRota(database: try PostgresTestServer.freshDatabase(), environment: PostgresTestServer.environment)
        let expected = try play(sqlite)
        let got = try play(postgres)
        for (want, have) in zip(expected, got) { #expect(have == want) }
        #expect(postgres.delivered() == sqlite.delivered())
        #expect(!postgres.delivered().isEmpty)
    }

    @Test("two hosts ticking at once over a simulated day, alerts raised and answered meanwhile: every page exactly once")
    func twoHosts() async throws {
        let group = try Hosts(["a", "b"], database: try PostgresTestServer.freshDatabase())
        let hosts = group.teams
        let humans: [Int: [String]] = [
            0: ["alert", "raise", "--service", "web", "--summary", "a"], 20: ["alert", "raise", "--service", "web", "--summary", "b"],
            40: ["ack", "1"], 120: ["alert", "raise", "--service", "web", "--summary", "c"], 200: ["resolve", "2"],
            300: ["alert", "raise", "--service", "web", "--summary", "d"], 320: ["ack", "4"], 600: ["alert", "raise", "--service", "web", "--summary", "e"],
        ]
        for minute in stride(from: 0, to: 24 * 60, by: 10) {
            // The humans use whichever host is at hand.
            if let action = humans[minute] {
                let result = try hosts[minute / 20 % 2].run(action, at: at(minute))
                #expect(result.status == 0, "\(action) at \(at(minute)): \(result.stderr)")
            }
            let now = at(minute)
            try await withThrowingTaskGroup(of: (String, Int32).self) { group in
                // Each step, the other host starts first.
                for team in minute / 10 % 2 == 0 ? hosts : hosts.reversed() {
                    for _ in 0..<2 {
                        group.addTask {
                            let process = team.rota.process(["tick", "--now", now], environment: ["ROTA_TICK_LOCK": "off"])
                            try process.run()
                            process.waitUntilExit()
                            return (team.rota.baseEnvironment["ROTA_HOST"] ?? "", process.terminationStatus)
                        }
                    }
                }
                for try await (name, status) in group { #expect(status == 0, "host \(name): a tick at \(now) exited \(status)") }
            }
        }
        let lines = group.delivered
        let ids = lines.map(\.id)
        #expect(Set(lines.map(\.host)) == ["a", "b"], "both hosts delivered pages")
        #expect(ids.count == Set(ids).count, "duplicates: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        var sent: Set<String> = []
        for alert in 1...5 {
            let pages = try hosts[0].run(["alert", "show", "\(alert)", "--json"], at: at(24 * 60)).json["pages"] as? [[String: Any]] ?? []
            #expect(pages.allSatisfy { ["sent", "cancelled"].contains($0["status"] as? String ?? "") })
            for page in pages where page["status"] as? String == "sent" { sent.insert(page["page_id"] as? String ?? "") }
        }
        #expect(Set(ids) == sent)
        #expect(ids.filter { $0.hasPrefix("rota-3-") }.count == 6, "alert 3 climbed both rounds of its chain")
        let status = try hosts[1].run(["status", "--json"], at: at(24 * 60 - 5))
        #expect(["a", "b"].contains(status.json["last_tick_host"] as? String ?? ""))
        #expect(try hosts[0].run(["log", "--json"], at: at(24 * 60)).json["events"].map { ($0 as? [Any])?.isEmpty == false } == true)
    }

    @Test("a runner SIGKILLed mid-delivery loses nothing: the page is delivered after its lease, by another host")
    func killedMidDelivery() async throws {
        let group = try Hosts(["slow", "other"], database: try PostgresTestServer.freshDatabase())
        let (slow, other) = (group.teams[0], group.teams[1])
        // On host "slow" a delivery takes 5 s; the runner is killed while it runs.
        let started = group.directory.appendingPathComponent("started").path
        try group.setPager("""
            if [ "$TEST_HOST_NAME" = slow ]; then echo $$ >> "\(started)"; sleep 5; fi
            """)
        let raise = slow.rota.process(["alert", "raise", "--service", "web", "--summary", "site down", "--now", at(0, from: office)])
        try raise.run()
        for _ in 0..<2400 where !FileManager.default.fileExists(atPath: started) { try await Task.sleep(for: .milliseconds(25)) }
        #expect(FileManager.default.fileExists(atPath: started), "the slow pager started")
        kill(raise.processIdentifier, SIGKILL)
        raise.waitUntilExit()
        #expect(pagersEnded(listedIn: started), "the pager ended with the runner")
        #expect(group.delivered.isEmpty, "the killed runner's pager died with it")
        // Before the lease lapses, the other host leaves the claim alone; after it, takes it over.
        #expect(try other.run(["tick"], at: at(1, from: office)).status == 0)
        #expect(group.delivered.isEmpty)
        #expect(try other.run(["tick"], at: at(5, from: office)).status == 0)
        #expect(group.delivered.map(\.host) == ["other"])
        let show = try other.run(["alert", "show", "1", "--json"], at: at(6, from: office)).json["pages"] as? [[String: Any]] ?? []
        #expect(show.first?["status"] as? String == "sent")
        #expect(show.first?["attempts"] as? Int == 2)
    }

    @Test("a runner whose connection is cut mid-tick fails clearly; the next tick catches up, repeating at most that page")
    func connectionCutMidTick() async throws {
        let database = try PostgresTestServer.freshDatabase()
        let name = String(database.split(separator: "/").last ?? "")
        let group = try Hosts(["a"], database: database)
        let team = group.teams[0]
        let started = group.directory.appendingPathComponent("started").path
        // Level 1 goes at the raise; the tick 10 minutes later delivers level 2, slowly, and loses its connection meanwhile.
        #expect(try team.run(["alert", "raise", "--service", "web", "--summary", "site down"], at: at(0, from: office)).status == 0)
        try group.setPager("""
            touch "\(started)"
            sleep 2
            """)
        let tick = team.rota.process(["tick", "--now", at(10, from: office)])
        let errors = Pipe()
        tick.standardError = errors
        try tick.run()
        for _ in 0..<2400 where !FileManager.default.fileExists(atPath: started) { try await Task.sleep(for: .milliseconds(25)) }
        let cut = try PostgresTestServer.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(name)'",
                                              database: "postgres")
        #expect(cut.status == 0, "\(cut.output)")
        tick.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect([0, 74].contains(tick.terminationStatus), "\(stderr)")
        #expect(!stderr.contains("Fatal error") && !stderr.contains("rota-test"), "no crash, no password: \(stderr)")
        // Cron's next ticks: level 2 is recorded sent, delivered once or (its finish lost) twice.
        try group.setPager("")
        for minute in [11, 15, 19] { #expect(try team.run(["tick"], at: at(minute, from: office)).status == 0) }
        let delivered = group.delivered.filter { $0.id.hasPrefix("rota-1-r1-l2-") }
        #expect((1...2).contains(delivered.count))
        let pages = try team.run(["alert", "show", "1", "--json"], at: at(19, from: office)).json["pages"] as? [[String: Any]] ?? []
        #expect(pages.filter { ($0["level"] as? Int) == 2 }.map { $0["status"] as? String } == ["sent"])
        #expect(group.delivered.filter { $0.id.hasPrefix("rota-1-r1-l1-") }.count == 1, "level 1 went once, at the raise")
    }

    @Test("a stale host warns, never records its older files, and never pages an address it does not have")
    func staleHost() throws {
        let database = try PostgresTestServer.freshDatabase()
        let server = try Peer("webhook_server.py", record: FileManager.default.temporaryDirectory.appendingPathComponent("stale-\(UUID().uuidString).jsonl").path)
        defer { server.stop() }
        func files(_ path: String, _ note: String) -> String {
            onePersonRota("{webhook: \"http://127.0.0.1:\(server.port)\(path)\"}") + "\n# \(note)\n"
        }
        var a = try RotaRunner(files: ["r.yaml": files("/ok/old-token", "v1")], database: database)
        a.baseEnvironment = PostgresTestServer.environment.merging(["XDG_STATE_HOME": a.directory.path + "/state-a", "ROTA_HOST": "a"]) { $1 }
        var b = try RotaRunner(files: ["r.yaml": files("/ok/old-token", "v1")], database: database)
        b.baseEnvironment = PostgresTestServer.environment.merging(["XDG_STATE_HOME": b.directory.path + "/state-b", "ROTA_HOST": "b"]) { $1 }
        #expect(try a.run(["tick", "--now", at(0)]).status == 0)
        #expect(try b.run(["tick", "--now", at(1)]).status == 0)
        // Host a is updated: a new webhook address (a new token); b still has the old files.
        try a.write("r.yaml", files("/ok/new-token", "v2"))
        #expect(try a.run(["tick", "--now", at(2)]).status == 0)
        for minute in 3..<6 {
            let stale = try b.run(["now", "--now", at(minute)])
            #expect(stale.status == 0)
            #expect(stale.stderr.contains("earlier revision"), "\(stale.stderr)")
            #expect(try a.run(["now", "--now", at(minute)]).stderr.isEmpty)
        }
        let revisions = (try a.run(["log", "--json"]).json["events"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "revision" }
        #expect(revisions.count == 2, "no flip-flop between the two hosts' copies")
        // An alert raised on the stale host goes by the newest revision; b lacks its address, so a pages it.
        let raised = try b.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", at(10)])
        #expect(raised.status == 0)
        #expect(server.requests.isEmpty, "b posts nowhere: it does not know the new address")
        try b.run(["tick", "--now", at(12)])
        #expect(server.requests.isEmpty, "nor does its tick")
        #expect(try a.run(["tick", "--now", at(15)]).status == 0)
        #expect(server.requests.map { $0["path"] as? String } == ["/ok/new-token"])
    }

    @Test("PostgreSQL stopped and restarted under load: commands fail with a clear message and 74, nothing half-written; the next tick catches up",
          .enabled(if: PrivatePostgres.possible))
    func restartedUnderLoad() async throws {
        let server = try PrivatePostgres()
        defer { server.remove() }
        let team = try PagedRota(database: server.address)
        var outcomes: [(status: Int32, stderr: String)] = []
        for n in 0..<30 {
            if n == 10 { try server.stop() }
            if n == 20 { try server.start() }
            let result = try team.run(["alert", "raise", "--service", "web", "--summary", "load \(n)", "--dedup-key", "k\(n)"], at: at(n, from: office))
            outcomes.append((result.status, result.stderr))
        }
        let failed = outcomes.filter { $0.status != 0 }
        #expect(failed.count == 10, "the raises while the server was down failed: \(outcomes.map(\.status))")
        for outcome in failed {
            #expect(outcome.status == 74)
            #expect(outcome.stderr.hasPrefix("rota: cannot open the database postgres://rota@127.0.0.1:\(server.port)/rota: "), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("PSQLError"))
        }
        let tick = try team.run(["tick"], at: at(31, from: office))
        #expect(tick.status == 0, "\(tick.stderr)")
        let alerts = try team.run(["alert", "list", "--json"], at: at(32, from: office)).json["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.count == 20, "every raise that succeeded is stored, none that failed")
        #expect(Set(alerts.compactMap { $0["summary"] as? String }) == Set((0..<10).map { "load \($0)" } + (20..<30).map { "load \($0)" }))
        let status = try team.run(["status", "--json"], at: at(32, from: office))
        #expect(status.json["pages_pending"] as? Int == 0)
        #expect(Set(team.delivered().filter { $0.hasSuffix(" 1.1") }).count >= 1)
        #expect(team.pageIDs().filter { $0.contains("-r1-l1-") }.count == 20, "each stored alert paged its level 1 once")
    }
}
