import Foundation
import Testing

@Suite("Rules that act on alerts: maintenance, low severity, answer notices, test pages")
struct RulesTests {
    @Test("maintenance: an alert resolved inside the window pages nobody, one left open pages at its end, removal releases at once")
    func maintenanceWindows() throws {
        let team = try PagedRota()
        let add = try team.run(["maintenance", "add", "--service", "web", "--from", "2026-03-03T09:00:00Z", "--to", "2026-03-03T10:00:00Z",
                                "--reason", "upgrade", "--json"], at: "2026-03-03T08:00:00Z")
        #expect(add.status == 0, "\(add.stderr)")
        try team.run(["alert", "raise", "--service", "web", "--summary", "during"], at: "2026-03-03T09:10:00Z")
        try team.run(["alert", "raise", "--service", "web", "--summary", "also during"], at: "2026-03-03T09:20:00Z")
        let list = try team.run(["alert", "list"], at: "2026-03-03T09:21:00Z")
        #expect(list.stdout.contains("in maintenance until Tue 03 Mar 2026 11:00 +01:00"), "\(list.stdout)")
        let status = try team.run(["status", "--json"], at: "2026-03-03T09:21:00Z").json["waiting"] as? [[String: Any]] ?? []
        #expect(status.count == 2)
        try team.cron(from: "2026-03-03T09:21:00Z", minutes: 20)
        try team.run(["resolve", "2"], at: "2026-03-03T09:45:00Z")
        #expect(team.delivered().isEmpty, "nothing pages during the window")
        try team.cron(from: "2026-03-03T09:46:00Z", minutes: 16)
        #expect(team.delivered() == ["bob 1.1"], "alert 1 paged at the window's end; alert 2 was resolved inside it")
        try team.run(["resolve", "1"], at: "2026-03-03T10:02:00Z")

        // A second window, removed early: its alert pages at once.
        let second = try team.run(["maintenance", "add", "--service", "web", "--from", "2026-03-03T11:00:00Z", "--to", "2026-03-03T15:00:00Z",
                                   "--json"], at: "2026-03-03T10:30:00Z")
        let id = second.json["id"] as? Int ?? 0
        try team.run(["alert", "raise", "--service", "web", "--summary", "in the second"], at: "2026-03-03T11:05:00Z")
        let removed = try team.run(["maintenance", "remove", "\(id)", "--json"], at: "2026-03-03T11:30:00Z")
        #expect(removed.json["released"] as? Int == 1)
        try team.run(["tick"], at: "2026-03-03T11:31:00Z")
        #expect(team.delivered().count == 2, "released at once, not at 15:00")
        #expect((try team.run(["maintenance", "list", "--json"], at: "2026-03-03T11:32:00Z").json["maintenance"] as? [Any])?.isEmpty == true)
        #expect(try team.run(["maintenance", "remove", "99"], at: "2026-03-03T11:33:00Z").status == 69)
    }

    @Test("low severity on a daytime service waits for the morning; high pages at once")
    func lowSeverityWaits() throws {
        let team = try PagedRota(escalation: PagedRota.chain, schedules: """
            schedules:
              - id: days
                layers:
                  - {members: [ann, bob], start: 2026-03-02T09:00, shift: 1d}
            """)
        let path = team.rota.rotas + "/team.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "runbook: runbook.md}", with: "runbook: runbook.md, low_severity: daytime}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        // 23:00 in Paris on Tuesday: the low alert waits for 08:00 (07:00Z), the high one pages now.
        try team.run(["alert", "raise", "--service", "web", "--summary", "low", "--severity", "low"], at: "2026-03-03T22:00:00Z")
        try team.run(["alert", "raise", "--service", "web", "--summary", "high"], at: "2026-03-03T22:00:00Z")
        #expect(team.delivered().count == 1)
        let show = try team.run(["alert", "show", "1"], at: "2026-03-03T22:01:00Z")
        #expect(show.stdout.contains("low severity: waits for daytime at Wed 04 Mar 2026 08:00 +01:00"), "\(show.stdout)")
        try team.run(["resolve", "2"], at: "2026-03-03T22:02:00Z")
        try team.run(["tick"], at: "2026-03-04T06:59:00Z")
        #expect(team.delivered().count == 1)
        try team.run(["tick"], at: "2026-03-04T07:00:00Z")
        #expect(team.delivered().count == 2, "paged at the first minute of daytime")
    }

    @Test("acknowledged and resolved notices go once each to everyone already paged, through the outbox")
    func answerNotices() throws {
        let team = try PagedRota()
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        try team.cron(from: "2026-03-03T09:01:00Z", minutes: 11)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2"])
        try team.run(["ack", "1", "--as", "lead"], at: "2026-03-03T09:12:00Z")
        try team.run(["ack", "1", "--as", "bob"], at: "2026-03-03T09:12:30Z")
        try team.cron(from: "2026-03-03T09:13:00Z", minutes: 3)
        let log = try String(contentsOfFile: team.log, encoding: .utf8).split(separator: "\n")
        let notices = log.filter { $0.hasPrefix("rota-notice-answer|1|acknowledged|") }
        #expect(notices.count == 1, "bob is told once; lead answered: \(log)")
        #expect(notices.first?.contains(" bob ") == true)
        try team.run(["resolve", "1", "--as", "ceo"], at: "2026-03-03T09:20:00Z")
        try team.cron(from: "2026-03-03T09:21:00Z", minutes: 3)
        let after = try String(contentsOfFile: team.log, encoding: .utf8).split(separator: "\n")
        #expect(after.filter { $0.hasPrefix("rota-notice-answer|1|resolved|") }.count == 2, "bob and lead are told it is resolved")
    }

    @Test("test-page sends through every contact and says how each went; validate warns about a pager that does not exist")
    func testPagesAndValidate() throws {
        let rota = try RotaRunner(files: ["r.yaml": """
            settings: {timezone: UTC}
            people:
              - {id: ann, contacts: [{command: ["/bin/true"]}, {command: ["/no/such/pager"]}]}
              - {id: bob, contacts: [{command: ["/bin/true"]}]}
            """])
        let ann = try rota.run(["test-page", "--person", "ann", "--json"])
        #expect(ann.status == 75)
        let statuses = (ann.json["contacts"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
        #expect(statuses == ["delivered", "failed"])
        #expect(try rota.run(["test-page", "--person", "bob"]).status == 0)
        let log = try rota.run(["log", "--json"]).json["events"] as? [[String: Any]] ?? []
        #expect(log.contains { $0["event"] as? String == "test.page" })
        let validate = try rota.run(["validate", "--json"])
        #expect(validate.status == 0)
        #expect((validate.json["warnings"] as? [String] ?? []).contains { $0.contains("/no/such/pager") })
    }
}

@Suite("Heartbeats end to end")
struct HeartbeatEndToEndTests {
    @Test("a heartbeat is inactive until its first ping; missed, the tick raises its alert once; the next ping resolves it")
    func missedAndRecovered() throws {
        let team = try PagedRota()
        try team.rota.write("hb.yaml", "heartbeats: [{id: backup, service: web, every: 1h, grace: 10m}]\n")
        try team.run(["tick"], at: "2026-03-03T09:00:00Z")
        #expect((try team.run(["alert", "list", "--json"], at: "2026-03-03T09:00:30Z").json["alerts"] as? [Any])?.isEmpty == true)
        let ping = try team.run(["heartbeat", "ping", "backup", "--json"], at: "2026-03-03T09:00:00Z")
        #expect(ping.json["last_ping"] as? String == "2026-03-03T09:00:00Z")
        try team.run(["tick"], at: "2026-03-03T10:09:00Z")
        #expect(team.delivered().isEmpty, "within every + grace")
        try team.run(["tick"], at: "2026-03-03T10:10:00Z")
        try team.run(["tick"], at: "2026-03-03T10:11:00Z")
        let alerts = try team.run(["alert", "list", "--json"], at: "2026-03-03T10:12:00Z").json["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.count == 1)
        #expect(alerts.first?["summary"] as? String == "Heartbeat backup missed: last ping Tue 03 Mar 10:00 +01:00")
        #expect(alerts.first?["dedup_key"] as? String == "heartbeat:backup")
        #expect(alerts.first?["count"] as? Int == 1, "raised once, not counted up every tick")
        #expect(team.delivered() == ["bob 1.1"])
        let list = try team.run(["heartbeat", "list", "--json"], at: "2026-03-03T10:12:00Z").json["heartbeats"] as? [[String: Any]] ?? []
        #expect(list.first?["state"] as? String == "missed")
        try team.run(["heartbeat", "ping", "backup"], at: "2026-03-03T10:13:00Z")
        let shown = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T10:14:00Z").json
        #expect(shown["status"] as? String == "resolved")
        #expect(shown["resolved_by"] as? String == "heartbeat")
        #expect(try team.run(["heartbeat", "ping", "nope"], at: "2026-03-03T10:15:00Z").status == 69)
    }
}

@Suite("Surges end to end")
struct SurgeEndToEndTests {
    @Test("a storm of 200 raises from 8 processes at once: one surge alert, its count right; absorbed into its incident, or all 200 paged with absorb: false",
          arguments: [true, false])
    func storm(absorb: Bool) async throws {
        let team = try PagedRota(schedules: """
            schedules:
              - id: days
                layers:
                  - {members: [ann, bob], start: 2026-03-02T09:00, shift: 1d}
            """)
        try team.rota.write("surge.yaml", """
            escalations: [{id: crisis-chain, levels: [{notify: [person:ceo]}]}]
            services: [{id: crisis, escalation: crisis-chain}]
            surges: [{id: storm, services: [web], alerts: 20, within: 10m, service: crisis, absorb: \(absorb)}]
            """)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        let process = team.rota.process(["alert", "raise", "--service", "web", "--summary", "s\(worker)-\(index)",
                                                         "--now", "2026-03-03T09:00:00Z"])
                        try process.run()
                        process.waitUntilExit()
                    }
                }
            }
            try await group.waitForAll()
        }
        let alerts = try team.run(["alert", "list", "--json"], at: "2026-03-03T09:01:00Z").json["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.filter { $0["service"] as? String == "web" }.count == 200)
        let surges = alerts.filter { $0["service"] as? String == "crisis" }
        #expect(surges.count == 1, "raised once")
        let count = surges.first?["count"] as? Int ?? 0
        #expect((181...200).contains(count), "every arrival from the 20th on counts into it: \(count)")
        let summary = surges.first?["summary"] as? String ?? ""
        #expect(summary.hasPrefix("Surge storm: "))
        let delivered = team.delivered()
        #expect(delivered.filter { $0 == "ceo 1.1" }.count == 1, "the surge's escalation reached the CEO once")
        let bob = delivered.filter { $0 == "bob 1.1" }.count
        if absorb {
            // The storm is one incident: the surge's. Bob was paged only for what came before it.
            let surge = surges.first?["id"] as? Int ?? -1
            #expect(alerts.filter { $0["service"] as? String == "web" }.allSatisfy { $0["incident"] as? Int == surge }, "every complaint is in the surge's incident")
            #expect((1...40).contains(bob), "only the complaints before the surge paged bob: \(bob)")
            let incidents = try team.run(["incident", "list", "--json"], at: "2026-03-03T09:01:00Z").json["incidents"] as? [[String: Any]] ?? []
            #expect(incidents.count == 1 && incidents.first?["alerts"] as? Int == 201)
        } else {
            #expect(bob == 200, "the surge holds back none of the storm's own pages")
        }
    }

    @Test("the window's edge: the 20th arrival exactly `within` after the first makes a surge; one second later it does not")
    func windowEdge() throws {
        for (last, surged) in [("2026-03-03T09:10:00Z", true), ("2026-03-03T09:10:01Z", false)] {
            let rota = try RotaRunner(files: ["r.yaml": """
                settings: {timezone: UTC}
                people: [{id: ann}]
                escalations: [{id: e, levels: [{notify: [person:ann]}]}]
                services: [{id: web, escalation: e}, {id: crisis, escalation: e}]
                surges: [{id: storm, services: [web], alerts: 20, within: 10m, service: crisis}]
                """])
            try rota.run(["alert", "raise", "--service", "web", "--summary", "first", "--now", "2026-03-03T09:00:00Z"])
            for index in 0..<18 { try rota.run(["alert", "raise", "--service", "web", "--summary", "m\(index)", "--now", "2026-03-03T09:05:00Z"]) }
            try rota.run(["alert", "raise", "--service", "web", "--summary", "20th", "--now", last])
            let alerts = try rota.run(["alert", "list", "--json", "--now", last]).json["alerts"] as? [[String: Any]] ?? []
            #expect(alerts.contains { $0["service"] as? String == "crisis" } == surged, "20th at \(last)")
        }
    }
}

@Suite("Rules seen by check and simulate")
struct RulesInCheckAndSimulateTests {
    @Test("check warns about a surge or heartbeat whose alerts reach nobody; simulate shows a surge's chain and low severity waiting")
    func checkAndSimulate() throws {
        let rota = try RotaRunner(files: ["r.yaml": """
            settings: {timezone: Europe/Paris}
            people: [{id: ann, contacts: [{command: ["/bin/true"]}]}, {id: ghost}]
            escalations:
              - {id: e, levels: [{notify: [person:ann]}]}
              - {id: void, levels: [{notify: [person:ghost]}]}
            services:
              - {id: web, escalation: e, low_severity: daytime}
              - {id: nowhere, escalation: void}
            surges: [{id: storm, services: [web], alerts: 5, within: 10m, service: nowhere}]
            heartbeats: [{id: job, service: web, every: 1h}]
            """])
        let check = try rota.run(["check", "--json", "--days", "1", "--now", "2026-03-03T09:00:00Z"])
        let warnings = (check.json["warnings"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "rule_reaches_nobody" }
        #expect(warnings.map { $0["message"] as? String ?? "" } == ["surge storm raises alerts on nowhere, whose escalation reaches nobody"])
        let surge = try rota.run(["simulate", "--surge", "storm", "--json", "--at", "2026-03-03T09:00:00Z"])
        #expect(surge.json["service"] as? String == "nowhere")
        // 23:00 in Paris: a low alert's chain starts at 08:00.
        let low = try rota.run(["simulate", "--service", "web", "--severity", "low", "--json", "--at", "2026-03-03T22:00:00Z"])
        let first = (low.json["timeline"] as? [[String: Any]])?.first
        #expect(first?["at"] as? String == "2026-03-04T07:00:00Z")
        #expect(try rota.run(["simulate", "--json"]).status == 64)
    }
}

@Suite("Answer notices and crashes")
struct AnswerNoticeCrashTests {
    @Test("ack notices survive a tick killed mid-delivery: each is sent once, by a later tick")
    func noticesAfterCrash() async throws {
        let team = try PagedRota()
        let dir = team.rota.directory.path
        // The pager is slow for notices only, so the kill lands while one is being delivered.
        try """
            #!/bin/sh
            case "$ROTA_PAGE_ID" in rota-notice-*) echo $$ >> \(dir)/notices.pids; echo "start $ROTA_PAGE_ID" >> \(dir)/notices.log; sleep 2; echo "done $ROTA_PAGE_ID" >> \(dir)/notices.log;; esac
            echo "$ROTA_PAGE_ID $ROTA_PERSON $ROTA_ROUND $ROTA_LEVEL" >> "\(team.log)"
            """.write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        try team.cron(from: "2026-03-03T09:01:00Z", minutes: 11)
        try team.run(["ack", "1", "--as", "ceo"], at: "2026-03-03T09:12:00Z")
        let tick = team.rota.process(["tick", "--now", "2026-03-03T09:12:30Z"])
        try tick.run()
        #expect(try await eventually(30) { FileManager.default.fileExists(atPath: "\(dir)/notices.log") }, "a notice's delivery started")
        kill(tick.processIdentifier, SIGKILL)
        tick.waitUntilExit()
        #expect(pagersEnded(listedIn: "\(dir)/notices.pids"), "the notices' pagers ended with the runner")
        // After the lease (2 min here) a tick takes the claims over.
        try team.run(["tick"], at: "2026-03-03T09:16:00Z")
        try team.run(["tick"], at: "2026-03-03T09:17:00Z")
        let log = try String(contentsOfFile: "\(dir)/notices.log", encoding: .utf8).split(separator: "\n")
        let done = log.filter { $0.hasPrefix("done ") }
        #expect(done.count == 2, "bob and lead told once each: \(log)")
        #expect(Set(done).count == done.count)
    }
}
