import Foundation
import Testing
@testable import RotaCore

/// DESIGN §6.1: the board's bars are placed by real time and labelled on the schedule's wall clock.
@Suite("Board timeline layout")
struct TimelineTests {
    /// Lays out a schedule's shifts and gaps the way the board does.
    func laid(_ schedule: Schedule, _ from: String, _ to: String, overrides: [Override] = [], leave: [Leave] = []) -> Timeline {
        let start = utc(from), end = utc(to)
        // Whole shifts, as the board asks for them: computed with a margin, kept when they touch the window.
        let shifts = ScheduleEngine(schedule: schedule, leave: leave, extraOverrides: overrides)
            .shifts(from: start.addingTimeInterval(-7 * 86400), to: end.addingTimeInterval(7 * 86400)).filter { $0.end > start && $0.start < end }
        return Timeline.layout(shifts: shifts, gaps: Gap.complement(of: shifts, schedule: schedule.id, from: start, to: end),
                               overrides: schedule.overrides + overrides, leave: leave, zone: schedule.zone, from: start, to: end)
    }

    func row(_ timeline: Timeline) -> [String] {
        timeline.bars.map { "\($0.kind.rawValue) \($0.person ?? "-") \($0.from) \($0.left)+\($0.width)" }
    }

    @Test("a DST week in Paris: daily 09:00 bars start at 09:00 on both sides of the change, the 23-hour day is narrower")
    func dstWeekInParis() {
        let s = schedule("Europe/Paris", [layer(["a", "b"], start: "2026-03-16T09:00", shift: "1d")])
        // Mon 23 Mar 00:00 CET to Mon 30 Mar 00:00 CEST: 167 hours.
        let t = laid(s, "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z")
        let starts = t.bars.map { HumanTime.clock($0.start, in: s.zone) }
        #expect(starts.dropFirst().allSatisfy { $0 == "09:00" }, "every handoff at 09:00 wall time: \(starts)")
        let sat = t.bars.first { $0.from.hasPrefix("Sat 28 Mar 09:00") }
        let sun = t.bars.first { $0.from.hasPrefix("Sun 29 Mar 09:00") }
        #expect(sat?.from == "Sat 28 Mar 09:00 +01:00")
        #expect(sun?.from == "Sun 29 Mar 09:00 +02:00")
        // Sat 09:00 CET → Sun 09:00 CEST is 23 of the week's 167 hours.
        let satWidth: Double = (23.0 / 167 * 10000).rounded() / 100
        let satLeft: Double = (129.0 / 167 * 10000).rounded() / 100  // 5 days and 9 hours in
        #expect(sat?.width == satWidth)
        #expect(sat?.left == satLeft)
        // Ticks at each local midnight: the 8th day's is not in the window, Monday 30's is its end.
        #expect(t.ticks.map(\.label) == ["Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27", "Sat 28", "Sun 29"])
        let sundayMidnight: Double = (144.0 / 167 * 10000).rounded() / 100
        #expect(t.ticks.last?.left == sundayMidnight)
        // The first bar began before the window (Sun 22 09:00): cut, and said so.
        #expect(t.bars.first?.clippedStart == true)
        #expect(t.bars.first?.left == 0)
    }

    @Test("a gap across midnight is one bar, shaded from the evening to the morning")
    func gapAcrossMidnight() {
        let s = schedule("Europe/Paris", [layer(["a"], start: "2026-11-23T09:00", shift: "1d",
                                                restrict: [Restriction(days: Set(Weekday.allCases), from: LocalTime(hour: 9, minute: 0), to: LocalTime(hour: 19, minute: 0))])])
        let t = laid(s, "2026-11-24T08:00:00Z", "2026-11-25T08:00:00Z")  // Tue 09:00 → Wed 09:00 CET
        #expect(row(t) == ["shift a Tue 24 Nov 09:00 +01:00 0.0+41.67", "gap - Tue 24 Nov 19:00 +01:00 41.67+58.33"])
        #expect(t.bars[1].to == "Wed 25 Nov 09:00 +01:00")
        #expect(t.ticks.map(\.label) == ["Wed 25"])
    }

    @Test("an override over a layer is its own bar, marked as an override, the layer resumes after it")
    func overrideOverALayer() {
        let s = schedule("Europe/Paris", [layer(["a"], start: "2026-11-23T09:00", shift: "1w")])
        let cover = Override(person: "b", start: utc("2026-11-25T09:00:00Z"), end: utc("2026-11-25T13:00:00Z"))
        let t = laid(s, "2026-11-24T23:00:00Z", "2026-11-25T23:00:00Z", overrides: [cover])  // Wed 25, a whole day
        #expect(row(t) == ["shift a Mon 23 Nov 09:00 +01:00 0.0+41.67", "override b Wed 25 Nov 10:00 +01:00 41.67+16.67",
                           "shift a Wed 25 Nov 14:00 +01:00 58.33+41.67"])
        #expect(t.marks.map(\.kind) == [.override])
    }

    @Test("marks that overlap go in separate lanes, so no leave hides another")
    func marksStack() {
        let s = schedule("Europe/Paris", [layer(["a", "b", "c"], start: "2026-11-23T09:00", shift: "1w")])
        let away = ["a", "b"].map { Leave(person: $0, start: utc("2026-11-25T00:00:00Z"), end: utc("2026-11-26T00:00:00Z")) }
            + [Leave(person: "c", start: utc("2026-11-26T00:00:00Z"), end: utc("2026-11-27T00:00:00Z"))]
        let t = laid(s, "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z", leave: away)
        #expect(t.markLanes.map { $0.map { $0.person ?? "" } } == [["a", "c"], ["b"]])
    }
}

@Suite("UTC instants in log details, shown as wall times")
struct RewritingInstantsTests {
    @Test("instants become wall times in the zone; look-alikes and other text stay as they are", arguments: [
        ("leave #1 for bob 2026-11-25T23:00:00Z–2026-11-26T23:00:00Z", "leave #1 for bob Thu 26 Nov 2026 00:00 +01:00–Fri 27 Nov 2026 00:00 +01:00"),
        ("no time here", "no time here"),
        ("12026-11-25T23:00:00Z", "12026-11-25T23:00:00Z"),
        ("2026-13-25T23:00:00Z is not a date", "2026-13-25T23:00:00Z is not a date"),
        ("at 2026-03-29T01:00:00Z", "at Sun 29 Mar 2026 03:00 +02:00"),
    ])
    func rewrites(_ pair: (String, String)) {
        #expect(HumanTime.rewritingInstants(in: pair.0, zone: zone("Europe/Paris")) == pair.1)
    }
}
