import Foundation
import RotaTestSupport
import Testing

/// A simulated day of alerts: raises, acks and resolves at fixed times, ticks every `step` minutes.
private struct Day {
    static let start = ISO8601DateFormatter().date(from: "2026-03-03T06:00:00Z")!

    static func time(_ minutes: Int) -> String {
        ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(minutes) * 60))
    }

    /// What humans do, by minute: raise (with a summary) or answer an alert by id.
    static let humans: [Int: [String]] = [
        0: ["alert", "raise", "--service", "web", "--summary", "a"],
        20: ["alert", "raise", "--service", "web", "--summary", "b"],
        40: ["ack", "1"],
        120: ["alert", "raise", "--service", "web", "--summary", "c"],
        200: ["resolve", "2"],
        300: ["alert", "raise", "--service", "web", "--summary", "d"],
        320: ["ack", "4"],
        600: ["alert", "raise", "--service", "web", "--summary", "e"],
    ]
}

@Suite("The runner under concurrency and crashes", .serialized)
struct RunnerReliabilityTests {
    @Test("8 rota tick processes at once over a simulated day: every page delivered exactly once")
    func concurrentTicks() async throws {
        let team = try PagedRota()
        let step = 10
        for minute in stride(from: 0, to: 24 * 60, by: step) {
            if let action = Day.humans[minute] { try team.run(action, at: Day.time(minute)) }
            let now = Day.time(minute)
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let process = team.rota.process(["tick", "--now", now], environment: ["ROTA_TICK_LOCK": "off"])
                        try process.run()
                        process.waitUntilExit()
                        return process.terminationStatus
                    }
                }
                for try await status in group { #expect(status == 0, "a tick at \(now) exited \(status)") }
            }
        }
        let ids = team.pageIDs()
        #expect(ids.count == Set(ids).count, "duplicates: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        var sent: Set<String> = []
        for alert in 1...5 {
            let pages = try team.run(["alert", "show", "\(alert)", "--json"], at: Day.time(24 * 60)).json["pages"] as? [[String: Any]] ?? []
            #expect(pages.allSatisfy { ["sent", "cancelled"].contains($0["status"] as? String ?? "") })
            for page in pages where page["status"] as? String == "sent" {
                sent.insert(page["page_id"] as? String ?? "")
            }
        }
        #expect(Set(ids) == sent)
        // Alert 3 (raised at 08:00, never answered) climbed both rounds of its chain.
        #expect(ids.filter { $0.hasPrefix("rota-3-") }.count == 6)
    }

    @Test("rota tick killed with SIGKILL at random moments: nothing is lost")
    func crashes() async throws {
        let team = try PagedRota()
        // Seeded, so a failure can be replayed: ROTA_TEST_SEED=N runs the same kill moments.
        let seed = ProcessInfo.processInfo.environment["ROTA_TEST_SEED"].flatMap(UInt64.init) ?? 20_261_204
        var generator = SeededGenerator(seed: seed)
        print("rota tick SIGKILL test: seed \(seed)")
        var killed = 0
        for minute in stride(from: 0, to: 12 * 60, by: 10) {
            if let action = Day.humans[minute] { try team.run(action, at: Day.time(minute)) }
            for _ in 0..<2 {
                let process = team.rota.process(["tick", "--now", Day.time(minute)], environment: ["ROTA_TICK_LOCK": "off"])
                try process.run()
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...120, using: &generator)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    killed += 1
                }
                process.waitUntilExit()
            }
        }
        // Cron comes back: later ticks (past every lease) finish what the killed ones left.
        for minute in stride(from: 12 * 60, to: 24 * 60, by: 10) {
            if let action = Day.humans[minute] { try team.run(action, at: Day.time(minute)) }
            let result = try team.run(["tick"], at: Day.time(minute))
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(killed > 0, "the test must actually kill some ticks")
        let ids = Set(team.pageIDs())
        for alert in 1...5 {
            let pages = try team.run(["alert", "show", "\(alert)", "--json"], at: Day.time(24 * 60)).json["pages"] as? [[String: Any]] ?? []
            for page in pages {
                let status = page["status"] as? String ?? ""
                #expect(["sent", "cancelled"].contains(status), "alert \(alert): a page left \(status)")
                if status == "sent" {
                    let id = page["page_id"] as? String ?? ""
                    #expect(ids.contains(id), "\(id) marked sent but never delivered")
                }
            }
        }
        #expect(team.pageIDs().filter { $0.hasPrefix("rota-3-") }.count >= 6, "alert 3 still climbed its whole chain")
        let check = try team.run(["status", "--json"], at: Day.time(24 * 60 - 5))
        #expect(check.json["pages_pending"] as? Int == 0)
    }
}
