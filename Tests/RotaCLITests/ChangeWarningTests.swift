import Foundation
import Testing

/// Issue 15: warnings before risky changes, shown by the command that makes them and kept in
/// the audit log. The rota: 'days' is ann (Mon, Wed, Fri) and bob (Tue, Thu), 09:00–18:00 Paris.
@Suite("Warnings before risky changes")
struct ChangeWarningTests {
    let now = "2026-03-01T12:00:00Z"  // Sunday

    @Test("leave says who covers instead; leave that empties a schedule says when it has nobody; both are logged")
    func leave() throws {
        let team = try PagedRota()
        let first = try team.run(["leave", "add", "--person", "bob", "--from", "2026-03-03", "--to", "2026-03-04"], at: now)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("warning: on days, ann covers for bob from Tue 03 Mar 09:00 +01:00 to Tue 03 Mar 18:00 +01:00"), "\(first.stderr)")
        #expect(!first.stderr.contains("nobody on call"))
        let second = try team.run(["leave", "add", "--person", "ann", "--from", "2026-03-03", "--to", "2026-03-04", "--json"], at: now)
        #expect(second.status == 0)
        #expect(second.json["id"] as? Int == 2, "JSON stays the contract's")
        #expect(second.stderr.contains("warning: from Tue 03 Mar 09:00 +01:00 to Tue 03 Mar 18:00 +01:00 days has nobody on call"), "\(second.stderr)")
        let log = try team.run(["log", "--json"], at: now).json["events"] as? [[String: Any]] ?? []
        let details = log.compactMap { $0["detail"] as? String }
        #expect(details.contains { $0.contains("warnings: on days, ann covers for bob") }, "\(details)")
        #expect(details.contains { $0.contains("days has nobody on call") })
    }

    @Test("an override over another says which wins; leave during one's own override says the override ignores it; a change in the past says so")
    func overrides() throws {
        let team = try PagedRota()
        let first = try team.run(["override", "add", "--schedule", "days", "--person", "lead", "--from", "2026-03-04T10:00", "--to", "2026-03-04T12:00"], at: now)
        #expect(first.status == 0 && first.stderr.isEmpty, "\(first.stderr)")
        let second = try team.run(["override", "add", "--schedule", "days", "--person", "ceo", "--from", "2026-03-04T11:00", "--for", "2h"], at: now)
        #expect(second.stderr.contains("warning: it overlaps override #1 (lead on days from Wed 04 Mar 10:00 +01:00 to Wed 04 Mar 12:00 +01:00): the newer one wins, so ceo is on call from Wed 04 Mar 11:00 +01:00 to Wed 04 Mar 12:00 +01:00"),
                "\(second.stderr)")
        let away = try team.run(["leave", "add", "--person", "lead", "--from", "2026-03-04", "--for", "1d"], at: now)
        #expect(away.stderr.contains("warning: lead has an override on days from Wed 04 Mar 10:00 +01:00 to Wed 04 Mar 12:00 +01:00 during this leave: overrides ignore leave"),
                "\(away.stderr)")
        let past = try team.run(["override", "add", "--schedule", "days", "--person", "bob", "--from", "2026-02-27T10:00", "--to", "2026-02-27T12:00"], at: now)
        #expect(past.status == 0)
        #expect(past.stderr.contains("warning: it starts in the past (Fri 27 Feb 10:00 +01:00): on-call hours already worked change in 'rota report hours'"),
                "\(past.stderr)")
        #expect(try team.run(["log"], at: now).stdout.contains("warnings: it starts in the past"))
    }
}
