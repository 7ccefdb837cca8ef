import Foundation

/// On-call time split the way on-call pay is computed, in whole seconds so the parts always add
/// up to the total (a 23- or 25-hour DST day included).
public struct OnCallHours: Hashable, Sendable {
    public var weekdayDay = 0
    public var weekdayNight = 0
    public var weekend = 0
    /// Public holidays count here, not as weekend.
    public var holiday = 0

    public init() {}

    public var total: Int { weekdayDay + weekdayNight + weekend + holiday }

    public static func + (a: OnCallHours, b: OnCallHours) -> OnCallHours {
        var sum = a
        sum.weekdayDay += b.weekdayDay
        sum.weekdayNight += b.weekdayNight
        sum.weekend += b.weekend
        sum.holiday += b.holiday
        return sum
    }

    public static func += (a: inout OnCallHours, b: OnCallHours) { a = a + b }
}

/// The rules that classify an instant: daytime window, holidays, all in one zone.
public struct PayCalendar: Sendable {
    public var zone: Zone
    public var holidays: Set<LocalDate>
    public var daytimeFrom: LocalTime
    public var daytimeTo: LocalTime

    public init(zone: Zone, holidays: Set<LocalDate>, daytimeFrom: LocalTime, daytimeTo: LocalTime) {
        self.zone = zone
        self.holidays = holidays
        self.daytimeFrom = daytimeFrom
        self.daytimeTo = daytimeTo
    }

    /// Is this wall time inside the daytime window (`from` ≤ t < `to`; a window with
    /// `to` ≤ `from` wraps past midnight)?
    public func isDaytime(_ time: LocalTime) -> Bool {
        daytimeFrom < daytimeTo ? (time >= daytimeFrom && time < daytimeTo) : (time >= daytimeFrom || time < daytimeTo)
    }

    public func isNight(_ instant: Date) -> Bool { !isDaytime(zone.wall(at: instant).time) }

    /// Splits `[start, end)` at local midnights and daytime edges, classifying each piece by
    /// the wall time it starts at.
    public func split(from start: Date, to end: Date) -> OnCallHours {
        var hours = OnCallHours()
        guard start < end else { return hours }
        var cuts: [Date] = []
        var day = zone.wall(at: start).date
        let lastDay = zone.wall(at: end).date
        while day <= lastDay {
            for time in [LocalTime(minutes: 0), daytimeFrom, daytimeTo] where time.minutes < 1440 {
                let instant = zone.instant(of: day, at: time)
                if instant > start && instant < end { cuts.append(instant) }
            }
            day = day.adding(days: 1)
        }
        var points = Array(Set(cuts)).sorted()
        points.insert(start, at: 0)
        points.append(end)
        for index in 0..<(points.count - 1) {
            let seconds = Int(points[index + 1].timeIntervalSince(points[index]).rounded())
            let wall = zone.wall(at: points[index])
            if holidays.contains(wall.date) {
                hours.holiday += seconds
            } else if wall.date.weekday.isWeekend {
                hours.weekend += seconds
            } else if isDaytime(wall.time) {
                hours.weekdayDay += seconds
            } else {
                hours.weekdayNight += seconds
            }
        }
        return hours
    }
}
