import Foundation
import Testing

@Suite("Answering an alert twice, or as someone unknown")
struct AnswerTests {
    @Test("a second ack says who acknowledged first and when; --as someone not in the rota files is refused (69)")
    func secondAck() throws {
        let team = try PagedRota()
        #expect(try team.run(["alert", "raise", "--service", "web", "--summary", "site down"], at: "2026-03-03T09:00:00Z").status == 0)
        let first = try team.run(["ack", "1", "--as", "bob"], at: "2026-03-03T09:05:00Z")
        #expect(first.status == 0)
        #expect(first.stdout == "Alert #1 is acknowledged.\n")
        let second = try team.run(["ack", "1", "--as", "lead"], at: "2026-03-03T09:07:00Z")
        #expect(second.status == 0)
        #expect(second.stdout.contains("Alert #1 was already acknowledged by bob at Tue 03 Mar 10:05 +01:00"), "\(second.stdout)")
        let stranger = try team.run(["ack", "1", "--as", "mallory"], at: "2026-03-03T09:08:00Z")
        #expect(stranger.status == 69)
        #expect(stranger.stderr.contains("no person 'mallory'"))
        #expect(try team.run(["resolve", "1", "--as", "bob"], at: "2026-03-03T09:30:00Z").status == 0)
        let late = try team.run(["ack", "1"], at: "2026-03-03T09:31:00Z")
        #expect(late.stdout.contains("Alert #1 was already resolved by bob at Tue 03 Mar 10:30 +01:00; nothing to do."), "\(late.stdout)")
        let log = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:32:00Z").json["log"] as? [[String: Any]] ?? []
        #expect(log.filter { $0["event"] as? String == "alert.acknowledged" }.count == 1, "the second ack changed nothing")
    }
}
