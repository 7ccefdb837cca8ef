import Foundation
import RotaCore
import Testing

/// `rota check`'s lines: a gap that recurs at the same wall times is one line with its count.
@Suite("Recurring gaps: one line per series, on the schedule's wall clock")
struct GapSeriesTests {
    let paris = Zone(identifier: "Europe/Paris")!

    /// A gap from `start` for `hours` on Paris' wall clock, e.g. ("2026-03-27T00:00", 7).
    func gap(_ start: String, _ hours: Int, schedule: String = "s") -> Gap {
        let n = start.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        let wall = LocalDateTime(date: LocalDate(year: n[0], month: n[1], day: n[2]), time: LocalTime(hour: n[3], minute: n[4]))
        return Gap(schedule: schedule, start: paris.instant(of: wall),
                   end: paris.instant(of: LocalDateTime(naiveSeconds: wall.naiveSeconds + hours * 3600)))
    }

    @Test("every night 00:00–07:00 for a week, across the Paris spring change (a 6-hour night), is one series of 7")
    func nightly() {
        let gaps = (23...29).map { gap("2026-03-\($0)T00:00", 7) }
        let lines = GapLine.lines(gaps, zone: { _ in paris })
        guard case .recurring(let series)? = lines.first, lines.count == 1 else { Issue.record("\(lines)"); return }
        #expect(series.count == 7 && series.from.description == "00:00" && series.to.description == "07:00" && series.daysText == "every day")
        #expect(series.seconds == 7 * 7 * 3600 - 3600, "the night the clocks go forward has 6 hours: \(series.seconds)")
    }

    @Test("weekday evenings, weekends apart; a gap cut by the window stays a line of its own; schedules never mix", arguments: [
        // (gaps as (start, hours, schedule), expected lines)
        ([("2026-12-07T19:00", 5, "s"), ("2026-12-08T19:00", 5, "s"), ("2026-12-09T19:00", 5, "s"), ("2026-12-10T19:00", 5, "s"),
          ("2026-12-11T19:00", 5, "s")], ["19:00-00:00 every mon–fri x5"]),
        ([("2026-12-12T00:00", 24, "s"), ("2026-12-13T00:00", 24, "s"), ("2026-12-19T00:00", 24, "s"), ("2026-12-20T00:00", 24, "s")],
         ["00:00-00:00 every sat, sun x4"]),
        ([("2026-12-07T03:00", 4, "s"), ("2026-12-08T00:00", 7, "s"), ("2026-12-09T00:00", 7, "s")], ["once", "00:00-07:00 every tue, wed x2"]),
        ([("2026-12-08T00:00", 7, "a"), ("2026-12-09T00:00", 7, "b")], ["once", "once"]),
        ([("2026-12-08T00:00", 7, "s")], ["once"]),
    ] as [([(String, Int, String)], [String])])
    func grouping(_ spec: [(String, Int, String)], _ expected: [String]) {
        let lines = GapLine.lines(spec.map { gap($0.0, $0.1, schedule: $0.2) }, zone: { _ in paris })
        #expect(lines.map { line in
            switch line {
            case .once: "once"
            case .recurring(let series): "\(series.from)-\(series.to) \(series.daysText) x\(series.count)"
            }
        } == expected)
        #expect(lines.reduce(0) { total, line in
            if case .recurring(let series) = line { total + series.count } else { total + 1 }
        } == spec.count, "every gap is in exactly one line")
    }
}
