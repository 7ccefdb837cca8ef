import Foundation

/// Durations as written in rota files and flags: "15m", "1h", "2d", "1w".
public enum DurationUnit: Character, Sendable, CaseIterable {
    case seconds = "s", minutes = "m", hours = "h", days = "d", weeks = "w"

    public var seconds: Int {
        switch self {
        case .seconds: 1
        case .minutes: 60
        case .hours: 3600
        case .days: 86400
        case .weeks: 604800
        }
    }
}

public enum DurationText {
    /// Parses `N<unit>` with N a positive whole number and the unit one of `units`.
    /// Returns nil for anything else; callers say which form they expected.
    public static func parse(_ text: String, units: [DurationUnit]) -> (count: Int, unit: DurationUnit)? {
        let trimmed = String(decoding: TimeText.asciiTrimmed(text), as: UTF8.self)
        guard let last = trimmed.last, let unit = DurationUnit(rawValue: last), units.contains(unit) else { return nil }
        let digits = trimmed.dropLast()
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let count = Int(digits), count > 0 else { return nil }
        return (count, unit)
    }

    public static func seconds(_ text: String, units: [DurationUnit]) -> Int? {
        parse(text, units: units).map { $0.count * $0.unit.seconds }
    }

    /// "1h30m"-free rendering for humans: the largest unit that divides evenly.
    public static func format(seconds: Int) -> String {
        for unit in [DurationUnit.weeks, .days, .hours, .minutes] where seconds % unit.seconds == 0 && seconds >= unit.seconds {
            return "\(seconds / unit.seconds)\(unit.rawValue)"
        }
        return "\(seconds)s"
    }
}

