import Foundation
import Testing

/// A rota directory whose people are paged through a recorder script: every delivery appends
/// "page_id person round level" to pages.log, so tests see exactly what was delivered.
struct PagedRota {
    var rota: RotaRunner
    var log: String { rota.directory.appendingPathComponent("pages.log").path }

    init(escalation: String = Self.chain, extraPeople: String = "", schedules: String = Self.schedules, settings: String = "",
         database: String? = nil, environment: [String: String] = [:], sharedPager: String? = nil) throws {
        rota = try RotaRunner(files: [:], database: database)
        rota.baseEnvironment = environment
        // Hosts sharing a database run identical files: then they name one pager, written by the test.
        let pager = sharedPager ?? rota.directory.appendingPathComponent("pager.sh").path
        if sharedPager == nil {
            try """
                #!/bin/sh
                echo "$ROTA_PAGE_ID $ROTA_PERSON $ROTA_ROUND $ROTA_LEVEL" >> "\(log)"
                cat > "\(rota.directory.path)/last-page.txt"
                printf '%s' "$ROTA_SUMMARY" > "\(rota.directory.path)/last-summary.txt"
                """.write(toFile: pager, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pager)
        }
        let contact = "contacts: [{command: [\"\(pager)\"]}]"
        try rota.write("team.yaml", """
            settings: {timezone: Europe/Paris\(settings)}
            people:
              - {id: ann, login: ann, \(contact)}
              - {id: bob, \(contact)}
              - {id: lead, \(contact)}
              - {id: ceo, \(contact)}
            \(extraPeople)
            \(schedules)
            \(escalation)
            services:
              - {id: web, escalation: chain, ack_timeout: 1h, runbook: runbook.md}
            """)
        try "# Website down\n1. Check the load balancer\n".write(toFile: rota.rotas + "/runbook.md", atomically: true, encoding: .utf8)
    }

    static let schedules = """
        schedules:
          - id: days
            layers:
              - {members: [ann, bob], start: 2026-03-02T09:00, shift: 1d, restrict: [{days: mon-fri, from: "09:00", to: "18:00"}]}
        """

    static let chain = """
        escalations:
          - id: chain
            repeat: 1
            levels:
              - {notify: [schedule:days], escalate_after: 10m}
              - {notify: [person:lead], escalate_after: 10m}
              - {notify: [person:ceo], escalate_after: 20m}
        """

    /// Delivered pages (not notices) as "person round.level", in delivery order.
    func delivered() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { !$0.hasPrefix("rota-notice-") }.map { line in
            let parts = line.split(separator: " ")
            return "\(parts[1]) \(parts[2]).\(parts[3])"
        }
    }

    /// Ids of everything delivered: pages and notices.
    func deliveryIDs() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map { String($0.split(separator: " ")[0]) }
    }

    /// Ids of delivered pages (not notices).
    func pageIDs() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { !$0.hasPrefix("rota-notice-") }
            .map { String($0.split(separator: " ")[0]) }
    }

    @discardableResult
    func run(_ arguments: [String], at time: String) throws -> RotaRunner.Result {
        try rota.run(arguments + ["--now", time])
    }

    /// Runs `rota tick` once a minute, like cron, over [from, from + minutes).
    func cron(from start: String, minutes: Int) throws {
        let base = ISO8601DateFormatter().date(from: start)!
        for minute in 0..<minutes {
            let now = ISO8601DateFormatter().string(from: base.addingTimeInterval(Double(minute) * 60))
            let result = try run(["tick"], at: now)
            #expect(result.status == 0, "tick at \(now): \(result.stderr)")
        }
    }
}

@Suite("Escalation scenarios: cron ticking minute by minute", .serialized)
struct EscalationScenarioTests {
    @Test("nobody answers: the chain climbs level by level, round after round, then stops")
    func nobodyAnswers() throws {
        let team = try PagedRota()
        // Tuesday 10:00 Paris: ann's day at the desk.
        let raised = try team.run(["alert", "raise", "--service", "web", "--summary", "site down", "--json"], at: "2026-03-03T09:00:00Z")
        #expect(raised.json["id"] as? Int == 1)
        #expect(team.delivered() == ["bob 1.1"], "level 1 is paged at once, before any tick")
        try team.cron(from: "2026-03-03T09:00:00Z", minutes: 120)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "ceo 1.3", "bob 2.1", "lead 2.2", "ceo 2.3"])
        let show = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T11:00:00Z")
        let pages = show.json["pages"] as? [[String: Any]] ?? []
        #expect(pages.map { $0["due_at"] as? String } == ["2026-03-03T09:00:00Z", "2026-03-03T09:10:00Z", "2026-03-03T09:20:00Z",
                                                          "2026-03-03T09:40:00Z", "2026-03-03T09:50:00Z", "2026-03-03T10:00:00Z"])
        #expect(pages.allSatisfy { $0["status"] as? String == "sent" })
        #expect(show.json["status"] as? String == "triggered")
    }

    @Test("an ack stops the escalation; past ack_timeout it starts over at level 1 in a new round")
    func ackAndTimeout() throws {
        let team = try PagedRota()
        try team.run(["alert", "raise", "--service", "web", "--summary", "site down"], at: "2026-03-03T09:00:00Z")
        try team.cron(from: "2026-03-03T09:01:00Z", minutes: 12)
        let ack = try team.run(["ack", "1", "--json"], at: "2026-03-03T09:13:00Z")
        #expect(ack.json["status"] as? String == "acknowledged")
        try team.cron(from: "2026-03-03T09:13:00Z", minutes: 59)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2"])
        try team.cron(from: "2026-03-03T10:12:00Z", minutes: 3)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "bob 2.1"], "re-triggered at 10:13, one hour after the ack")
        try team.run(["resolve", "1"], at: "2026-03-03T10:16:00Z")
        try team.cron(from: "2026-03-03T10:16:00Z", minutes: 120)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "bob 2.1"])
    }

    @Test("cron down for an hour: every missed page is sent once, in order, marked late")
    func missedTicks() throws {
        let team = try PagedRota()
        try team.run(["alert", "raise", "--service", "web", "--summary", "site down"], at: "2026-03-03T09:00:00Z")
        let tick = try team.run(["tick", "--json"], at: "2026-03-03T10:05:00Z")
        #expect(tick.status == 0)
        // Missed pages go out together (one slow pager holds up no other); the report lists them in due order.
        #expect(team.delivered().sorted() == ["bob 1.1", "bob 2.1", "ceo 1.3", "ceo 2.3", "lead 1.2", "lead 2.2"])
        let pages = tick.json["pages"] as? [[String: Any]] ?? []
        #expect(pages.count == 5)
        let dues = pages.compactMap { $0["due_at"] as? String }
        #expect(dues == dues.sorted())
        #expect(pages.allSatisfy { $0["late"] as? Bool == true })
        try team.cron(from: "2026-03-03T10:06:00Z", minutes: 30)
        #expect(team.delivered().count == 6)
    }

    @Test("nobody on duty at the weekend: the empty level is skipped at once and the lead is paged")
    func emptyWeekend() throws {
        let team = try PagedRota()
        // Sunday 15:00 Paris: the 'days' schedule has nobody.
        try team.run(["alert", "raise", "--service", "web", "--summary", "storm"], at: "2026-03-08T14:00:00Z")
        #expect(team.delivered() == ["lead 1.2"])
        let show = try team.run(["alert", "show", "1", "--json"], at: "2026-03-08T14:00:00Z")
        let log = show.json["log"] as? [[String: Any]] ?? []
        #expect(log.contains { $0["event"] as? String == "level.skipped" && ($0["detail"] as? String)?.contains("schedule days") == true })
        try team.cron(from: "2026-03-08T14:01:00Z", minutes: 10)
        #expect(team.delivered() == ["lead 1.2", "ceo 1.3"])
    }

    @Test("the same dedup key on an open alert absorbs the new one: no new alert, no new page")
    func dedup() throws {
        let team = try PagedRota()
        let first = try team.run(["alert", "raise", "--service", "web", "--summary", "503", "--dedup-key", "lb", "--json"], at: "2026-03-03T09:00:00Z")
        let second = try team.run(["alert", "raise", "--service", "web", "--summary", "503 again", "--dedup-key", "lb", "--json"], at: "2026-03-03T09:01:00Z")
        #expect(second.json["id"] as? Int == first.json["id"] as? Int)
        #expect(second.json["deduplicated"] as? Bool == true)
        #expect(team.delivered() == ["bob 1.1"])
        let show = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:02:00Z")
        #expect(show.json["count"] as? Int == 2)
        try team.run(["resolve", "1"], at: "2026-03-03T09:03:00Z")
        let third = try team.run(["alert", "raise", "--service", "web", "--summary", "503", "--dedup-key", "lb", "--json"], at: "2026-03-03T09:04:00Z")
        #expect(third.json["id"] as? Int == 2)
        #expect(third.json["deduplicated"] as? Bool == false)
    }

    @Test("a level due across the spring change uses real minutes and the schedule at that instant")
    func acrossDST() throws {
        let night = """
            schedules:
              - id: days
                layers:
                  - {members: [ann, bob], start: 2026-03-27T03:00, shift: 1d}
            """
        let team = try PagedRota(schedules: night)
        // 01:55 CET on 29 March; clocks jump at 02:00 to 03:00. Level 1 at 00:55Z (bob until
        // 03:00 CEST = 01:00Z), level 2 ten real minutes later; then round 2 at 01:35Z (ann).
        try team.run(["alert", "raise", "--service", "web", "--summary", "night"], at: "2026-03-29T00:55:00Z")
        try team.cron(from: "2026-03-29T00:56:00Z", minutes: 45)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "ceo 1.3", "ann 2.1"])
        let pages = try team.run(["alert", "show", "1", "--json"], at: "2026-03-29T02:00:00Z").json["pages"] as? [[String: Any]] ?? []
        #expect(pages.map { $0["due_at"] as? String } == ["2026-03-29T00:55:00Z", "2026-03-29T01:05:00Z", "2026-03-29T01:15:00Z", "2026-03-29T01:35:00Z"])
    }

    @Test("a summary full of shell syntax is delivered as text and runs nothing")
    func shellSyntaxIsText() throws {
        let team = try PagedRota()
        let marker = team.rota.directory.appendingPathComponent("pwned").path
        let summary = "disk full $(touch \(marker)) `touch \(marker)`; touch \(marker) | rm -rf /"
        try team.run(["alert", "raise", "--service", "web", "--summary", summary], at: "2026-03-03T09:00:00Z")
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try String(contentsOfFile: team.rota.directory.appendingPathComponent("last-summary.txt").path, encoding: .utf8) == summary)
        let text = try String(contentsOfFile: team.rota.directory.appendingPathComponent("last-page.txt").path, encoding: .utf8)
        #expect(text.contains(summary))
        #expect(text.contains("rota ack 1"))
        #expect(text.contains("1. Check the load balancer"))
    }

    @Test("a failing pager is retried with backoff on later ticks and never blocks the others; exit 75")
    func failingPager() throws {
        let extra = "  - {id: broken, contacts: [{command: [\"/bin/false\"]}]}"
        let chain = """
            escalations:
              - id: chain
                levels:
                  - {notify: [person:broken, person:lead], escalate_after: 10m}
                  - {notify: [person:ceo]}
            """
        let team = try PagedRota(escalation: chain, extraPeople: extra)
        try team.run(["alert", "raise", "--service", "web", "--summary", "x"], at: "2026-03-03T09:00:00Z")
        #expect(team.delivered() == ["lead 1.1"])
        let tick = try team.run(["tick"], at: "2026-03-03T09:01:00Z")
        #expect(tick.status == 75)
        #expect(tick.stderr.contains("/bin/false exited with status 1"))
        let quiet = try team.run(["tick"], at: "2026-03-03T09:01:10Z")
        #expect(quiet.status == 0, "backoff: not retried again 10 seconds later")
        try team.run(["tick"], at: "2026-03-03T09:10:00Z")
        #expect(team.delivered() == ["lead 1.1", "ceo 1.2"])
        let pages = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:10:00Z").json["pages"] as? [[String: Any]] ?? []
        let broken = pages.first { $0["person"] as? String == "broken" }
        #expect(broken?["status"] as? String == "failed")
        #expect((broken?["attempts"] as? Int ?? 0) >= 3)
    }

    @Test("a pager that hangs is killed at the time limit, with the processes it started")
    func hangingPager() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("hang-\(UUID().uuidString).sh").path
        let child = script + ".child"
        try "#!/bin/sh\n(sleep 120; touch \(child)) &\nsleep 120\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let extra = "  - {id: slow, contacts: [{command: [\"\(script)\"]}]}"
        let chain = """
            escalations:
              - id: chain
                levels:
                  - {notify: [person:slow, person:lead]}
            """
        let team = try PagedRota(escalation: chain, extraPeople: extra, settings: ", command_timeout: 2s")
        let started = Date()
        let raised = try team.run(["alert", "raise", "--service", "web", "--summary", "x"], at: "2026-03-03T09:00:00Z")
        #expect(Date().timeIntervalSince(started) < 100, "killed at the limit, not left to run its 120 s")
        #expect(raised.stderr.contains("did not finish within"))
        #expect(team.delivered() == ["lead 1.1"])
        let survivors = try Process.run(URL(fileURLWithPath: "/usr/bin/pgrep"), arguments: ["-f", script])
        survivors.waitUntilExit()
        #expect(survivors.terminationStatus == 1, "no process of the hung pager is left")
    }

    @Test("a chatty pager: output beyond the cap is dropped, not an error")
    func chattyPager() throws {
        let extra = "  - {id: loud, contacts: [{command: [\"/bin/sh\", \"-c\", \"head -c 300000 /dev/zero; echo done >&2\"]}]}"
        let chain = """
            escalations:
              - id: chain
                levels:
                  - {notify: [person:loud]}
            """
        let team = try PagedRota(escalation: chain, extraPeople: extra)
        let raised = try team.run(["alert", "raise", "--service", "web", "--summary", "x", "--json"], at: "2026-03-03T09:00:00Z")
        #expect(raised.status == 0)
        let pages = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:00:00Z").json["pages"] as? [[String: Any]] ?? []
        #expect(pages.first?["status"] as? String == "sent")
    }

    @Test("rota status: fresh after a tick, stale (exit 1) three minutes later")
    func status() throws {
        let team = try PagedRota()
        let never = try team.run(["status", "--json"], at: "2026-03-03T09:00:00Z")
        #expect(never.status == 1)
        #expect(never.json["last_tick"] is NSNull)
        try team.run(["alert", "raise", "--service", "web", "--summary", "x"], at: "2026-03-03T09:00:00Z")
        try team.run(["tick"], at: "2026-03-03T09:01:00Z")
        let fresh = try team.run(["status", "--json"], at: "2026-03-03T09:02:00Z")
        #expect(fresh.status == 0)
        #expect(fresh.json["last_tick"] as? String == "2026-03-03T09:01:00Z")
        #expect(fresh.json["open_alerts"] as? Int == 1)
        #expect(try team.run(["status"], at: "2026-03-03T09:04:01Z").status == 1)
    }

    @Test("simulate shows who would be paged when, skipped levels included")
    func simulate() throws {
        let team = try PagedRota()
        let result = try team.run(["simulate", "--service", "web", "--json", "--at", "2026-03-08T15:00"], at: "2026-03-03T09:00:00Z")
        let timeline = result.json["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.map { "\($0["round"] as? Int ?? 0).\($0["level"] as? Int ?? 0) \(($0["people"] as? [String] ?? []).joined())" }
                == ["1.1 ", "1.2 lead", "1.3 ceo", "2.1 ", "2.2 lead", "2.3 ceo"])
        #expect(timeline.first?["at"] as? String == "2026-03-08T14:00:00Z")
        #expect(team.delivered().isEmpty)
    }

    struct BadAlert: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test("unknown alerts and services, bad flags: clear message, right status", arguments: [
        BadAlert(arguments: ["ack", "99"], status: 69),
        BadAlert(arguments: ["resolve", "99"], status: 69),
        BadAlert(arguments: ["alert", "show", "99"], status: 69),
        BadAlert(arguments: ["alert", "raise", "--service", "nope", "--summary", "x"], status: 69),
        BadAlert(arguments: ["alert", "raise", "--service", "web", "--summary", " "], status: 64),
        BadAlert(arguments: ["alert", "raise", "--service", "web", "--summary", "x", "--severity", "apocalyptic"], status: 64),
        BadAlert(arguments: ["simulate", "--service", "nope"], status: 69),
        BadAlert(arguments: ["ack", "one"], status: 64),
    ])
    func badAlert(_ c: BadAlert) throws {
        let team = try PagedRota()
        let result = try team.run(c.arguments, at: "2026-03-03T09:00:00Z")
        #expect(result.status == c.status, "\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }
}
