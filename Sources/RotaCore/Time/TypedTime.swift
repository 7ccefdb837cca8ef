import Foundation

/// Times as people type them (DESIGN §9), relative to `now` and read in one zone:
/// `now`; `+2h`, `-30m`, `+1d`, `+1w`; `today 18:00`, `tomorrow 09:00`, `today` (midnight);
/// a weekday, `sat 09:00` (the next one strictly after `now`); and every form `TimeText`
/// reads. Days and weeks count on the zone's wall clock, as shifts do: `+1d` ends at the same
/// wall time the next day, 23 or 25 hours later across a DST change.
public enum TypedTime {
    public static func parse(_ text: String, now: Date, zone: Zone) -> Date? {
        guard let instant = relative(text, now: now, zone: zone) else { return nil }
        // The same years as typed dates (1970–9999): `+999999w` is no time either.
        return TimeText.seconds.contains(instant.timeIntervalSince1970) ? instant : nil
    }

    private static func relative(_ text: String, now: Date, zone: Zone) -> Date? {
        if let parsed = TimeText.parse(text) { return parsed.instant(in: zone) }
        let words = text.lowercased().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let first = words.first, words.count <= 2 else { return nil }
        if words == ["now"] { return now }
        if words.count == 1, let sign = first.first, sign == "+" || sign == "-" {
            return offset(String(first.dropFirst()), negative: sign == "-", from: now, zone: zone)
        }
        let time: LocalTime
        if words.count == 2 {
            guard let parsed = TimeText.parseTimeOfDay(words[1], allowEndOfDay: false) else { return nil }
            time = parsed
        } else {
            time = LocalTime(minutes: 0)
        }
        let today = zone.wall(at: now).date
        switch first {
        case "today": return zone.instant(of: today, at: time)
        case "tomorrow": return zone.instant(of: today.adding(days: 1), at: time)
        case "yesterday": return zone.instant(of: today.adding(days: -1), at: time)
        default:
            guard let weekday = Weekday(name: String(first.prefix(3))), Self.weekdayNames[weekday.rawValue].contains(first) else { return nil }
            // The next such day (today too, when that time is still to come).
            for ahead in 0...7 {
                let date = today.adding(days: ahead)
                guard date.weekday == weekday else { continue }
                let instant = zone.instant(of: date, at: time)
                if instant > now { return instant }
            }
            return nil
        }
    }

    /// `N` units after (or before) `from`: seconds, minutes and hours as elapsed time; days and
    /// weeks on the wall clock of `zone`.
    public static func offset(_ text: String, negative: Bool = false, from: Date, zone: Zone) -> Date? {
        guard let (count, unit) = DurationText.parse(text, units: [.minutes, .hours, .days, .weeks]) else { return nil }
        let signed = negative ? -count : count
        switch unit {
        case .days, .weeks:
            let days = signed * (unit == .weeks ? 7 : 1)
            let wall = zone.wall(at: from)
            return zone.instant(of: LocalDateTime(date: wall.date.adding(days: days), secondOfDay: wall.secondOfDay))
        default:
            return from.addingTimeInterval(TimeInterval(signed * unit.seconds))
        }
    }

    /// Weekdays as people write them: `sat`, `saturday`.
    static let weekdayNames: [Set<String>] = [
        ["mon", "monday"], ["tue", "tues", "tuesday"], ["wed", "wednesday"], ["thu", "thur", "thurs", "thursday"],
        ["fri", "friday"], ["sat", "saturday"], ["sun", "sunday"],
    ]

    /// What a flag's error message shows as examples.
    public static let examples = "e.g. now, +2h, -30m, +1d, today 18:00, tomorrow 09:00, sat 09:00, 2026-03-29T02:30:00Z, 2026-03-29T02:30 or 2026-03-29"
}
