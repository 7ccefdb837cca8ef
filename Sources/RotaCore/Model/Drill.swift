import Foundation

/// A practice incident that walks a real chain (DESIGN §12, §16): every level is paged, pages say
/// DRILL, acknowledgements are recorded without stopping it, repeats are skipped, and it ends by
/// itself after its last level.
public struct Drill: Hashable, Sendable {
    public var id: String
    public var escalation: String
    /// Days between occurrences (a whole number of days: `1d`, `4w`).
    public var everyDays: Int
    /// The weekday it falls on (nil: any day, every `everyDays` from the anchor).
    public var weekday: Weekday?
    public var time: LocalTime
    /// The first day it may fall on, anchoring `every` (nil: counted from 1970-01-01).
    public var start: LocalDate?

    public init(id: String, escalation: String, everyDays: Int, weekday: Weekday?, time: LocalTime, start: LocalDate? = nil) {
        self.id = id
        self.escalation = escalation
        self.everyDays = everyDays
        self.weekday = weekday
        self.time = time
        self.start = start
    }

    /// The dedup key of one occurrence: an occurrence fires once, whoever ticks.
    public func dedupKey(at occurrence: Date) -> String { "drill:\(id)@\(TimeText.utc(occurrence))" }

    /// The dedup key of a drill started by hand at `instant`, to the millisecond: two `rota drill`
    /// in the same second are two drills; the same instant twice (a fixed `--now`) is one.
    public static func manualKey(escalation: String, at instant: Date) -> String {
        "drill:manual:\(escalation)@\(Int64((instant.timeIntervalSince1970 * 1000).rounded(.down)))"
    }

    /// What begins the service of a drill's alert.
    public static let servicePrefix = "drill:"

    /// True for an alert raised as a drill: its service is a drill's (no service id has a colon,
    /// so no sender can make a real alert one).
    public static func isDrill(service: String) -> Bool { service.hasPrefix(servicePrefix) }

    /// The service an alert of a drill is raised on: never a service's id (ids have no colon),
    /// so no rule that matches services (groups, surges, maintenance) ever touches a drill.
    public static func service(_ id: String) -> String { servicePrefix + id }

    /// The drill's id (`manual` for `rota drill`) from its alert's service.
    public static func id(ofService service: String) -> String { String(service.dropFirst(servicePrefix.count)) }

    /// The first day of the cycle: `start` (moved to its weekday), else the epoch's first such day.
    var anchor: LocalDate {
        var day = start ?? LocalDate(year: 1970, month: 1, day: 1)
        if let weekday { while day.weekday != weekday { day = day.adding(days: 1) } }
        return day
    }

    /// Occurrences in `(after, through]`, in order: the wall time `time` in `zone` on every
    /// `everyDays`-th day from the anchor. A wall time the spring change skips is moved forward;
    /// one the autumn change repeats is the earlier. Bounded to 400 days.
    public func occurrences(after: Date, through: Date, zone: Zone) -> [Date] {
        guard everyDays > 0, through > after else { return [] }
        let first = anchor
        // Start a day before `after`'s local date (zones ahead of UTC), on the cycle.
        let from = zone.wall(at: after).date.adding(days: -1)
        let behind = from.dayNumber - first.dayNumber
        var day = behind <= 0 ? first : first.adding(days: ((behind + everyDays - 1) / everyDays) * everyDays)
        var found: [Date] = []
        let last = zone.wall(at: through).date.adding(days: 1)
        var steps = 0
        while day <= last, steps < 400 {
            steps += 1
            let instant = zone.instant(of: day, at: time)
            if instant > after, instant <= through { found.append(instant) }
            day = day.adding(days: everyDays)
        }
        return found
    }

    /// The occurrence a runner at `now` fires: the latest at or before `now` and no more than
    /// an hour old (a runner down on the day does not page a drill hours later).
    public func due(at now: Date, zone: Zone) -> Date? {
        occurrences(after: now.addingTimeInterval(-Self.openAtLeast), through: now, zone: zone).last
    }

    /// How long a drill stays open for answers after its last level was paged.
    public static let answerWindow: TimeInterval = 900
    /// A drill is open at least this long after it began: as long as a late runner may still
    /// fire its occurrence, so the open alert's dedup key makes each occurrence fire once.
    public static let openAtLeast: TimeInterval = 3600

    /// When a drill begun at `start`, whose chain ran out at `exhausted`, ends: 15 minutes (or
    /// the last level's escalate_after, if longer) after its last level, and not before an hour.
    public static func end(start: Date, exhausted: Date, lastWait: Int?) -> Date {
        max(exhausted.addingTimeInterval(max(answerWindow, Double(lastWait ?? 0))), start.addingTimeInterval(openAtLeast))
    }

    public var summary: String { Self.summary(id: id, escalation: escalation) }

    /// What a drill's alert says (`id` is `manual` for one started with `rota drill`).
    public static func summary(id: String, escalation: String) -> String {
        "Practise answering a page on the \(escalation) chain (drill \(id), no real incident)"
    }
}
