import Foundation
import Testing

@Suite("Overrides, leave, swaps, revisions and the audit log, run as a user would")
struct StateCommandTests {
    @Test("override add beats the rota, list shows it with its id, remove undoes it")
    func overrideLifecycle() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let added = try rota.run(["override", "add", "--schedule", "always", "--person", "ann", "--from", "2026-03-03T12:00",
                                  "--to", "2026-03-03T14:00", "--reason", "dentist swap", "--json", "--now", "2026-03-01T00:00"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.json["id"] as? Int
        #expect(id == 1)
        let now = try rota.run(["now", "--json", "--at", "2026-03-03T13:00", "--schedule", "always", "--now", "2026-03-01T00:00"])
        #expect((now.json["schedules"] as? [[String: Any]])?.first?["person"] as? String == "ann")
        #expect((now.json["schedules"] as? [[String: Any]])?.first?["until"] as? String == "2026-03-03T13:00:00Z")
        let list = try rota.run(["override", "list", "--json", "--now", "2026-03-01T00:00"])
        let items = list.json["overrides"] as? [[String: Any]] ?? []
        #expect(items.count == 1)
        #expect(items.first?["reason"] as? String == "dentist swap")
        #expect(items.first?["start"] as? String == "2026-03-03T11:00:00Z")
        let removed = try rota.run(["override", "remove", "1", "--json", "--now", "2026-03-01T00:00"])
        #expect(removed.status == 0)
        let after = try rota.run(["now", "--json", "--at", "2026-03-03T13:00", "--schedule", "always", "--now", "2026-03-01T00:00"])
        #expect((after.json["schedules"] as? [[String: Any]])?.first?["person"] as? String == "bob")
    }

    @Test("leave moves the shift to the next member; removing it brings it back")
    func leaveLifecycle() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let added = try rota.run(["leave", "add", "--person", "bob", "--from", "2026-03-02", "--to", "2026-03-09", "--json", "--now", "2026-03-01T00:00"])
        #expect(added.json["id"] as? Int == 1)
        let shifts = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-03", "--days", "1", "--now", "2026-03-01T00:00"])
        #expect((shifts.json["shifts"] as? [[String: Any]])?.map { $0["person"] as? String } == ["ann"])
        let list = try rota.run(["leave", "list", "--json", "--now", "2026-03-01T00:00"])
        #expect((list.json["leave"] as? [[String: Any]])?.first?["person"] as? String == "bob")
        #expect(try rota.run(["leave", "remove", "1", "--now", "2026-03-01T00:00"]).status == 0)
        let back = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-03", "--days", "1", "--now", "2026-03-01T00:00"])
        #expect((back.json["shifts"] as? [[String: Any]])?.map { $0["person"] as? String } == ["bob"])
    }

    @Test("swap trades A's time for B's and B's for A's, as overrides")
    func swap() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        // 'always': bob has the week of 2 March, ann the week of 9 March.
        let result = try rota.run(["swap", "--schedule", "always", "--between", "ann", "bob", "--from", "2026-03-06T09:00",
                                   "--to", "2026-03-12T09:00", "--json", "--now", "2026-03-01T00:00"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.json["ids"] as? [Int]) == [1, 2])
        let shifts = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-06T09:00", "--to", "2026-03-12T09:00", "--now", "2026-03-01T00:00"])
        let people = (shifts.json["shifts"] as? [[String: Any]])?.map { "\($0["person"] as? String ?? "") \($0["start"] as? String ?? "")" }
        #expect(people == ["ann 2026-03-06T08:00:00Z", "bob 2026-03-09T08:00:00Z"])
        let log = try rota.run(["log", "--json", "--now", "2026-03-01T00:00"])
        #expect((log.json["events"] as? [[String: Any]])?.contains { $0["event"] as? String == "swap" } == true)
    }

    @Test("a swap is one thing: one swap id, listed whole, removed whole; an unknown swap is 69")
    func swapAsOneThing() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["swap", "--schedule", "always", "--between", "ann", "bob", "--from", "2026-03-06T09:00",
                                   "--for", "6d", "--reason", "school holidays", "--json", "--now", "2026-03-01T00:00"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["swap"] as? Int == 1)
        let human = try rota.run(["swap", "--schedule", "always", "--between", "ann", "bob", "--from", "2026-03-20T09:00",
                                  "--to", "2026-03-24T09:00", "--now", "2026-03-01T00:00"])
        #expect(human.stdout.hasPrefix("Swap #3: ann and bob traded"), "\(human.stdout)")
        let list = try rota.run(["swap", "list", "--json", "--now", "2026-03-01T00:00"]).json["swaps"] as? [[String: Any]] ?? []
        #expect(list.map { $0["id"] as? Int } == [1, 3])
        #expect(list.first?["overrides"] as? [Int] == [1, 2])
        #expect(list.first?["people"] as? [String] == ["ann", "bob"])
        #expect(list.first?["reason"] as? String == "school holidays")
        let table = try rota.run(["swap", "list", "--now", "2026-03-01T00:00"])
        #expect(table.stdout.contains("#1    always    ann ↔ bob"), "\(table.stdout)")
        let removed = try rota.run(["swap", "remove", "1", "--json", "--now", "2026-03-01T00:00"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.json["removed"] as? [Int] == [1, 2])
        let overrides = try rota.run(["override", "list", "--json", "--now", "2026-03-01T00:00"]).json["overrides"] as? [[String: Any]] ?? []
        #expect(overrides.map { $0["id"] as? Int } == [3, 4])
        let shifts = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-06T09:00", "--to", "2026-03-12T09:00", "--now", "2026-03-01T00:00"])
        #expect((shifts.json["shifts"] as? [[String: Any]])?.map { $0["person"] as? String } == ["bob", "ann"], "the trade is undone")
        let again = try rota.run(["swap", "remove", "1", "--now", "2026-03-01T00:00"])
        #expect(again.status == 69)
        #expect(again.stderr.contains("no swap #1"), "\(again.stderr)")
        #expect(try rota.run(["log", "--now", "2026-03-01T00:00"]).stdout.contains("removed swap #1 on always between ann and bob"))
    }

    @Test("every change is in the log with actor and time; --as names the actor")
    func auditLog() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        try rota.run(["override", "add", "--schedule", "office", "--person", "bob", "--from", "2026-03-03T09:00", "--to", "2026-03-03T10:00", "--as", "ann", "--now", "2026-03-02T08:00:00Z"])
        try rota.run(["leave", "add", "--person", "ann", "--from", "2026-03-10", "--to", "2026-03-11", "--now", "2026-03-02T09:00:00Z"], environment: ["USER": "ann"])
        try rota.run(["leave", "add", "--person", "bob", "--from", "2026-03-10", "--to", "2026-03-11", "--now", "2026-03-02T10:00:00Z"], environment: ["USER": "ops-robot"])
        let log = try rota.run(["log", "--json", "--since", "2026-03-02T08:30:00Z", "--now", "2026-03-02T11:00:00Z"])
        let events = log.json["events"] as? [[String: Any]] ?? []
        #expect(events.map { $0["event"] as? String } == ["leave.add", "leave.add"])
        #expect(events.map { $0["actor"] as? String } == ["ann", "ops-robot"])
        #expect(events.first?["at"] as? String == "2026-03-02T09:00:00Z")
        let all = try rota.run(["log", "--json", "--now", "2026-03-02T11:00:00Z"]).json["events"] as? [[String: Any]] ?? []
        #expect(all.first?["event"] as? String == "revision")
        #expect(all.contains { $0["event"] as? String == "override.add" && $0["actor"] as? String == "ann" })
    }

    @Test("editing a rota never rewrites the past: shifts across the edit show old then new")
    func revisionsKeepThePast() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        // The first revision is stored at 06:00 on 3 March (by the runner: read-only commands
        // record nothing); it also answers for the hours before.
        try rota.run(["tick", "--now", "2026-03-03T06:00:00Z"])
        // From 4 March on, the 'always' rota is ann alone.
        try rota.write("team.yaml", officeRota.replacingOccurrences(of: "members: [bob, ann]", with: "members: [ann]"))
        try rota.run(["tick", "--now", "2026-03-04T00:00:00Z"])
        let shifts = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-03T00:00:00Z", "--to", "2026-03-05T00:00:00Z", "--now", "2026-03-06T00:00:00Z"])
        let parts = (shifts.json["shifts"] as? [[String: Any]])?.map { "\($0["person"] as? String ?? "") \($0["start"] as? String ?? "") \($0["end"] as? String ?? "")" }
        #expect(parts == ["bob 2026-03-03T00:00:00Z 2026-03-04T00:00:00Z", "ann 2026-03-04T00:00:00Z 2026-03-05T00:00:00Z"])
        let log = try rota.run(["log", "--json", "--now", "2026-03-06T00:00:00Z"]).json["events"] as? [[String: Any]] ?? []
        #expect(log.filter { $0["event"] as? String == "revision" }.count == 2)
    }

    @Test("a window wholly before the first revision is answered by the first revision, not the newest")
    func windowBeforeFirstRevision() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        try rota.run(["tick", "--now", "2026-03-03T06:00:00Z"])
        try rota.write("team.yaml", officeRota.replacingOccurrences(of: "members: [bob, ann]", with: "members: [ann]"))
        try rota.run(["tick", "--now", "2026-03-04T00:00:00Z"])
        let shifts = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-02T12:00:00Z", "--to", "2026-03-03T00:00:00Z",
                                   "--now", "2026-03-06T00:00:00Z"])
        #expect((shifts.json["shifts"] as? [[String: Any]])?.map { $0["person"] as? String } == ["bob"])
    }

    @Test("a half-edited file: commands warn and go on with the last valid revision; validate fails")
    func invalidFilesFallBack() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        #expect(try rota.run(["tick", "--now", "2026-03-03T10:00"]).status == 0)
        try rota.write("team.yaml", officeRota.replacingOccurrences(of: "members: [bob, ann]", with: "members: [bob, ann"))
        let now = try rota.run(["now", "--json", "--now", "2026-03-03T10:00"])
        #expect(now.status == 0)
        #expect(now.stderr.contains("warning:"))
        #expect(now.stderr.contains("team.yaml:"))
        #expect((now.json["schedules"] as? [[String: Any]])?.count == 2)
        let override = try rota.run(["override", "add", "--schedule", "always", "--person", "ann", "--from", "2026-03-03T12:00", "--to", "2026-03-03T13:00", "--now", "2026-03-03T10:00"])
        #expect(override.status == 0)
        #expect(try rota.run(["validate"]).status == 65)
    }

    struct BadChange: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test("bad input is refused with the right status and nothing is written", arguments: [
        BadChange(arguments: ["override", "add", "--schedule", "always", "--person", "ann", "--from", "2026-03-05", "--to", "2026-03-04"], status: 64),
        BadChange(arguments: ["override", "add", "--schedule", "always", "--person", "ann", "--from", "soon", "--to", "2026-03-04"], status: 64),
        BadChange(arguments: ["override", "add", "--schedule", "nope", "--person", "ann", "--from", "2026-03-03", "--to", "2026-03-04"], status: 69),
        BadChange(arguments: ["override", "add", "--schedule", "always", "--person", "zed", "--from", "2026-03-03", "--to", "2026-03-04"], status: 69),
        BadChange(arguments: ["override", "add", "--schedule", "always", "--person", "ann", "--from", "2026-03-03", "--to", "2026-03-04", "--as", "zed"], status: 69),
        BadChange(arguments: ["override", "add", "--schedule", "always", "--person", "ann", "--from", "2026-03-03"], status: 64),
        BadChange(arguments: ["override", "remove", "42"], status: 69),
        BadChange(arguments: ["override", "remove", "forty-two"], status: 64),
        BadChange(arguments: ["leave", "add", "--person", "zed", "--from", "2026-03-03", "--to", "2026-03-04"], status: 69),
        BadChange(arguments: ["leave", "add", "--person", "ann", "--from", "2026-03-04", "--to", "2026-03-04"], status: 64),
        BadChange(arguments: ["leave", "remove", "3"], status: 69),
        BadChange(arguments: ["swap", "--schedule", "always", "--between", "ann", "--from", "2026-03-03", "--to", "2026-03-04"], status: 64),
        BadChange(arguments: ["swap", "--schedule", "always", "--between", "ann", "zed", "--from", "2026-03-03", "--to", "2026-03-04"], status: 69),
        BadChange(arguments: ["log", "--since", "last tuesday"], status: 64),
    ])
    func badChange(_ c: BadChange) throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        try rota.run(["tick", "--now", "2026-03-01T00:00:00Z"])
        let before = try rota.run(["log", "--json", "--now", "2026-03-01T00:00:00Z"]).json["events"] as? [Any] ?? []
        let result = try rota.run(c.arguments + ["--now", "2026-03-01T00:00:00Z"])
        #expect(result.status == c.status, "stderr: \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        let after = try rota.run(["log", "--json", "--now", "2026-03-01T00:00:00Z"]).json["events"] as? [Any] ?? []
        #expect(after.count == before.count)
        let overrides = try rota.run(["override", "list", "--all", "--json", "--now", "2026-03-01T00:00:00Z"]).json["overrides"] as? [Any]
        #expect(overrides?.isEmpty == true)
    }

    @Test("a command waits for another process holding the database's write lock, then succeeds")
    func waitsForLockedDatabase() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        try rota.run(["now", "--now", "2026-03-01T00:00:00Z"])
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(2)
            db.execute("COMMIT")
            """, rota.database]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        _ = try out.fileHandleForReading.read(upToCount: 7)
        let started = Date()
        let result = try rota.run(["override", "add", "--schedule", "always", "--person", "ann", "--from", "2026-03-03T12:00",
                                   "--to", "2026-03-03T13:00", "--json", "--now", "2026-03-01T00:00:00Z"])
        holder.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["id"] as? Int == 1)
        #expect(Date().timeIntervalSince(started) > 1, "it waited for the lock rather than failing")
    }

    @Test("8 processes adding overrides at once lose none")
    func concurrentOverrides() async throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        try rota.run(["now", "--now", "2026-03-01T00:00:00Z"])
        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let hour = String(format: "%02d", 8 + index)
                    return try rota.run(["override", "add", "--schedule", "always", "--person", index.isMultiple(of: 2) ? "ann" : "bob",
                                         "--from", "2026-03-03T\(hour):00", "--to", "2026-03-03T\(hour):30", "--now", "2026-03-01T00:00:00Z"]).status
                }
            }
            var statuses: [Int32] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        #expect(results == Array(repeating: 0, count: 8))
        let list = try rota.run(["override", "list", "--json", "--now", "2026-03-01T00:00:00Z"]).json["overrides"] as? [[String: Any]] ?? []
        #expect(Set(list.compactMap { $0["id"] as? Int }) == Set(1...8))
        let log = try rota.run(["log", "--json", "--now", "2026-03-01T00:00:00Z"]).json["events"] as? [[String: Any]] ?? []
        #expect(log.filter { $0["event"] as? String == "override.add" }.count == 8)
        #expect(log.filter { $0["event"] as? String == "revision" }.count == 1)
    }
}
