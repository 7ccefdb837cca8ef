import Foundation
import RotaCore

/// Shifts as an RFC 5545 calendar: one VEVENT per concrete shift, UTC times, no RRULE
/// (recurrence rules mishandle DST gaps in common readers), CRLF line ends, lines folded at
/// 75 octets, text escaped, and a UID that stays the same for the same shift across exports.
public enum ICalendar {
    /// `feed`: a subscribed calendar (rota serve): it says how often to refresh, and on-call
    /// time does not block the person's calendar as busy.
    public static func render(_ shifts: [Shift], rota: Rota, now: Date, feed: Bool = false) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rota//on-call shifts//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + escape("On call (rota)")]
        if feed { lines += ["REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"] }
        for shift in shifts {
            let schedule = rota.schedule(shift.schedule)?.name ?? shift.schedule
            let person = rota.person(shift.person)?.name ?? shift.person
            lines += [
                "BEGIN:VEVENT",
                "UID:" + uid(shift),
                "DTSTAMP:" + stamp(now),
                "DTSTART:" + stamp(shift.start),
                "DTEND:" + stamp(shift.end),
                "SUMMARY:" + escape("On call: \(schedule) (\(person))"),
                "DESCRIPTION:" + escape("\(person) is on call for \(schedule) (\(shift.schedule)).\nSee 'rota now --schedule \(shift.schedule)'."),
                "CATEGORIES:ON-CALL",
                feed ? "TRANSP:TRANSPARENT" : "TRANSP:OPAQUE",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Stable per shift: schedule, person and start (a shift keeps its start across exports).
    static func uid(_ shift: Shift) -> String {
        "\(shift.schedule)-\(shift.person)-\(stamp(shift.start))@rota"
    }

    /// `20260329T003000Z`
    static func stamp(_ instant: Date) -> String {
        TimeText.utc(instant).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// Folds a content line at 75 octets, never inside a UTF-8 sequence (§3.1).
    static func fold(_ line: String) -> String {
        var bytes = Array(line.utf8)
        guard bytes.count > 75 else { return line }
        var parts: [[UInt8]] = []
        var limit = 75
        while bytes.count > limit {
            var cut = limit
            while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
            parts.append(Array(bytes[..<cut]))
            bytes.removeFirst(cut)
            limit = 74  // continuation lines start with a space
        }
        parts.append(bytes)
        return parts.enumerated().map { ($0.offset == 0 ? "" : " ") + String(decoding: $0.element, as: UTF8.self) }.joined(separator: "\r\n")
    }
}
