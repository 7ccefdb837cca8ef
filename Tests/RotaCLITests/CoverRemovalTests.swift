import Foundation
import Testing

@Suite("override remove and leave remove take several ids")
struct CoverRemovalTests {
    @Test("several ids are removed at once; an unknown one is named (69) and stops none of the others")
    func several() throws {
        let team = try PagedRota()
        for hour in ["09", "10", "11"] {
            let added = try team.run(["override", "add", "--schedule", "days", "--person", "lead", "--from", "2026-03-04T\(hour):00Z", "--for", "1h"],
                                     at: "2026-03-03T09:00:00Z")
            #expect(added.status == 0, "\(added.stderr)")
        }
        let removed = try team.run(["override", "remove", "1", "3"], at: "2026-03-03T09:01:00Z")
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout == "Removed override #1 (lead on days).\nRemoved override #3 (lead on days).\n")
        let left = try team.run(["override", "list", "--json"], at: "2026-03-03T09:02:00Z").json["overrides"] as? [[String: Any]] ?? []
        #expect(left.map { $0["id"] as? Int } == [2])
        let partly = try team.run(["override", "remove", "2", "99", "--json"], at: "2026-03-03T09:03:00Z")
        #expect(partly.status == 69)
        #expect(partly.stderr.contains("no override #99; the others were removed"), "\(partly.stderr)")
        #expect(partly.json["removed"] as? [Int] == [2])
        #expect((try team.run(["override", "list", "--json"], at: "2026-03-03T09:04:00Z").json["overrides"] as? [Any])?.isEmpty == true)
        #expect(try team.run(["leave", "add", "--person", "bob", "--from", "2026-03-05", "--for", "1d"], at: "2026-03-03T09:05:00Z").status == 0)
        #expect(try team.run(["leave", "add", "--person", "ann", "--from", "2026-03-06", "--for", "1d"], at: "2026-03-03T09:05:00Z").status == 0)
        #expect(try team.run(["leave", "remove", "1", "2", "1"], at: "2026-03-03T09:06:00Z").stdout.split(separator: "\n").count == 2)
        #expect(try team.run(["override", "remove"], at: "2026-03-03T09:07:00Z").status == 64)
    }
}
