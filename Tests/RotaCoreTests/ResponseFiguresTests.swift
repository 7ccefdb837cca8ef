import Foundation
import RotaCore
import RotaTestSupport
import Testing

/// The response report's definitions (DESIGN §12, §16) as tables: nearest-rank percentiles, the
/// part of the day a page interrupts in the person's own zone, the figures of a period.
@Suite("Response figures: percentiles, interruptions, a period's figures")
struct ResponseFiguresTests {
    @Test("p50 and p90 by nearest rank, the mean rounded; nothing for no values", arguments: [
        ([] as [Int], nil as [Int]?),
        ([42], [42, 42, 42]),
        ([4, 1, 3, 2], [2, 4, 3]),                         // rank ⌈0.5×4⌉ = 2, ⌈0.9×4⌉ = 4, mean 2.5 → 3
        (Array(1...10), [5, 9, 6]),                        // ⌈0.9×10⌉ = 9; mean 5.5 → 6
        (Array(1...11), [6, 10, 6]),                       // ⌈5.5⌉ = 6, ⌈9.9⌉ = 10
        ([60, 60, 60, 3600], [60, 3600, 945]),
    ])
    func percentiles(values: [Int], expected: [Int]?) {
        let summary = ResponseFigures.summary(values)
        #expect(summary.map { [$0.p50, $0.p90, $0.mean] } == expected)
        #expect(summary?.count ?? 0 == values.count)
    }

    @Test("selection gives the same p50 and p90 as sorting, on 500 seeded lists with ties, runs and extremes")
    func selectionAgreesWithSorting() {
        var random = SeededGenerator(seed: 24)
        for round in 0..<500 {
            let count = 1 + Int(random.next() % 300)
            let spread = [1, 3, 100, 100_000][round % 4]
            var values = (0..<count).map { _ in Int(random.next() % UInt64(spread)) }
            if round % 7 == 0 { values.sort() }
            if round % 11 == 0 { values.sort(by: >) }
            let sorted = values.sorted()
            let summary = ResponseFigures.summary(values)
            let rank = { (p: Int) in sorted[max(1, Int((Double(p) / 100 * Double(sorted.count)).rounded(.up))) - 1] }
            #expect(summary?.p50 == rank(50) && summary?.p90 == rank(90), "round \(round): \(values)")
        }
    }

    @Test("the part of the day a page interrupts, on the person's own wall clock, across the Paris spring change", arguments: [
        ("2026-03-27T09:59:00Z", "Europe/Paris", "business"),   // Fri 10:59 CET
        ("2026-03-27T17:00:00Z", "Europe/Paris", "off_hours"),  // Fri 18:00
        ("2026-03-27T21:00:00Z", "Europe/Paris", "sleep"),      // Fri 22:00
        ("2026-03-29T00:30:00Z", "Europe/Paris", "sleep"),      // Sun 01:30 CET, before the clocks go forward
        ("2026-03-29T06:00:00Z", "Europe/Paris", "off_hours"),  // Sun 08:00 CEST: 6 h of UTC later, on the new clock
        ("2026-03-30T05:59:00Z", "Europe/Paris", "sleep"),      // Mon 07:59 CEST
        ("2026-03-30T06:00:00Z", "Europe/Paris", "business"),   // Mon 08:00 CEST
        ("2026-03-30T06:00:00Z", "America/New_York", "sleep"),  // the same instant is 02:00 in New York
        ("2026-12-25T10:00:00Z", "Europe/Paris", "off_hours"),  // Christmas, a Friday: a holiday counts as the weekend
    ])
    func interruption(instant: String, zone: String, expected: String) throws {
        let date = try #require(ISO8601DateFormatter().date(from: instant))
        let holidays: Set<LocalDate> = [LocalDate(year: 2026, month: 12, day: 25)]
        #expect(ResponseFigures.interruption(at: date, zone: try #require(Zone(identifier: zone)), holidays: holidays).rawValue == expected)
    }

    @Test("a period's figures: unacknowledged counted apart, per service, per level reached, reach, per acknowledger, executives by reason")
    func period() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }
        let incidents = [
            ResponseIncident(id: 1, service: "web", dueAt: at(0), acknowledgedAt: at(60), acknowledgedBy: "ann", resolvedAt: at(600), levelReached: 1),
            ResponseIncident(id: 2, service: "web", dueAt: at(0), acknowledgedAt: at(900), acknowledgedBy: "lead", resolvedAt: at(1800), levelReached: 2),
            ResponseIncident(id: 3, service: "social", dueAt: at(0), levelReached: 3, executive: .nobodyAnswered),
            ResponseIncident(id: 4, service: "crisis", dueAt: at(100), acknowledgedAt: at(50), acknowledgedBy: "ann", levelReached: 1, executive: .surge),
            ResponseIncident(id: 5, service: "web", dueAt: at(0), resolvedAt: at(30)),
        ]
        let period = ResponsePeriod(incidents)
        #expect(period.incidents == 5 && period.acknowledged == 3 && period.unacknowledged == 2)
        // TTA over the acknowledged only (60, 900, and 0: acknowledged before its held level 1 was due).
        #expect(period.tta.map { [$0.p50, $0.p90, $0.mean, $0.count] } == [60, 900, 320, 3])
        #expect(period.ttr.map { [$0.p50, $0.p90, $0.count] } == [600, 1800, 3])
        #expect(period.byService.map { "\($0.key) \($0.incidents) \($0.acknowledged)" } == ["crisis 1 1", "social 1 0", "web 3 2"])
        #expect(period.byLevel.map { "\($0.key) \($0.incidents) \($0.tta?.p50 ?? -1)" } == ["0 1 -1", "1 2 0", "2 1 900", "3 1 -1"])
        #expect(period.reach == [4, 2, 1])
        #expect(period.byAcknowledger.map { "\($0.key) \($0.acknowledged) \($0.tta?.p50 ?? -1)" } == ["ann 2 0", "lead 1 900"])
        #expect(period.executiveIncidents == 2 && period.executiveByReason == [.nobodyAnswered: 1, .surge: 1])
        // Positive control for "nothing": an empty period has no summaries, no reach.
        let empty = ResponsePeriod([])
        #expect(empty.incidents == 0 && empty.tta == nil && empty.reach.isEmpty && empty.byService.isEmpty)
    }
}

