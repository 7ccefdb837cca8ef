import Foundation

/// What an edit to the rota files does to people over a window (DESIGN §14, `rota diff`): pure,
/// from the timetable before and the timetable after (the same leave and overrides in both).
public struct RotaDiff: Sendable {
    /// A stretch of a schedule one person gains or loses.
    public struct Stretch: Hashable, Sendable {
        public var schedule: String
        public var start: Date
        public var end: Date
    }

    /// One person's change.
    public struct PersonChange: Sendable {
        public var person: String
        public var gained: [Stretch] = []
        public var lost: [Stretch] = []
        /// Split as `report hours` splits time on call.
        public var hoursGained = OnCallHours()
        public var hoursLost = OnCallHours()
        /// Gained time that falls in their recorded leave.
        public var leaveClashes: [Stretch] = []
    }

    /// Who a level reaches, where it changed.
    public struct Reach: Hashable, Sendable {
        public var escalation: String
        public var level: Int
        public var start: Date
        public var end: Date
        public var before: [String]
        public var after: [String]
    }

    public var from: Date
    public var to: Date
    /// Everyone whose time on call changed, by id.
    public var people: [PersonChange]
    public var gapsOpened: [Gap]
    public var gapsClosed: [Gap]
    public var reach: [Reach]
    /// The spread of hours (largest minus smallest) per schedule, before and after, in seconds.
    public var spread: [(schedule: String, before: Int, after: Int)]

    /// True when the edit leaves somebody's hour without anyone on call where there was someone
    /// (expected gaps aside: a schedule marked `expect_gaps` opens none).
    public var opensGap: Bool { !gapsOpened.isEmpty }

    public init(before: Timetable, after: Timetable, from: Date, to: Date) {
        self.from = from
        self.to = to
        let rota = after.current
        let ids = Array(Set(before.scheduleIDs).union(after.scheduleIDs)).sorted()
        var changes: [String: PersonChange] = [:]
        var opened: [Gap] = [], closed: [Gap] = []
        var spread: [(String, Int, Int)] = []
        for id in ids {
            let old = Self.clipped(before.current.schedule(id) == nil ? [] : before.shifts(schedule: id, from: from, to: to), from, to)
            let new = Self.clipped(after.current.schedule(id) == nil ? [] : after.shifts(schedule: id, from: from, to: to), from, to)
            let zone = (rota.schedule(id) ?? before.current.schedule(id))?.zone ?? rota.settings.zone
            let calendar = PayCalendar(zone: zone, holidays: rota.holidays(of: id), daytimeFrom: rota.settings.daytimeFrom,
                                       daytimeTo: rota.settings.daytimeTo)
            for person in Set(old.map(\.person)).union(new.map(\.person)) {
                let was = Self.merged(old.filter { $0.person == person }.map { ($0.start, $0.end) })
                let now = Self.merged(new.filter { $0.person == person }.map { ($0.start, $0.end) })
                let gained = Self.subtract(now, was), lost = Self.subtract(was, now)
                guard !gained.isEmpty || !lost.isEmpty else { continue }
                var change = changes[person] ?? PersonChange(person: person)
                for (start, end) in gained {
                    change.gained.append(Stretch(schedule: id, start: start, end: end))
                    change.hoursGained += calendar.split(from: start, to: end)
                    for leave in after.leave where leave.person == person && leave.start < end && start < leave.end {
                        change.leaveClashes.append(Stretch(schedule: id, start: max(start, leave.start), end: min(end, leave.end)))
                    }
                }
                for (start, end) in lost {
                    change.lost.append(Stretch(schedule: id, start: start, end: end))
                    change.hoursLost += calendar.split(from: start, to: end)
                }
                changes[person] = change
            }
            // Gaps: where nobody is on call, before and after (a schedule that expects gaps opens none).
            let expects = rota.schedule(id)?.expectGaps ?? false
            let oldGaps = Self.subtract([(from, to)], Self.merged(old.map { ($0.start, $0.end) }))
            let newGaps = Self.subtract([(from, to)], Self.merged(new.map { ($0.start, $0.end) }))
            if !expects, after.current.schedule(id) != nil {
                opened += Self.subtract(newGaps, oldGaps).map { Gap(schedule: id, start: $0.0, end: $0.1) }
            }
            if before.current.schedule(id) != nil, !(before.current.schedule(id)?.expectGaps ?? false) {
                closed += Self.subtract(oldGaps, newGaps).map { Gap(schedule: id, start: $0.0, end: $0.1) }
            }
            func hours(_ shifts: [Shift]) -> Int {
                var total: [String: Int] = [:]
                for shift in shifts { total[shift.person, default: 0] += Int(shift.end.timeIntervalSince(shift.start).rounded()) }
                return (total.values.max() ?? 0) - (total.values.min() ?? 0)
            }
            spread.append((id, hours(old), hours(new)))
        }
        people = changes.values.sorted { $0.person < $1.person }
        gapsOpened = opened.sorted { ($0.start, $0.schedule) < ($1.start, $1.schedule) }
        gapsClosed = closed.sorted { ($0.start, $0.schedule) < ($1.start, $1.schedule) }
        self.spread = spread
        reach = Self.reach(before: before, after: after, from: from, to: to)
    }

    /// Per escalation level of either version, the stretches where it reaches other people.
    static func reach(before: Timetable, after: Timetable, from: Date, to: Date) -> [Reach] {
        var result: [Reach] = []
        let ids = Array(Set(before.current.escalations.map(\.id)).union(after.current.escalations.map(\.id))).sorted()
        for id in ids {
            let old = before.current.escalation(id)?.levels ?? [], new = after.current.escalation(id)?.levels ?? []
            for level in 0..<max(old.count, new.count) {
                let was = level < old.count ? old[level].targets : [], now = level < new.count ? new[level].targets : []
                // Who a level reaches changes only where a schedule it names hands over.
                var cuts: Set<Date> = [from, to]
                for (table, targets) in [(before, was), (after, now)] {
                    for case .schedule(let schedule) in targets where table.current.schedule(schedule) != nil {
                        for shift in table.shifts(schedule: schedule, from: from, to: to) {
                            if shift.start > from && shift.start < to { cuts.insert(shift.start) }
                            if shift.end > from && shift.end < to { cuts.insert(shift.end) }
                        }
                    }
                }
                let points = cuts.sorted()
                for (start, end) in zip(points, points.dropFirst()) {
                    let middle = start.addingTimeInterval(end.timeIntervalSince(start) / 2)
                    let a = before.people(was.filter { Self.known($0, in: before.current) }, at: middle)
                    let b = after.people(now.filter { Self.known($0, in: after.current) }, at: middle)
                    guard a != b else { continue }
                    if let last = result.last, last.escalation == id, last.level == level + 1, last.end == start, last.before == a, last.after == b {
                        result[result.count - 1].end = end
                    } else {
                        result.append(Reach(escalation: id, level: level + 1, start: start, end: end, before: a, after: b))
                    }
                }
            }
        }
        return result
    }

    static func known(_ target: Target, in rota: Rota) -> Bool {
        switch target {
        case .person(let id): rota.person(id) != nil
        case .schedule(let id): rota.schedule(id) != nil
        }
    }

    static func clipped(_ shifts: [Shift], _ from: Date, _ to: Date) -> [Shift] {
        shifts.compactMap { shift in
            let start = max(shift.start, from), end = min(shift.end, to)
            return start < end ? Shift(schedule: shift.schedule, person: shift.person, start: start, end: end) : nil
        }
    }

    /// Sorted, overlapping or touching stretches joined.
    static func merged(_ stretches: [(Date, Date)]) -> [(Date, Date)] {
        var result: [(Date, Date)] = []
        for (start, end) in stretches.sorted(by: { $0.0 < $1.0 }) where start < end {
            if let last = result.last, start <= last.1 { result[result.count - 1].1 = max(last.1, end) } else { result.append((start, end)) }
        }
        return result
    }

    /// What of `a` (merged) is not in `b` (merged).
    static func subtract(_ a: [(Date, Date)], _ b: [(Date, Date)]) -> [(Date, Date)] {
        var result: [(Date, Date)] = []
        for (start, end) in a {
            var cursor = start
            for (bStart, bEnd) in b where bEnd > cursor && bStart < end {
                if bStart > cursor { result.append((cursor, bStart)) }
                cursor = max(cursor, bEnd)
                if cursor >= end { break }
            }
            if cursor < end { result.append((cursor, end)) }
        }
        return result
    }
}
