import Foundation

/// One schedule's row on the board: bars for shifts and gaps over a window, placed by real
/// time (a 23-hour day is narrower than a 25-hour one) and labelled in the schedule's zone,
/// with a tick at each local midnight, and the overrides and leave that shaped it. Pure.
public struct Timeline: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// Someone on call by the layers.
        case shift
        /// Someone on call by an override (in the files or from the command line).
        case override
        /// Nobody on call.
        case gap
        /// A person of the schedule away (a mark under the row, not a bar of it).
        case leave
    }

    public struct Bar: Equatable, Sendable {
        public var kind: Kind
        /// The person on call, the override's or the one away; nil for a gap.
        public var person: String?
        /// Where it really starts and ends (it may reach past the window).
        public var start: Date
        public var end: Date
        /// Its place in the row, in percent of the window, clipped to it.
        public var left: Double
        public var width: Double
        /// `Mon 30 Mar 09:00 CEST`, as the CLI's tables say it.
        public var from: String
        public var to: String
        /// Cut by the window at the start or the end (the CLI's `…`): it reaches past it, or
        /// was computed for the window only and so ends at its edge.
        public var clippedStart: Bool
        public var clippedEnd: Bool
    }

    public struct Tick: Equatable, Sendable {
        public var at: Date
        public var left: Double
        /// `Mon 30` (`Mon 30 Mar` in `title`).
        public var label: String
        public var title: String
    }

    public var from: Date
    public var to: Date
    public var zone: Zone
    public var bars: [Bar]
    public var ticks: [Tick]
    /// Overrides and leave in the window, for the schedule page.
    public var marks: [Bar]

    /// Lays out `shifts` and `gaps` (any order, possibly reaching past the window) over `[from, to)`.
    /// A shift lying within one of `overrides` of the same person is an override bar.
    public static func layout(shifts: [Shift], gaps: [Gap], overrides: [Override] = [], leave: [Leave] = [],
                              zone: Zone, from: Date, to: Date) -> Timeline {
        let length = max(to.timeIntervalSince(from), 1)
        func bar(_ kind: Kind, _ person: String?, _ start: Date, _ end: Date) -> Bar? {
            let clippedStart = max(start, from), clippedEnd = min(end, to)
            guard clippedEnd > clippedStart else { return nil }
            return Bar(kind: kind, person: person, start: start, end: end,
                       left: percent(clippedStart.timeIntervalSince(from) / length),
                       width: percent(clippedEnd.timeIntervalSince(clippedStart) / length),
                       from: HumanTime.format(start, in: zone), to: HumanTime.format(end, in: zone),
                       clippedStart: start <= from, clippedEnd: end >= to)
        }
        let byOverride = shifts.map { shift -> (Shift, Kind) in
            let covered = overrides.contains { $0.person == shift.person && $0.start <= shift.start && shift.end <= $0.end }
            return (shift, covered ? .override : .shift)
        }
        var bars = byOverride.compactMap { bar($1, $0.person, $0.start, $0.end) }
        bars += gaps.compactMap { bar(.gap, nil, $0.start, $0.end) }
        bars.sort { $0.start < $1.start }
        var marks = overrides.compactMap { bar(.override, $0.person, $0.start, $0.end) }
        marks += leave.compactMap { bar(.leave, $0.person, $0.start, $0.end) }
        marks.sort { ($0.start, $0.kind.rawValue) < ($1.start, $1.kind.rawValue) }
        return Timeline(from: from, to: to, zone: zone, bars: bars, ticks: midnights(zone: zone, from: from, to: to, length: length),
                        marks: marks)
    }

    /// The marks stacked into lanes so that none hides another: each goes in the first lane where
    /// it overlaps nothing (marks are sorted by start).
    public var markLanes: [[Bar]] {
        var lanes: [[Bar]] = []
        for mark in marks {
            if let index = lanes.firstIndex(where: { $0.last.map { $0.end <= mark.start } ?? true }) {
                lanes[index].append(mark)
            } else {
                lanes.append([mark])
            }
        }
        return lanes
    }

    /// Each local midnight in `[from, to)` (or the first instant of the day where midnight is skipped).
    static func midnights(zone: Zone, from: Date, to: Date, length: TimeInterval) -> [Tick] {
        var ticks: [Tick] = []
        var date = zone.wall(at: from).date
        // Bounded: one tick per day of the window, and a window is at most a few months.
        for _ in 0..<400 {
            let midnight = zone.instant(of: LocalDateTime(date: date, secondOfDay: 0))
            if midnight >= to { break }
            if midnight >= from {
                let day = HumanTime.day(midnight, in: zone)
                ticks.append(Tick(at: midnight, left: percent(midnight.timeIntervalSince(from) / length), label: String(day.dropLast(4)), title: day))
            }
            date = date.adding(days: 1)
        }
        return ticks
    }

    /// A fraction as a percentage rounded to 0.01 (stable in a page and in a test).
    static func percent(_ fraction: Double) -> Double {
        (min(max(fraction, 0), 1) * 10000).rounded() / 100
    }
}
