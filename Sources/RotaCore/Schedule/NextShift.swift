import Foundation

/// A person's shift under way or next, whole (not clipped by the window looked at), with who
/// hands over to them and who takes over after.
public struct NextShift: Hashable, Sendable {
    public var shift: Shift
    public var fromPerson: String?
    public var toPerson: String?

    /// Looks 14, then 90, then 366 days ahead of `now`.
    public static func find(person: String, in timetable: Timetable, now: Date) -> NextShift? {
        for days in [14.0, 90, 366] {
            let end = now.addingTimeInterval(days * 86400)
            var best: Shift?
            for id in timetable.scheduleIDs {
                let mine = timetable.shifts(schedule: id, from: now, to: end).first { $0.person == person && $0.end > now }
                if let mine, best.map({ mine.start < $0.start }) ?? true { best = mine }
            }
            guard let best else { continue }
            // The window clips the shift at both ends: find where it really began and ends.
            let whole = timetable.shifts(schedule: best.schedule, from: now.addingTimeInterval(-35 * 86400), to: best.end)
                .last { $0.person == person && $0.end == best.end }
            let start = whole?.start ?? best.start
            var finish = best.end
            for span in [35.0, 400] where finish == end {
                finish = timetable.shifts(schedule: best.schedule, from: best.start, to: best.start.addingTimeInterval(span * 86400))
                    .first?.end ?? finish
            }
            return NextShift(shift: Shift(schedule: best.schedule, person: person, start: start, end: finish),
                             fromPerson: timetable.person(schedule: best.schedule, at: start.addingTimeInterval(-1)),
                             toPerson: timetable.person(schedule: best.schedule, at: finish))
        }
        return nil
    }
}

/// What a swap trades: in the window, each stretch of A's on-call time goes to B and B's to A.
public enum SwapTrades {
    public struct Trade: Hashable, Sendable {
        public var person: String
        public var start: Date
        public var end: Date
    }

    public static func trades(between first: String, and second: String, in shifts: [Shift]) -> [Trade] {
        shifts.compactMap { shift in
            let taker = shift.person == first ? second : shift.person == second ? first : nil
            return taker.map { Trade(person: $0, start: shift.start, end: shift.end) }
        }
    }
}
