import Foundation
import Testing

@Suite("Times people type, end to end")
struct TypedTimeEndToEndTests {
    /// Saturday 28 March 2026, 20:00 in Paris: the spring-forward night comes next.
    static let evening = "2026-03-28T19:00:00Z"

    @Test("'cover me for two hours' is one short command; leave from tomorrow 09:00 for a day spans the DST night")
    func coverMe() throws {
        let team = try PagedRota()
        let cover = try team.rota.run(["override", "add", "--schedule", "days", "--person", "me", "--from", "now", "--for", "2h", "--json",
                                       "--now", Self.evening], environment: ["USER": "ann"])
        #expect(cover.status == 0, "\(cover.stderr)")
        let leave = try team.run(["leave", "add", "--person", "bob", "--from", "tomorrow 09:00", "--for", "1d", "--json"], at: Self.evening)
        #expect(leave.status == 0, "\(leave.stderr)")
        let overrides = try team.run(["override", "list", "--json"], at: Self.evening).json["overrides"] as? [[String: Any]] ?? []
        #expect(overrides.map { "\($0["person"] ?? "") \($0["start"] ?? "") \($0["end"] ?? "")" } == ["ann 2026-03-28T19:00:00Z 2026-03-28T21:00:00Z"])
        let away = try team.run(["leave", "list", "--json"], at: Self.evening).json["leave"] as? [[String: Any]] ?? []
        // 09:00 CEST on Sunday to 09:00 CEST on Monday.
        #expect(away.map { "\($0["person"] ?? "") \($0["start"] ?? "") \($0["end"] ?? "")" } == ["bob 2026-03-29T07:00:00Z 2026-03-30T07:00:00Z"])
        let later = try team.run(["now", "--at", "+1d", "--json"], at: Self.evening)
        #expect(later.status == 0, "\(later.stderr)")
        #expect((later.json["at"] as? String) == "2026-03-29T18:00:00Z", "a day later on the wall clock: 23 hours")
    }

    @Test("--to or --for, exactly one; a wrong duration or time says what to write", arguments: [
        (["--from", "now", "--to", "+2h", "--for", "2h"], "--to or --for"),
        (["--from", "now"], "--to or --for"),
        (["--from", "now", "--for", "2x"], "not a duration"),
        (["--from", "someday", "--for", "2h"], "tomorrow 09:00"),
    ])
    func refused(_ span: [String], _ message: String) throws {
        let team = try PagedRota()
        let result = try team.run(["override", "add", "--schedule", "days", "--person", "ann"] + span, at: Self.evening)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect((try team.run(["override", "list", "--json"], at: Self.evening).json["overrides"] as? [Any])?.isEmpty == true, "nothing written")
    }
}
