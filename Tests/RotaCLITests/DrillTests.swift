import Foundation
import RotaTestSupport
import Testing

/// Drills (DESIGN §12, §16) as a team lead and cron meet them: `rota drill` and `drills:` in the
/// files, pages marked DRILL, answers recorded without stopping the drill, no repeats, its own
/// end, the report's drill section, and never counted as an incident.
private struct DrillTeam {
    let rota: RotaRunner
    var log: String { rota.directory.appendingPathComponent("pages.log").path }

    init(drills: String = "", database: String? = nil, environment: [String: String] = [:]) throws {
        var rota = try RotaRunner(files: [:], database: database)
        rota.baseEnvironment = environment
        let pager = rota.directory.appendingPathComponent("pager.sh").path
        try """
            #!/bin/sh
            echo "$ROTA_PERSON $ROTA_ROUND.$ROTA_LEVEL alert=$ROTA_ALERT_ID drill=$ROTA_DRILL" >> "\(rota.directory.path)/pages.log"
            cat > "\(rota.directory.path)/last-page.txt"
            """.write(toFile: pager, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pager)
        let contact = "contacts: [{command: [\"\(pager)\"]}]"
        try rota.write("team.yaml", """
            settings: {timezone: Europe/Paris}
            people:
              - {id: ann, \(contact)}
              - {id: lead, \(contact)}
              - {id: ghost, contacts: [{command: [/bin/false]}]}
              - {id: ceo, \(contact)}
            escalations:
              - id: chain
                repeat: 1
                levels:
                  - {notify: [person:ann], escalate_after: 10m}
                  - {notify: [person:lead, person:ghost], escalate_after: 10m}
                  - {notify: [person:ceo], escalate_after: 20m}
            services:
              - {id: web, escalation: chain}
            \(drills)
            """)
        self.rota = rota
    }

    static func at(_ text: String, plus minutes: Double = 0) -> String {
        ISO8601DateFormatter().string(from: ISO8601DateFormatter().date(from: text)!.addingTimeInterval(minutes * 60))
    }

    /// Delivered pages as "person round.level alert=N drill=1".
    func pages() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @discardableResult
    func run(_ arguments: [String], at time: String, expect status: Int32 = 0) throws -> RotaRunner.Result {
        let result = try rota.run(arguments + ["--now", time])
        #expect(result.status == status, "\(arguments) at \(time): \(result.stderr)")
        return result
    }

    /// `rota tick` once a minute over [start, start + minutes): a tick exits 75 while ghost's pager fails.
    func cron(from start: String, minutes: Int) throws {
        for minute in 0..<minutes {
            let result = try rota.run(["tick", "--now", Self.at(start, plus: Double(minute))])
            #expect(result.status == 0 || result.status == 75, "tick at +\(minute) min: \(result.stderr)")
        }
    }

    /// `count` tick processes at once, without the runner lock (the store alone keeps them apart).
    func concurrentTicks(at time: String, count: Int = 6) async throws {
        try await withThrowingTaskGroup(of: RotaRunner.Result.self) { group in
            for _ in 0..<count {
                group.addTask { try rota.run(["tick", "--now", time], environment: ["ROTA_TICK_LOCK": "off"]) }
            }
            for try await result in group {
                #expect(result.status == 0 || result.status == 75, "a tick at \(time) exited \(result.status): \(result.stderr)")
            }
        }
    }

    func drillIncidents(at time: String) throws -> [[String: Any]] {
        let list = try run(["incident", "list", "--all", "--json"], at: time).json["incidents"] as? [[String: Any]] ?? []
        return list.filter { ($0["service"] as? String ?? "").hasPrefix("drill:") }
    }
}

@Suite("Drills: a practice incident on the real chain", .serialized)
struct DrillTests {
    static let t0 = "2026-03-03T09:00:00Z"

    @Test("rota drill pages every level once, marked DRILL; an ack is recorded and timed but does not stop it; it ends by itself; the report shows it apart, with the failed contact")
    func manualDrill() throws {
        let team = try DrillTeam()
        func at(_ minutes: Double) -> String { DrillTeam.at(Self.t0, plus: minutes) }
        let opened = try team.run(["drill", "--escalation", "chain", "--json"], at: at(0))
        let id = try #require(opened.json["incident"] as? Int, "\(opened.stdout)")
        #expect(team.pages() == ["ann 1.1 alert=\(id) drill=1"], "level 1 at once, marked: \(team.pages())")
        let text = try String(contentsOfFile: team.rota.directory.path + "/last-page.txt", encoding: .utf8)
        #expect(text.hasPrefix("[DRILL] ") && text.contains("This is a DRILL, not a real incident"), "\(text)")
        // A real alert beside it, never answered: the positive control for "no repeats" and for the counts.
        let real = try team.run(["alert", "raise", "--service", "web", "--summary", "site down", "--json"], at: at(0))
        let realID = try #require(real.json["incident"] as? Int)
        #expect(team.pages().filter { !$0.contains("drill=1") } == ["ann 1.1 alert=\(realID) drill="], "a real page has no ROTA_DRILL")

        let ack = try team.run(["ack", String(id), "--as", "ann"], at: at(2))
        #expect(ack.stdout.contains("recorded") && ack.stdout.contains("goes on"), "\(ack.stdout)")
        let ackJSON = try team.run(["ack", String(id), "--as", "lead", "--json"], at: at(12))
        #expect(ackJSON.json["status"] as? String == "triggered", "the drill is still running: \(ackJSON.stdout)")
        // rota status does not count the drill: only the real alert is open.
        let status = try team.run(["status", "--json"], at: at(3), expect: 1)
        #expect(status.json["open_alerts"] as? Int == 1, "\(status.stdout)")

        try team.cron(from: at(1), minutes: 150)
        let drillPages = team.pages().filter { $0.hasSuffix("drill=1") }
        #expect(drillPages == ["ann 1.1 alert=\(id) drill=1", "lead 1.2 alert=\(id) drill=1", "ceo 1.3 alert=\(id) drill=1"],
                "every level once, ann's ack did not stop it, no second round: \(drillPages)")
        let realPages = team.pages().filter { $0.contains("alert=\(realID) ") }
        #expect(realPages.contains("ann 2.1 alert=\(realID) drill="), "the same chain repeats for a real alert: \(realPages)")

        let shown = try team.run(["incident", "show", String(id), "--json"], at: at(150)).json
        #expect(shown["drill"] as? Bool == true && shown["status"] as? String == "resolved" && shown["resolved_by"] as? String == "drill", "\(shown)")
        let timeline = shown["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.filter { $0["event"] as? String == "drill_answered" }.compactMap { $0["actor"] as? String } == ["ann", "lead"])
        // It ended an hour after it began (its last level was at +20 min, 15 min after that is earlier).
        #expect(timeline.first { $0["event"] as? String == "drill_ended" }?["at"] as? String == at(60), "\(timeline)")
        #expect(try team.run(["incident", "show", String(realID), "--json"], at: at(150)).json["drill"] as? Bool == false)

        let report = try team.run(["report", "response", "--from", at(-60), "--to", at(180), "--json"], at: at(180)).json
        #expect(report["incidents"] as? Int == 1, "only the real incident counts: \(report["incidents"] ?? "")")
        let drills = try #require(report["drills"] as? [String: Any])
        #expect(drills["incidents"] as? Int == 1 && drills["answered"] as? Int == 1)
        #expect((drills["first_answer"] as? [String: Any])?["p50_s"] as? Int == 120, "ann answered 2 min after level 1: \(drills)")
        let rows = (drills["by_person"] as? [[String: Any]] ?? []).map { "\($0["level"] ?? 0) \($0["person"] ?? "") \($0["paged"] ?? 0) \($0["answered"] ?? 0) \($0["answer_p50_s"] ?? "-")" }
        #expect(rows == ["1 ann 1 1 120", "2 ghost 1 0 <null>", "2 lead 1 1 120", "3 ceo 1 0 <null>"], "\(rows)")
        let failed = drills["failed_contacts"] as? [[String: Any]] ?? []
        #expect(failed.map { "\($0["person"] ?? "") \($0["level"] ?? 0) \($0["contact"] ?? "")" } == ["ghost 2 command"], "\(failed)")
        #expect((failed.first?["error"] as? String)?.contains("/bin/false") == true, "\(failed)")
        let textReport = try team.run(["report", "response", "--from", at(-60), "--to", at(180)], at: at(180)).stdout
        #expect(textReport.contains("Drills (apart):       1, answered 1") && textReport.contains("ghost's command failed"), "\(textReport)")
        let csv = try team.run(["report", "response", "--from", at(-60), "--to", at(180), "--csv"], at: at(180)).stdout
        #expect(csv.contains("drills,person_level,ann@1,1,1,0,120,120,120"), "\(csv)")
    }

    @Test("on the system clock (no --now): a drill opened and answered a moment ago is timed in seconds; its output cut by head -1 ends cleanly")
    func systemClock() throws {
        let team = try DrillTeam()
        let opened = try team.rota.run(["drill", "--escalation", "chain", "--json"])
        let id = try #require(opened.json["incident"] as? Int, "\(opened.stderr)")
        #expect(team.pages() == ["ann 1.1 alert=\(id) drill=1"])
        #expect(try team.rota.run(["ack", String(id), "--as", "ann"]).status == 0)
        let report = try team.rota.run(["report", "response", "--json"])
        let drills = report.json["drills"] as? [String: Any] ?? [:]
        let seconds = (drills["first_answer"] as? [String: Any])?["p50_s"] as? Int
        #expect(drills["answered"] as? Int == 1 && seconds.map { (0..<30).contains($0) } == true, "\(report.stdout) \(report.stderr)")
        // Piped into head -1: the drill is opened and the command ends with its own status, nothing on stderr.
        let piped = try team.rota.shell(#""$ROTA" drill --escalation chain --as lead 2>err.txt | head -1 >/dev/null; echo "${PIPESTATUS[0]}""#)
        #expect(piped.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(piped.stdout)")
        #expect(try String(contentsOfFile: team.rota.directory.path + "/err.txt", encoding: .utf8).isEmpty)
        #expect(team.pages().count == 2, "the second drill paged too: \(team.pages())")
    }

    @Test("an unknown escalation is refused with the known ones named, and nothing is raised")
    func refusals() throws {
        let team = try DrillTeam()
        let unknown = try team.run(["drill", "--escalation", "chian"], at: Self.t0, expect: 69)
        #expect(unknown.stderr.contains("no escalation 'chian'") && unknown.stderr.contains("chain"), "\(unknown.stderr)")
        #expect(try team.drillIncidents(at: Self.t0).isEmpty && team.pages().isEmpty)
        // Positive control: the right name opens one.
        try team.run(["drill", "--escalation", "chain"], at: Self.t0)
        #expect(try team.drillIncidents(at: Self.t0).count == 1)
        // The same instant again (a fixed --now, a double run): the same drill, said so, nobody paged twice.
        let again = try team.run(["drill", "--escalation", "chain"], at: Self.t0)
        #expect(again.stdout.contains("already opened") && team.pages().count == 1, "\(again.stdout) \(team.pages())")
        #expect(try team.drillIncidents(at: Self.t0).count == 1)
    }

    @Test("a scheduled drill fires once per occurrence under concurrent ticks, at 10:00 Paris on both sides of the spring change, and never an hour late")
    func scheduledAcrossDST() async throws {
        let team = try DrillTeam(drills: """
            drills:
              - {id: sunday, escalation: chain, every: 1w, at: "sun 10:00", start: 2026-03-22}
            """)
        // Sunday 22 March, 09:59:30 CET: not yet.
        try await team.concurrentTicks(at: "2026-03-22T08:59:30Z")
        #expect(try team.drillIncidents(at: "2026-03-22T08:59:30Z").isEmpty)
        // 10:00:30 CET: six runners at once open one drill, and level 1 is paged once.
        try await team.concurrentTicks(at: "2026-03-22T09:00:30Z")
        var drills = try team.drillIncidents(at: "2026-03-22T09:01:00Z")
        #expect(drills.count == 1 && drills.first?["created_at"] as? String == "2026-03-22T09:00:30Z", "\(drills)")
        #expect(team.pages() == ["ann 1.1 alert=\(drills.first?["id"] as? Int ?? 0) drill=1"], "\(team.pages())")
        // Later in the hour and after it: the same occurrence does not fire again.
        try await team.concurrentTicks(at: "2026-03-22T09:40:00Z")
        try await team.concurrentTicks(at: "2026-03-22T10:05:00Z")
        #expect(try team.drillIncidents(at: "2026-03-22T10:06:00Z").count == 1)
        // Sunday 29 March, the spring change: 10:00 Paris is 08:00Z now.
        try await team.concurrentTicks(at: "2026-03-29T07:59:30Z")
        #expect(try team.drillIncidents(at: "2026-03-29T07:59:30Z").count == 1)
        try await team.concurrentTicks(at: "2026-03-29T08:00:30Z")
        drills = try team.drillIncidents(at: "2026-03-29T08:01:00Z")
        #expect(drills.compactMap { $0["created_at"] as? String }.sorted() == ["2026-03-22T09:00:30Z", "2026-03-29T08:00:30Z"], "\(drills)")
        // 09:00Z (11:00 Paris), where a reading in UTC would fire: nothing more.
        try await team.concurrentTicks(at: "2026-03-29T09:00:30Z")
        #expect(try team.drillIncidents(at: "2026-03-29T09:01:00Z").count == 2)
        #expect(team.pages().filter { $0.hasPrefix("ann 1.1") }.count == 2, "ann paged once per drill: \(team.pages())")
        // A cron that was down for the whole hour of an occurrence does not page it late.
        try await team.concurrentTicks(at: "2026-04-05T09:30:00Z")
        #expect(try team.drillIncidents(at: "2026-04-05T09:31:00Z").count == 2)
        // The drills never counted: no incident in the report, two drills in its section.
        let report = try team.run(["report", "response", "--from", "2026-03-20T00:00:00Z", "--to", "2026-04-06T00:00:00Z", "--json"],
                                  at: "2026-04-06T00:00:00Z").json
        #expect(report["incidents"] as? Int == 0 && (report["drills"] as? [String: Any])?["incidents"] as? Int == 2, "\(report)")
    }

    @Test("the same scheduled drill on PostgreSQL: once per occurrence under concurrent ticks", .enabled(if: PostgresTestServer.available))
    func scheduledOnPostgres() async throws {
        let team = try DrillTeam(drills: """
            drills:
              - {id: sunday, escalation: chain, every: 1w, at: "sun 10:00", start: 2026-03-22}
            """, database: try PostgresTestServer.freshDatabase(), environment: PostgresTestServer.environment)
        try await team.concurrentTicks(at: "2026-03-29T08:00:30Z")
        let drills = try team.drillIncidents(at: "2026-03-29T08:01:00Z")
        #expect(drills.count == 1 && team.pages().count == 1, "\(drills) \(team.pages())")
        let id = try #require(drills.first?["id"] as? Int)
        try team.run(["ack", String(id), "--as", "ann"], at: "2026-03-29T08:03:00Z")
        try team.cron(from: "2026-03-29T08:05:00Z", minutes: 2)
        try team.cron(from: "2026-03-29T08:10:30Z", minutes: 1)
        #expect(team.pages().contains("lead 1.2 alert=\(id) drill=1"), "the ack did not stop it: \(team.pages())")
        let report = try team.run(["report", "response", "--from", "2026-03-29T00:00:00Z", "--to", "2026-03-30T00:00:00Z", "--json"],
                                  at: "2026-03-30T00:00:00Z").json
        let drill = report["drills"] as? [String: Any] ?? [:]
        #expect(drill["answered"] as? Int == 1 && (drill["first_answer"] as? [String: Any])?["p50_s"] as? Int == 150, "\(drill)")
    }
}
