import Foundation
import Testing

/// The revisions stored in the database, read by a command that records (the log), as JSON.
private func revisionEvents(_ rota: RotaRunner) throws -> [[String: Any]] {
    let log = try rota.run(["log", "--json"])
    #expect(log.status == 0, "\(log.stderr)")
    let events = try #require(log.json["events"] as? [[String: Any]], "rota log --json answers JSON: \(log.stdout)")
    return events.filter { $0["event"] as? String == "revision" }
}

private let weekly = """
    settings: {timezone: Europe/Paris}
    people: [{id: ann}, {id: bob}]
    schedules:
      - id: s
        layers: [{name: w, members: [ann, bob], start: 2026-03-02T09:00, shift: 1w}]
    """

@Suite("Previews that change nothing (DESIGN §14, §16)")
struct PreviewTests {
    @Test("read-only commands record no revision, even on a draft directory; the runner does",
          arguments: [["now"], ["shifts", "--days", "3"], ["check", "--days", "3"], ["next", "--person", "ann"], ["status"],
                      ["log"], ["alert", "list"], ["override", "list"], ["validate"], ["report", "response"], ["incident", "list"]])
    func readOnlyRecordsNothing(command: [String]) throws {
        let rota = try RotaRunner(files: ["r.yaml": weekly])
        let draft = rota.directory.appendingPathComponent("draft").path
        try FileManager.default.createDirectory(atPath: draft, withIntermediateDirectories: true)
        try weekly.replacingOccurrences(of: "[ann, bob]", with: "[bob, ann]").write(toFile: draft + "/r.yaml", atomically: true, encoding: .utf8)
        let ran = try rota.run(["--rotas", draft] + command)
        #expect([0, 1].contains(ran.status), "\(command): \(ran.stderr)")
        #expect(try revisionEvents(rota).isEmpty, "\(command) recorded a revision")
        // Positive control: the runner records the files it runs on.
        #expect(try rota.run(["tick"]).status == 0)
        #expect(try revisionEvents(rota).count == 1, "rota tick records the files")
    }

    @Test("a draft checked on the side never becomes live: the runner still goes by the real files")
    func draftNeverLive() throws {
        let rota = try RotaRunner(files: ["r.yaml": weekly])
        #expect(try rota.run(["tick", "--now", "2026-03-03T10:00:00Z"]).status == 0)
        let draft = rota.directory.appendingPathComponent("draft").path
        try FileManager.default.createDirectory(atPath: draft, withIntermediateDirectories: true)
        try weekly.replacingOccurrences(of: "[ann, bob]", with: "[bob, ann]").write(toFile: draft + "/r.yaml", atomically: true, encoding: .utf8)
        let drafted = try rota.run(["--rotas", draft, "now", "--json", "--now", "2026-03-03T11:00:00Z"])
        #expect((drafted.json["schedules"] as? [[String: Any]])?.first?["person"] as? String == "bob", "the draft answers for itself")
        let live = try rota.run(["now", "--json", "--now", "2026-03-03T11:00:00Z"])
        #expect((live.json["schedules"] as? [[String: Any]])?.first?["person"] as? String == "ann", "the real files still rule")
        #expect(try revisionEvents(rota).count == 1)
    }

    @Test("a preview with a future --now answers from the files as they are, not the last stored revision, and stores nothing")
    func futurePreviewReadsTheFiles() throws {
        let edited = weekly.replacingOccurrences(of: "[ann, bob]", with: "[bob, ann]")
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 86400))
        func onCall(_ rota: RotaRunner) throws -> String? {
            let answer = try rota.run(["now", "--json", "--now", future])
            return (answer.json["schedules"] as? [[String: Any]])?.first?["person"] as? String
        }
        // What each version of the files says on their own (fresh databases, nothing stored).
        let byEdited = try onCall(try RotaRunner(files: ["r.yaml": edited]))
        let byOriginal = try onCall(try RotaRunner(files: ["r.yaml": weekly]))
        #expect(byEdited != nil && byOriginal != nil && byEdited != byOriginal, "the edit changes who is on call then")

        let rota = try RotaRunner(files: ["r.yaml": weekly])
        #expect(try rota.run(["tick"]).status == 0, "today's files are recorded")
        try rota.write("r.yaml", edited)
        #expect(try onCall(rota) == byEdited, "the preview answers from the files as they are")
        #expect(try revisionEvents(rota).count == 1, "nothing was recorded by the preview")
    }

    @Test("times with a leading minus are values, not options; a window past 9999-12-31 is refused, never printed as year 0000")
    func edgesOfTypedTimes() throws {
        let rota = try RotaRunner(files: ["r.yaml": weekly])
        let log = try rota.run(["log", "--since", "-10m"])
        #expect(log.status == 0, "\(log.stderr)")
        let past = try rota.run(["now", "--at", "-1h", "--json"])
        #expect(past.status == 0, "\(past.stderr)")
        let beyond = try rota.run(["shifts", "--from", "9999-12-30T00:00:00Z", "--days", "3", "--json"])
        #expect(beyond.status == 64)
        #expect(beyond.stderr.contains("after 9999-12-31"), "\(beyond.stderr)")
        let cover = try rota.run(["override", "add", "--schedule", "s", "--person", "ann", "--from", "9999-12-31T00:00:00Z", "--for", "1w"])
        #expect(cover.status == 64, "\(cover.stderr)")
        let edge = try rota.run(["shifts", "--from", "9999-12-30T00:00:00Z", "--days", "2", "--json"])
        #expect(edge.status == 0, "\(edge.stderr)")
        #expect(edge.json["to"] as? String == "10000-01-01T00:00:00Z", "\(edge.stdout)")
    }
}
