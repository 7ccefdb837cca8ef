import Foundation
import RotaTestSupport
import Testing

/// DESIGN §14, §16: after a merged edit of the rota files, the runner's new revision tells the
/// people whose shifts in the next 7 days moved, once each, however many runners tick at once.
@Suite("Notices after an edit of the rota files", .serialized)
struct RevisionNoticeTests {
    static let t0 = "2026-03-02T08:00:00Z"  // Monday 09:00 Paris

    static func files(members: String, changes: Bool = true, extra: String = "") -> String {
        """
        settings: {timezone: Europe/Paris, shift_notices: {changes: \(changes)}}
        people:
          - {id: ann, contacts: [{command: [PAGER]}]}
          - {id: bob, contacts: [{command: [PAGER]}]}
          - {id: cleo, contacts: [{command: [PAGER]}]}
          - {id: lead, contacts: [{command: [PAGER]}]}
        \(extra)
        schedules:
          - id: ops
            layers:
              - {name: days, members: [\(members)], start: 2026-03-02T09:00, shift: 1d}
        escalations:
          - {id: chain, levels: [{notify: [schedule:ops], escalate_after: 10m}, {notify: [person:lead]}]}
        services:
          - {id: web, escalation: chain}
        """
    }

    struct Team {
        let rota: RotaRunner
        var log: String { rota.directory.appendingPathComponent("notices.log").path }

        init() throws {
            rota = try RotaRunner(files: [:])
            let pager = rota.directory.appendingPathComponent("pager.sh").path
            try """
                #!/bin/sh
                echo "$ROTA_PAGE_ID $ROTA_PERSON $ROTA_NOTICE" >> "\(log)"
                cat > "\(rota.directory.path)/last-$ROTA_PERSON.txt"
                """.write(toFile: pager, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pager)
        }

        func write(_ text: String) throws {
            try rota.write("team.yaml", text.replacingOccurrences(of: "PAGER", with: "\"\(rota.directory.path)/pager.sh\""))
        }

        func lines() -> [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func ticks(at time: String, count: Int = 6) async throws {
            try await withThrowingTaskGroup(of: RotaRunner.Result.self) { group in
                for _ in 0..<count {
                    group.addTask { try rota.run(["tick", "--now", time], environment: ["ROTA_TICK_LOCK": "off"]) }
                }
                for try await result in group { #expect(result.status == 0, "a tick at \(time): \(result.stderr)") }
            }
        }
    }

    static func at(_ minutes: Double) -> String {
        ISO8601DateFormatter().string(from: ISO8601DateFormatter().date(from: t0)!.addingTimeInterval(minutes * 60))
    }

    @Test("an edit that swaps two members tells each of them once under six concurrent ticks; the first revision, people not moved and an edit that moves nobody tell nobody")
    func swapTellsEachOnce() async throws {
        let team = try Team()
        try team.write(Self.files(members: "ann, bob"))
        try await team.ticks(at: Self.at(0))
        #expect(team.lines().isEmpty, "the first revision tells nobody: \(team.lines())")
        // The team lead swaps the order: every day of the next week changes hands.
        try team.write(Self.files(members: "bob, ann"))
        try await team.ticks(at: Self.at(1))
        let told = team.lines()
        #expect(told.sorted() == ["rota-notice-changes|revision-2|ann ann changes", "rota-notice-changes|revision-2|bob bob changes"],
                "ann and bob once each; cleo and lead, whose shifts did not move, nothing: \(told)")
        let text = try String(contentsOfFile: team.rota.directory.path + "/last-ann.txt", encoding: .utf8)
        #expect(text.contains("revision 2") && text.contains("- ops: 2026-03-03T09:00 to 2026-03-04T09:00"), "ann's new shifts are listed: \(text)")
        // The notices agree with the shifts the files now give.
        let shifts = try team.rota.run(["shifts", "--person", "ann", "--from", Self.at(1), "--days", "7", "--json", "--now", Self.at(1)])
        let starts = (shifts.json["shifts"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
        #expect(starts.first == "2026-03-03T08:00:00Z", "ann now starts Tuesday: \(starts)")
        // An edit that moves nobody's shift (a new person in no schedule) records a revision and tells nobody.
        try team.write(Self.files(members: "bob, ann", extra: "  - {id: dan, contacts: [{command: [PAGER]}]}"))
        try await team.ticks(at: Self.at(2))
        #expect(team.lines().count == 2, "\(team.lines())")
        let log = try team.rota.run(["log", "--json", "--now", Self.at(3)]).json["events"] as? [[String: Any]] ?? []
        #expect(log.filter { $0["event"] as? String == "revision" }.count == 3, "three revisions were recorded")
    }

    @Test("with shift_notices.changes false an edit tells nobody; turned on, the next edit does")
    func switchedOff() async throws {
        let team = try Team()
        try team.write(Self.files(members: "ann, bob", changes: false))
        try await team.ticks(at: Self.at(0), count: 1)
        try team.write(Self.files(members: "bob, ann", changes: false))
        try await team.ticks(at: Self.at(1), count: 2)
        #expect(team.lines().isEmpty, "\(team.lines())")
        // Positive control: the same kind of edit with the setting on.
        try team.write(Self.files(members: "ann, bob, cleo", changes: true))
        try await team.ticks(at: Self.at(2), count: 2)
        #expect(Set(team.lines().map { String($0.split(separator: " ")[1]) }) == ["ann", "bob", "cleo"], "\(team.lines())")
    }
}
