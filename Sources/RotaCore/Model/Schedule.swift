import Foundation

/// A rota: who is on call at each instant.
public struct Schedule: Hashable, Sendable {
    public var id: String
    public var name: String
    public var zone: Zone
    /// A later layer beats an earlier one wherever it has someone.
    public var layers: [Layer]
    /// Overrides planned in the rota files, in file order (a later one wins).
    public var overrides: [Override]
    /// Public holidays of this schedule, on top of the rota's own list (for the hours report).
    public var holidays: [LocalDate]
    /// Covers business hours only (`expect_gaps: true`): `rota check` lists its gaps as information.
    public var expectGaps: Bool = false

    public init(id: String, name: String, zone: Zone, layers: [Layer], overrides: [Override] = [], holidays: [LocalDate] = []) {
        self.id = id
        self.name = name
        self.zone = zone
        self.layers = layers
        self.overrides = overrides
        self.holidays = holidays
    }
}

/// One rotation: members take turns in fixed-length shifts.
public struct Layer: Hashable, Sendable {
    public var name: String
    public var members: [String]
    /// Wall time of members[0]'s first shift, in the schedule's zone.
    public var start: LocalDateTime
    public var shift: ShiftLength
    /// From this wall time on the layer has nobody.
    public var end: LocalDateTime?
    /// When not empty, the layer covers only the union of these windows.
    public var restrictions: [Restriction]

    public init(name: String, members: [String], start: LocalDateTime, shift: ShiftLength,
                end: LocalDateTime? = nil, restrictions: [Restriction] = []) {
        self.name = name
        self.members = members
        self.start = start
        self.shift = shift
        self.end = end
        self.restrictions = restrictions
    }
}

/// A shift's length, counted on the wall clock: `12h`, `1d`, `1w`.
public struct ShiftLength: Hashable, Sendable, CustomStringConvertible {
    public enum Unit: Character, Sendable {
        case hours = "h", days = "d", weeks = "w"
    }

    public var count: Int
    public var unit: Unit

    public init(count: Int, unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// Parses `Nh`, `Nd` or `Nw`.
    public init?(_ text: String) {
        guard let parsed = DurationText.parse(text, units: [.hours, .days, .weeks]),
              let unit = Unit(rawValue: parsed.unit.rawValue) else { return nil }
        self.init(count: parsed.count, unit: unit)
    }

    /// Nominal length in seconds (the wall-clock length; DST can make a real shift differ).
    public var nominalSeconds: Int {
        switch unit {
        case .hours: count * 3600
        case .days: count * 86400
        case .weeks: count * 604800
        }
    }

    /// Wall time `k` shifts after `start`.
    public func boundary(_ k: Int, from start: LocalDateTime) -> LocalDateTime {
        switch unit {
        case .hours: LocalDateTime(naiveSeconds: start.naiveSeconds + k * count * 3600)
        case .days: LocalDateTime(date: start.date.adding(days: k * count), secondOfDay: start.secondOfDay)
        case .weeks: LocalDateTime(date: start.date.adding(days: k * count * 7), secondOfDay: start.secondOfDay)
        }
    }

    public var description: String { "\(count)\(unit.rawValue)" }
}

/// A window a layer covers: on each of `days`, from `from` to `to`
/// (the next day when `to <= from`; 24:00 is the next day's midnight).
public struct Restriction: Hashable, Sendable {
    public var days: Set<Weekday>
    public var from: LocalTime
    public var to: LocalTime

    public init(days: Set<Weekday>, from: LocalTime, to: LocalTime) {
        self.days = days
        self.from = from
        self.to = to
    }

    /// The window that opens on `date`, as wall times.
    public func window(on date: LocalDate) -> (start: LocalDateTime, end: LocalDateTime) {
        let start = LocalDateTime(date: date, time: from)
        let endDate = to <= from ? date.adding(days: 1) : date
        return (start, LocalDateTime(date: endDate, time: to))
    }
}

/// "P covers the schedule from A to B"; beats every layer.
public struct Override: Hashable, Sendable {
    public var id: Int?
    public var person: String
    public var start: Date
    public var end: Date

    public init(id: Int? = nil, person: String, start: Date, end: Date) {
        self.id = id
        self.person = person
        self.start = start
        self.end = end
    }
}

/// "P is away from A to B": skipped in every rotation meanwhile.
public struct Leave: Hashable, Sendable {
    public var id: Int?
    public var person: String
    public var start: Date
    public var end: Date

    public init(id: Int? = nil, person: String, start: Date, end: Date) {
        self.id = id
        self.person = person
        self.start = start
        self.end = end
    }
}
