import Foundation

/// Hours and pages per person and per schedule over a window: what `rota report hours` and
/// `rota report fairness` print. Pure: shifts come from a timetable, pages from the caller.
public struct HoursTally: Sendable {
    public struct Row: Hashable, Sendable {
        public var person: String
        public var hours = OnCallHours()
        public var pages = 0
        public var nightPages = 0

        public init(person: String) { self.person = person }
    }

    public struct ScheduleRows: Sendable {
        /// The schedule's id (a layer's: its name).
        public var id: String
        public var people: [Row]
        /// Each layer's own rotation (leave applied, before later layers and overrides), when asked
        /// for: who the layer itself gives how many hours, so an unfair layer shows even when a
        /// layer above evens the schedule out.
        public var layers: [ScheduleRows] = []

        /// The largest difference between two members, per figure: the balance at a glance.
        public var spread: (hours: Int, weekend: Int, holiday: Int, nightPages: Int) {
            func range(_ values: [Int]) -> Int { (values.max() ?? 0) - (values.min() ?? 0) }
            return (range(people.map(\.hours.total)), range(people.map(\.hours.weekend)),
                    range(people.map(\.hours.holiday)), range(people.map(\.nightPages)))
        }
    }

    /// A level that reached someone, with its due time.
    public struct Page: Hashable, Sendable {
        public var person: String
        public var dueAt: Date

        public init(person: String, dueAt: Date) {
            self.person = person
            self.dueAt = dueAt
        }
    }

    public var people: [Row] = []
    public var bySchedule: [ScheduleRows] = []

    public init(timetable: Timetable, rota: Rota, from: Date, to: Date, pages: [Page], layers: Bool = false) {
        var perPerson: [String: Row] = [:]
        var scheduleRows: [ScheduleRows] = []
        var shiftsBySchedule: [String: [Shift]] = [:]
        for id in timetable.scheduleIDs {
            let zone = timetable.current.schedule(id)?.zone ?? rota.settings.zone
            let calendar = PayCalendar(zone: zone, holidays: timetable.current.holidays(of: id),
                                       daytimeFrom: rota.settings.daytimeFrom, daytimeTo: rota.settings.daytimeTo)
            let shifts = timetable.shifts(schedule: id, from: from, to: to)
            shiftsBySchedule[id] = shifts
            var rows: [String: Row] = [:]
            // Every member appears, even with no time, so the balance is visible.
            for member in timetable.current.schedule(id)?.layers.flatMap(\.members) ?? [] where rows[member] == nil {
                rows[member] = Row(person: member)
            }
            for shift in shifts {
                let split = calendar.split(from: shift.start, to: shift.end)
                rows[shift.person, default: Row(person: shift.person)].hours += split
                perPerson[shift.person, default: Row(person: shift.person)].hours += split
            }
            var entry = ScheduleRows(id: id, people: Array(rows.values))
            if layers, let schedule = timetable.current.schedule(id) {
                let engine = timetable.engine(schedule)
                entry.layers = schedule.layers.map { layer in
                    var rows = Dictionary(layer.members.map { ($0, Row(person: $0)) }, uniquingKeysWith: { a, _ in a })
                    for segment in engine.layerSegments(layer, from: from, to: to) {
                        rows[segment.person, default: Row(person: segment.person)].hours += calendar.split(from: segment.start, to: segment.end)
                    }
                    return ScheduleRows(id: layer.name, people: Array(rows.values))
                }
            }
            scheduleRows.append(entry)
        }
        for page in pages {
            let zone = rota.person(page.person)?.timezone ?? rota.settings.zone
            let night = PayCalendar(zone: zone, holidays: [], daytimeFrom: rota.settings.daytimeFrom, daytimeTo: rota.settings.daytimeTo)
                .isNight(page.dueAt)
            perPerson[page.person, default: Row(person: page.person)].pages += 1
            guard night else { continue }
            perPerson[page.person, default: Row(person: page.person)].nightPages += 1
            // A night page counts against the schedule the person was on call for then.
            for index in scheduleRows.indices {
                let onCall = shiftsBySchedule[scheduleRows[index].id]?
                    .contains { $0.person == page.person && $0.start <= page.dueAt && page.dueAt < $0.end } ?? false
                if onCall, let row = scheduleRows[index].people.firstIndex(where: { $0.person == page.person }) {
                    scheduleRows[index].people[row].nightPages += 1
                }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: rota.people.enumerated().map { ($1.id, $0) })
        func sorted(_ rows: [Row]) -> [Row] { rows.sorted { (order[$0.person] ?? Int.max, $0.person) < (order[$1.person] ?? Int.max, $1.person) } }
        people = sorted(Array(perPerson.values))
        bySchedule = scheduleRows.map { rows in
            var rows = rows
            rows.people = sorted(rows.people)
            rows.layers = rows.layers.map { layer in ScheduleRows(id: layer.id, people: sorted(layer.people)) }
            return rows
        }
    }

    /// Hours in units of 1/10,000 h.
    public static func units(_ seconds: Int) -> Int { Int((Double(seconds) / 0.36).rounded()) }

    /// Total, weekday day, weekday night, weekend, holiday: the total is the sum of the rounded
    /// parts, so the printed figures always add up.
    public static func figures(_ hours: OnCallHours) -> [Int] {
        let parts = [hours.weekdayDay, hours.weekdayNight, hours.weekend, hours.holiday].map(units)
        return [parts.reduce(0, +)] + parts
    }

    /// Hours to at most 4 decimals, from whole seconds.
    public static func text(_ seconds: Int) -> String { text(units: units(seconds)) }

    public static func text(units: Int) -> String {
        let whole = units / 10000, fraction = units % 10000
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 4 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
