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
}
