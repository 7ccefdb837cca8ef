import Foundation
import Testing

/// Issue 15: one time format. Human output shows `--tz` when given, else each schedule's zone;
/// the log shows the times in its details as wall times; JSON stays UTC.
@Suite("One time format in human output")
struct OutputTimeTests {
    @Test("a leave typed as a date is logged as that date's midnight in Paris, not as the UTC instant before it; JSON keeps UTC")
    func logShowsWallTimes() throws {
        let team = try PagedRota()
        #expect(try team.run(["leave", "add", "--person", "bob", "--from", "2026-11-26", "--to", "2026-11-27"], at: "2026-11-20T09:00:00Z").status == 0)
        let log = try team.run(["log"], at: "2026-11-20T09:01:00Z")
        #expect(log.stdout.contains("Thu 26 Nov 2026 00:00 +01:00"), "\(log.stdout)")
        #expect(!log.stdout.contains("2026-11-25T23:00:00Z"))
        let json = try team.run(["log", "--json"], at: "2026-11-20T09:01:00Z")
        #expect(json.stdout.contains("2026-11-25T23:00:00Z"))
        let tokyo = try team.run(["log", "--tz", "Asia/Tokyo"], at: "2026-11-20T09:01:00Z")
        #expect(tokyo.stdout.contains("Thu 26 Nov 2026 08:00 +09:00"), "\(tokyo.stdout)")
    }

    @Test("rota now shows each schedule's zone, and --tz shows every row in that zone")
    func nowFollowsTz() throws {
        let team = try PagedRota(schedules: """
            schedules:
              - id: days
                layers: [{members: [ann, bob], start: 2026-03-02T09:00, shift: 1d}]
              - id: sun
                timezone: UTC
                layers: [{members: [lead, ceo], start: 2026-03-02T00:00, shift: 12h}]
            """)
        let plain = try team.run(["now"], at: "2026-11-20T09:30:00Z")
        #expect(plain.stdout.contains("Sat 21 Nov 09:00 +01:00") && plain.stdout.contains("Fri 20 Nov 12:00 UTC"), "\(plain.stdout)")
        let york = try team.run(["now", "--tz", "America/New_York"], at: "2026-11-20T09:30:00Z")
        #expect(york.stdout.contains("Sat 21 Nov 03:00 -05:00") && york.stdout.contains("Fri 20 Nov 07:00 -05:00"), "\(york.stdout)")
        let json = try team.run(["now", "--tz", "America/New_York", "--json"], at: "2026-11-20T09:30:00Z")
        #expect(json.stdout.contains("2026-11-21T08:00:00Z"))
    }

    @Test("alert list and show say what happens next; after the ack timeout the log says why it pages again, in words")
    func whatHappensNext() throws {
        let team = try PagedRota()
        #expect(try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T10:00:00Z").status == 0)
        let list = try team.run(["alert", "list"], at: "2026-03-03T10:01:00Z")
        #expect(list.stdout.contains("level 2 (lead) at Tue 03 Mar 11:10 +01:00"), "\(list.stdout)")
        #expect(try team.run(["ack", "1", "--as", "ann"], at: "2026-03-03T10:02:00Z").status == 0)
        let show = try team.run(["alert", "show", "1"], at: "2026-03-03T10:03:00Z")
        #expect(show.stdout.contains("Round 1, level reached 1; paged: bob"), "\(show.stdout)")
        #expect(show.stdout.contains("Next: re-pages at Tue 03 Mar 12:02 +01:00 (ack timeout 1h)"), "\(show.stdout)")
        _ = try team.run(["tick"], at: "2026-03-03T11:03:00Z")
        let after = try team.run(["alert", "show", "1"], at: "2026-03-03T11:04:00Z")
        #expect(after.stdout.contains("acknowledged by ann at Tue 03 Mar 2026 11:02 +01:00 and still unresolved when its ack_timeout of 1h ran out at Tue 03 Mar 2026 12:02 +01:00"),
                "\(after.stdout)")
        #expect(after.stdout.contains("escalating again from level 1 (round 2: every pass through the chain counts as a round)"))
    }
}
