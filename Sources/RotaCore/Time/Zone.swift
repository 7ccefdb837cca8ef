import Foundation

/// An IANA time zone with the wall-clock arithmetic rota needs.
///
/// Wall times are read as instants with Foundation's `Calendar.date(from:)`,
/// which follows RFC 5545: a time inside a spring-forward gap moves forward by
/// the gap's length, and a time that occurs twice is the earlier instant.
public struct Zone: Hashable, Sendable, CustomStringConvertible {
    public let identifier: String
    public let timeZone: TimeZone
    private let calendar: Calendar

    /// Only IANA names ("Europe/Paris", "UTC"); abbreviations such as "CET"
    /// or "EST" are refused because they are ambiguous or ignore DST.
    public init?(identifier: String) {
        guard Zone.isIANAName(identifier), let timeZone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public static let utc = Zone(identifier: "UTC")!

    /// IANA names are Area/Location (or UTC). Foundation also accepts abbreviations ("CET",
    /// "EST") and offsets ("GMT+1"); those have no slash and are refused here.
    static func isIANAName(_ name: String) -> Bool {
        if name == "UTC" { return true }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        // Etc/GMT+1 and the like are fixed offsets (with inverted signs): as ambiguous as "GMT+1".
        if let last = parts.last, last.count > 3, last.hasPrefix("GMT") || last.hasPrefix("UTC") { return false }
        return parts.count >= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-+".contains($0)) } }
    }

    public var description: String { identifier }

    public static func == (a: Zone, b: Zone) -> Bool { a.identifier == b.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// The instant of a wall time (gap: moved forward; overlap: the earlier).
    public func instant(of wall: LocalDateTime) -> Date {
        let components = DateComponents(
            year: wall.date.year, month: wall.date.month, day: wall.date.day,
            hour: wall.hour, minute: wall.minute, second: wall.second)
        if let date = calendar.date(from: components) { return date }
        // Not expected for valid components; fall back to the offset in force a day earlier.
        let guess = Date(timeIntervalSince1970: TimeInterval(wall.naiveSeconds))
        let offset = timeZone.secondsFromGMT(for: guess.addingTimeInterval(-86400))
        return Date(timeIntervalSince1970: TimeInterval(wall.naiveSeconds - offset))
    }

    public func instant(of date: LocalDate, at time: LocalTime) -> Date {
        instant(of: LocalDateTime(date: date, time: time))
    }

    /// The wall time at an instant.
    public func wall(at instant: Date) -> LocalDateTime {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        return LocalDateTime(naiveSeconds: seconds + timeZone.secondsFromGMT(for: instant))
    }

    public func offsetSeconds(at instant: Date) -> Int { timeZone.secondsFromGMT(for: instant) }

    /// What a wall time is on this zone's clock.
    public enum WallTimeKind: Equatable, Sendable {
        case normal
        /// Skipped by a spring-forward change.
        case nonexistent
        /// Occurs twice because of a fall-back change.
        case ambiguous
    }

    public func kind(of wall: LocalDateTime) -> WallTimeKind {
        let first = instant(of: wall)
        if self.wall(at: first) != wall { return .nonexistent }
        // A later instant with the same wall time exists when the offset drops within the day.
        let later = timeZone.secondsFromGMT(for: first.addingTimeInterval(86400))
        let offset = timeZone.secondsFromGMT(for: first)
        if later < offset {
            let candidate = Date(timeIntervalSince1970: TimeInterval(wall.naiveSeconds - later))
            if candidate > first, self.wall(at: candidate) == wall { return .ambiguous }
        }
        return .normal
    }

    /// A short label for humans: the UTC offset in force (`+01:00`), or `UTC`. Zone
    /// abbreviations are not used: ICU's are often "GMT+1" on Linux and cost a data load.
    public func label(at instant: Date) -> String {
        let offset = offsetSeconds(at: instant)
        if offset == 0 && (identifier == "UTC" || identifier == "Etc/UTC") { return "UTC" }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return sign + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2)
    }
}
