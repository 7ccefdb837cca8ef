import Foundation

/// Gaps as a team lead reads them (`rota check`): a gap that comes back at the same wall times
/// (every night 00:00–07:00, every Saturday) is one line with its count, not one row per night.
public enum GapLine: Hashable, Sendable {
    case once(Gap)
    case recurring(GapSeries)

    /// The gaps, in order of their first start; gaps of one schedule that start and end at the same
    /// wall times of its zone, and last as long on the wall clock, two or more of them, form a series
    /// (a gap cut by the window's edge has other times, so it stays on its own line).
    public static func lines(_ gaps: [Gap], zone: (String) -> Zone) -> [GapLine] {
        struct Key: Hashable {
            var schedule: String
            var start: Int
            var end: Int
            var length: Int
        }
        var groups: [Key: [Gap]] = [:]
        var order: [Key] = []
        for gap in gaps.sorted(by: { ($0.start, $0.schedule) < ($1.start, $1.schedule) }) {
            let zone = zone(gap.schedule)
            let start = zone.wall(at: gap.start), end = zone.wall(at: gap.end)
            let key = Key(schedule: gap.schedule, start: start.secondOfDay, end: end.secondOfDay, length: end.naiveSeconds - start.naiveSeconds)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(gap)
        }
        var lines: [GapLine] = []
        for key in order {
            guard let members = groups[key] else { continue }
            if members.count == 1 {
                lines.append(.once(members[0]))
            } else {
                let zone = zone(key.schedule)
                let days = Set(members.map { zone.wall(at: $0.start).date.weekday }).sorted()
                lines.append(.recurring(GapSeries(schedule: key.schedule, from: LocalTime(minutes: key.start / 60),
                                                  to: LocalTime(minutes: key.end / 60), days: days, gaps: members)))
            }
        }
        return lines.sorted { $0.first < $1.first }
    }

    var first: Date {
        switch self {
        case .once(let gap): gap.start
        case .recurring(let series): series.gaps[0].start
        }
    }
}

/// A gap that recurs at the same wall times.
public struct GapSeries: Hashable, Sendable {
    public var schedule: String
    /// Wall times in the schedule's zone (`to` 00:00 when it ends at midnight).
    public var from: LocalTime
    public var to: LocalTime
    /// The weekdays it starts on.
    public var days: [Weekday]
    /// Each occurrence, in order.
    public var gaps: [Gap]

    public var count: Int { gaps.count }
    /// Seconds with nobody on call over all occurrences (a night across a clock change is an hour shorter or longer).
    public var seconds: Int { gaps.reduce(0) { $0 + Int($1.end.timeIntervalSince($1.start).rounded()) } }

    /// `every day`, `every mon–fri`, `every sat, sun`.
    public var daysText: String {
        if days.count == 7 { return "every day" }
        if days == [.monday, .tuesday, .wednesday, .thursday, .friday] { return "every mon–fri" }
        return "every " + days.map(\.name).joined(separator: ", ")
    }
}
