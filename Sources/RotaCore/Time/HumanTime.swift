import Foundation

/// Wall times for people: `Mon 30 Nov 09:00 CET`. The CLI's tables and the board speak it alike.
public enum HumanTime {
    public static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    public static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    public static func format(_ instant: Date, in zone: Zone, year: Bool = false) -> String {
        var text = day(instant, in: zone)
        if year { text += " \(zone.wall(at: instant).date.year)" }
        return text + " " + clock(instant, in: zone) + " " + zone.label(at: instant)
    }

    /// `Mon 30 Nov`: the wall date in the zone.
    public static func day(_ instant: Date, in zone: Zone) -> String {
        let date = zone.wall(at: instant).date
        return "\(days[date.weekday.rawValue]) \(date.day < 10 ? "0" : "")\(date.day) \(months[date.month - 1])"
    }

    /// `09:00`: the wall clock in the zone.
    public static func clock(_ instant: Date, in zone: Zone) -> String {
        let wall = zone.wall(at: instant)
        return (wall.hour < 10 ? "0\(wall.hour)" : "\(wall.hour)") + ":" + (wall.minute < 10 ? "0\(wall.minute)" : "\(wall.minute)")
    }

    /// `text` with every UTC instant as rota writes them (`2026-11-25T23:00:00Z`, the audit log's
    /// details) shown as a wall time in `zone` (`Wed 25 Nov 2026 00:00 +01:00`): old records read like new ones.
    public static func rewritingInstants(in text: String, zone: Zone) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, text.contains("Z") else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 32)
        var index = 0
        func digit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        while index < bytes.count {
            // YYYY-MM-DDTHH:MM:SSZ, not inside a longer word or number.
            if index + 20 <= bytes.count, bytes[index + 4] == UInt8(ascii: "-"), bytes[index + 10] == UInt8(ascii: "T"),
               bytes[index + 19] == UInt8(ascii: "Z"), (index == 0 || !digit(index - 1)),
               [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].allSatisfy({ digit(index + $0) }),
               case .instant(let instant)? = TimeText.parse(String(decoding: bytes[index..<(index + 20)], as: UTF8.self)) {
                out += Array(format(instant, in: zone, year: true).utf8)
                index += 20
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
