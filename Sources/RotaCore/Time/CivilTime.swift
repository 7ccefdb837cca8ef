/// A day of the week, Monday first (ISO 8601).
public enum Weekday: Int, CaseIterable, Sendable, Comparable {
    case monday = 0, tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }

    /// Three-letter names as written in rota files.
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init?(name: String) {
        guard let index = Weekday.names.firstIndex(of: name.lowercased()) else { return nil }
        self.init(rawValue: index)
    }

    /// The day after (sunday is followed by monday).
    public var next: Weekday {
        Weekday.allCases[(rawValue + 1) % Weekday.allCases.count]
    }

    public var name: String { Weekday.names[rawValue] }
    public var isWeekend: Bool { self == .saturday || self == .sunday }
}

/// A calendar date with no zone (proleptic Gregorian).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let index = ((dayNumber % 7) + 7 + 3) % 7
        return Weekday(rawValue: index)!
    }

    public var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= LocalDate.daysIn(month: month, year: year)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    public var description: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }
}

/// A time of day in minutes since midnight; 1440 is "24:00", the end of the day.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minutes: Int

    public init(minutes: Int) { self.minutes = minutes }
    public init(hour: Int, minute: Int) { self.minutes = hour * 60 + minute }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.minutes < b.minutes }
    public var description: String { pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2) }
}

/// A wall-clock date and time with no zone.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: LocalDate
    /// Seconds since the date's midnight, 0..<86400 once normalised.
    public var secondOfDay: Int

    public init(date: LocalDate, secondOfDay: Int) {
        let days = secondOfDay >= 0 ? secondOfDay / 86400 : (secondOfDay - 86399) / 86400
        self.date = date.adding(days: days)
        self.secondOfDay = secondOfDay - days * 86400
    }

    public init(date: LocalDate, time: LocalTime) {
        self.init(date: date, secondOfDay: time.minutes * 60)
    }

    /// Seconds since 1970-01-01T00:00 on the same naive wall clock.
    public var naiveSeconds: Int { date.dayNumber * 86400 + secondOfDay }

    public init(naiveSeconds: Int) {
        self.init(date: LocalDate(dayNumber: 0), secondOfDay: naiveSeconds)
    }

    public var hour: Int { secondOfDay / 3600 }
    public var minute: Int { secondOfDay / 60 % 60 }
    public var second: Int { secondOfDay % 60 }
    public var time: LocalTime { LocalTime(minutes: secondOfDay / 60) }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.naiveSeconds < b.naiveSeconds }

    public var description: String {
        var text = date.description + "T" + pad(hour, 2) + ":" + pad(minute, 2)
        if second != 0 { text += ":" + pad(second, 2) }
        return text
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    let sign = value < 0 ? "-" : ""
    return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
