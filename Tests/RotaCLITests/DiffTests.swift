import Foundation
import Testing

/// `rota diff` (DESIGN §14) on a git repository made here: what an edit does to people, against
/// HEAD, computed again from `rota shifts` at both versions; nothing written.
@Suite("rota diff: an edit's effect on people, before it is merged")
struct DiffTests {
    static let files = """
        settings: {timezone: Europe/Paris}
        people: [{id: ann}, {id: bob}, {id: lead}, {id: boss}]
        schedules:
          - id: desk
            layers:
              - {name: week, members: [ann, bob], start: "2026-03-02T00:00", shift: 1w}
        escalations:
          - id: e
            levels:
              - {notify: [schedule:desk], escalate_after: 15m}
              - {notify: [person:lead]}
        services: [{id: web, escalation: e}]
        """
    static let now = ["--now", "2026-03-02T00:00:00+01:00"]

    /// A repository holding rotas/ with `files` committed.
    static func repository() throws -> RotaRunner {
        let rota = try RotaRunner(files: ["r.yaml": files])
        for arguments in [["init", "-q"], ["add", "-A"], ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "rotas"]] {
            let git = try rota.run([], executable: "/usr/bin/env", arguments: ["git", "-C", rota.directory.path] + arguments)
            #expect(git.status == 0, "\(git.stderr)")
        }
        return rota
    }

    /// Seconds on call per person in `desk` over the diff's window, from `rota shifts --json` on `rotas`.
    static func hours(_ rota: RotaRunner, rotas: String) throws -> [String: Int] {
        let shifts = try rota.run(["shifts", "--rotas", rotas, "--schedule", "desk", "--from", "2026-03-02T00:00", "--days", "28", "--json"] + now)
            .json["shifts"] as? [[String: Any]] ?? []
        let iso = ISO8601DateFormatter()
        var total: [String: Int] = [:]
        for shift in shifts {
            let start = try #require(iso.date(from: shift["start"] as? String ?? "")), end = try #require(iso.date(from: shift["end"] as? String ?? ""))
            total[shift["person"] as? String ?? "", default: 0] += Int(end.timeIntervalSince(start))
        }
        return total
    }

    @Test("two members swapped: exit 0, each person's hours gained and lost equal rota shifts at HEAD and now; nothing recorded")
    func swapped() throws {
        let rota = try Self.repository()
        // The same files, kept aside as HEAD has them, for rota shifts.
        try FileManager.default.copyItem(atPath: rota.rotas, toPath: rota.directory.path + "/head")
        try rota.write("r.yaml", Self.files.replacingOccurrences(of: "[ann, bob]", with: "[bob, ann]"))
        let diff = try rota.run(["diff", "--json"] + Self.now)
        #expect(diff.status == 0, "\(diff.stdout) \(diff.stderr)")
        #expect(diff.json["base"] as? String == "HEAD" && diff.json["opens_gap"] as? Bool == false)
        let before = try Self.hours(rota, rotas: rota.directory.path + "/head"), after = try Self.hours(rota, rotas: rota.rotas)
        let people = diff.json["people"] as? [[String: Any]] ?? []
        #expect(people.count == 2, "\(people)")
        for change in people {
            let person = change["person"] as? String ?? ""
            let gained = (change["hours_gained"] as? [String: Any])?["hours"] as? Double ?? -1
            let lost = (change["hours_lost"] as? [String: Any])?["hours"] as? Double ?? -1
            #expect(Int(((gained - lost) * 3600).rounded()) == (after[person] ?? 0) - (before[person] ?? 0), "\(person): \(change)")
            // Two weeks each way; 28 elapsed days from Monday 2 March end an hour into Monday 30 March
            // (the Paris clocks went forward on the 29th), and the week holding the change is 167 h.
            #expect(gained + lost == 672, "two weeks each way: \(change)")
        }
        // Nothing written: no revision recorded, the files unchanged in git's eyes but for the edit.
        let log = try rota.run(["log", "--json"] + Self.now)
        #expect(((log.json["events"] as? [[String: Any]]) ?? []).isEmpty, "\(log.stdout)")
        // Positive control of that check: a command that changes state (the runner) records the revision it reads.
        let ticked = try rota.run(["tick"] + Self.now)
        #expect(ticked.status == 0, "\(ticked.stderr)")
        let recorded = try rota.run(["log", "--json"] + Self.now).json["events"] as? [[String: Any]] ?? []
        #expect(recorded.contains { $0["event"] as? String == "revision" }, "the log can show a revision: \(recorded)")
        // Positive control: against itself (a copy of the edited files), nothing changes.
        try FileManager.default.copyItem(atPath: rota.rotas, toPath: rota.directory.path + "/same")
        let same = try rota.run(["diff", "--base", rota.directory.path + "/same", "--json"] + Self.now).json
        #expect((same["people"] as? [Any])?.isEmpty == true && (same["reach"] as? [Any])?.isEmpty == true)
    }

    @Test("a layer shortened so Sundays have nobody: exit 1, the gap named in the text and the Markdown comment")
    func sundayGap() throws {
        let rota = try Self.repository()
        try rota.write("r.yaml", Self.files.replacingOccurrences(of: "shift: 1w}", with: "shift: 1w, restrict: [{days: mon-sat, from: \"00:00\", to: \"24:00\"}]}"))
        let text = try rota.run(["diff"] + Self.now)
        #expect(text.status == 1, "\(text.stdout) \(text.stderr)")
        #expect(text.stdout.contains("GAP OPENED IN") && text.stdout.contains("desk") && text.stdout.contains("Sun 08 Mar 00:00"), "\(text.stdout)")
        let markdown = try rota.run(["diff", "--markdown"] + Self.now)
        #expect(markdown.status == 1 && markdown.stdout.contains("**This change leaves nobody on call 4 time(s):**"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("| desk | Sun 08 Mar 00:00 +01:00 | Mon 09 Mar 00:00 +01:00 |"), "\(markdown.stdout)")
    }

    @Test("the executive level changed: it now reaches boss, where lead was, the whole window; invalid files exit 65")
    func executiveLevel() throws {
        let rota = try Self.repository()
        try rota.write("r.yaml", Self.files.replacingOccurrences(of: "{notify: [person:lead]}", with: "{notify: [person:boss]}"))
        let diff = try rota.run(["diff", "--json"] + Self.now)
        #expect(diff.status == 0)
        let reach = diff.json["reach"] as? [[String: Any]] ?? []
        #expect(reach.count == 1 && reach.first?["level"] as? Int == 2 && reach.first?["before"] as? [String] == ["lead"]
                    && reach.first?["after"] as? [String] == ["boss"], "\(reach)")
        try rota.write("r.yaml", Self.files.replacingOccurrences(of: "person:lead", with: "person:nobody"))
        let invalid = try rota.run(["diff"] + Self.now)
        #expect(invalid.status == 65 && invalid.stderr.contains("nobody"), "\(invalid.stderr)")
        let outside = try RotaRunner(files: ["r.yaml": Self.files]).run(["diff", "--base", "HEAD"] + Self.now)
        #expect(outside.status == 64 && outside.stderr.contains("not in a git repository"), "\(outside.stderr)")
    }
}
