import Foundation

/// Reading and writing times as rota files, flags and JSON spell them.
public enum TimeText {
    /// A time as typed: an instant (`Z` or `±HH:MM`), or a wall time to be read in a zone.
    public enum Parsed: Equatable, Sendable {
        case instant(Date)
        case wall(LocalDateTime)

        public func instant(in zone: Zone) -> Date {
            switch self {
            case .instant(let date): date
            case .wall(let wall): zone.instant(of: wall)
            }
        }
    }

    /// `2026-03-29T02:30:00Z`, `2026-03-29T02:30+02:00`, `2026-03-29T02:30`, `2026-03-29 02:30`
    /// or a bare date `2026-03-29` (its midnight). Nil when it is none of these.
    public static func parse(_ text: String) -> Parsed? {
        var chars = asciiTrimmed(text)
        guard let date = parseDate(chars.prefix(10)) else { return nil }
        if chars.count == 10 { return .wall(LocalDateTime(date: date, secondOfDay: 0)) }
        guard chars.count >= 16, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "t") else { return nil }
        chars.removeFirst(11)
        guard let hour = number(chars, 0, 2), chars[2] == UInt8(ascii: ":"), let minute = number(chars, 3, 2) else { return nil }
        var index = 5
        var second = 0
        if chars.count >= 8, chars[5] == UInt8(ascii: ":") {
            guard let value = number(chars, 6, 2) else { return nil }
            second = value
            index = 8
            // Fractions of a second are accepted and dropped.
            if index < chars.count, chars[index] == UInt8(ascii: ".") {
                index += 1
                while index < chars.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(chars[index]) { index += 1 }
            }
        }
        guard hour <= 24, minute < 60, second < 60, hour < 24 || (minute == 0 && second == 0) else { return nil }
        let wall = LocalDateTime(date: date, secondOfDay: hour * 3600 + minute * 60 + second)
        let rest = Array(chars[index...])
        if rest.isEmpty { return .wall(wall) }
        if rest == [UInt8(ascii: "Z")] || rest == [UInt8(ascii: "z")] {
            return .instant(Date(timeIntervalSince1970: TimeInterval(wall.naiveSeconds)))
        }
        guard rest.count == 6 || rest.count == 5 || rest.count == 3,
              rest[0] == UInt8(ascii: "+") || rest[0] == UInt8(ascii: "-"),
              let offsetHours = number(rest, 1, 2), offsetHours <= 18 else { return nil }
        var offsetMinutes = 0
        if rest.count == 6 {
            guard rest[3] == UInt8(ascii: ":"), let value = number(rest, 4, 2), value < 60 else { return nil }
            offsetMinutes = value
        } else if rest.count == 5 {
            guard let value = number(rest, 3, 2), value < 60 else { return nil }
            offsetMinutes = value
        }
        let offset = (offsetHours * 3600 + offsetMinutes * 60) * (rest[0] == UInt8(ascii: "-") ? -1 : 1)
        return .instant(Date(timeIntervalSince1970: TimeInterval(wall.naiveSeconds - offset)))
    }

    /// The years a time may name: proleptic Gregorian, from the Unix epoch's year on.
    public static let years = 1970...9999
    /// The instants those years hold, in seconds since the epoch: up to 9999-12-31T23:59:59Z.
    public static let seconds: Range<TimeInterval> = 0..<253_402_300_800

    /// `YYYY-MM-DD`, validated.
    public static func parseDate(_ text: String) -> LocalDate? {
        let bytes = asciiTrimmed(text)
        guard bytes.count == 10 else { return nil }
        return parseDate(bytes[...])
    }

    /// `HH:MM`, with `24:00` allowed when `allowEndOfDay`.
    public static func parseTimeOfDay(_ text: String, allowEndOfDay: Bool) -> LocalTime? {
        let bytes = asciiTrimmed(text)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
              let hour = number(bytes, 0, 2), let minute = number(bytes, 3, 2), minute < 60 else { return nil }
        if hour == 24 && minute == 0 && allowEndOfDay { return LocalTime(minutes: 1440) }
        guard hour < 24 else { return nil }
        return LocalTime(hour: hour, minute: minute)
    }

    /// UTC, to the second: `2026-03-29T00:30:00Z`. The one format of instants in JSON.
    public static func utc(_ instant: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        appendUTC(instant, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTC form of `instant` as bytes; output hot paths build documents this way.
    public static func appendUTC(_ instant: Date, to bytes: inout [UInt8]) {
        let wall = LocalDateTime(naiveSeconds: Int(instant.timeIntervalSince1970.rounded(.down)))
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        // Four digits, or all of them: a window's exclusive end may be 10000-01-01 (never "0000").
        digits(wall.date.year, wall.date.year < 10000 ? 4 : String(wall.date.year).count); bytes.append(UInt8(ascii: "-"))
        digits(wall.date.month, 2); bytes.append(UInt8(ascii: "-"))
        digits(wall.date.day, 2); bytes.append(UInt8(ascii: "T"))
        digits(wall.hour, 2); bytes.append(UInt8(ascii: ":"))
        digits(wall.minute, 2); bytes.append(UInt8(ascii: ":"))
        digits(wall.second, 2); bytes.append(UInt8(ascii: "Z"))
    }

    private static func parseDate(_ bytes: ArraySlice<UInt8>) -> LocalDate? {
        let chars = Array(bytes)
        guard chars.count == 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              let year = number(chars, 0, 4), let month = number(chars, 5, 2), let day = number(chars, 8, 2) else { return nil }
        let date = LocalDate(year: year, month: month, day: day)
        return date.isValid && years.contains(year) ? date : nil
    }

    /// The text's bytes without leading and trailing spaces and tabs.
    static func asciiTrimmed(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let lead = bytes.prefix { $0 == 0x20 || $0 == 0x09 }.count
        if lead > 0 { bytes.removeFirst(lead) }
        return bytes
    }

    private static func number(_ chars: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= chars.count else { return nil }
        var value = 0
        for byte in chars[start..<(start + count)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
