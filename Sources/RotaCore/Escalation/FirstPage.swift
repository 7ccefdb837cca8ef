import Foundation

/// When a new alert's level 1 is due: at once, or later when it arrives in a maintenance window
/// (at the window's end) or is a low-severity alert outside daytime on a service that says so
/// (at the next daytime start). Pure: the windows and the daytime come in as values.
public enum FirstPage {
    public struct Hold: Hashable, Sendable {
        /// What holds level 1 back, as stored (`held_kind`): removing a maintenance window releases
        /// the alerts its kind names, never by matching the words of `reason`.
        public enum Kind: String, Sendable {
            /// A maintenance window (perhaps followed by a wait for daytime).
            case maintenance
            /// A low-severity alert waiting for daytime, or a hold its raiser gave.
            case daytime
        }

        public var until: Date
        /// What the alert waits for, as `rota alert list` says it.
        public var reason: String
        public var kind: Kind

        public init(until: Date, reason: String, kind: Kind = .daytime) {
            self.until = until
            self.reason = reason
            self.kind = kind
        }
    }

    /// The daytime window of `settings.daytime`, read in one zone.
    public struct Daytime: Sendable {
        public var zone: Zone
        public var from: LocalTime
        public var to: LocalTime

        public init(zone: Zone, from: LocalTime, to: LocalTime) {
            self.zone = zone
            self.from = from
            self.to = to
        }

        public func contains(_ instant: Date) -> Bool {
            let time = zone.wall(at: instant).time
            return from < to ? (time >= from && time < to) : (time >= from || time < to)
        }

        /// The first instant at or after `instant` inside the window (wall clock, DST-aware).
        public func nextStart(after instant: Date) -> Date {
            if contains(instant) { return instant }
            var day = zone.wall(at: instant).date
            for _ in 0..<3 {
                let start = zone.instant(of: day, at: from)
                if start > instant { return start }
                day = day.adding(days: 1)
            }
            return instant
        }
    }

    /// What decides a service's first page besides its maintenance windows: whether a low alert
    /// waits for daytime, and the daytime. The store applies it, with the windows, only when it
    /// creates an alert (a deduplicated raise needs neither).
    public struct Rule: Sendable {
        public var lowWaitsForDaytime: Bool
        public var daytime: Daytime

        public init(lowWaitsForDaytime: Bool, daytime: Daytime) {
            self.lowWaitsForDaytime = lowWaitsForDaytime
            self.daytime = daytime
        }

        public func hold(raisedAt now: Date, severity: Severity, maintenance windows: [(start: Date, end: Date)]) -> Hold? {
            FirstPage.hold(raisedAt: now, severity: severity, lowWaitsForDaytime: lowWaitsForDaytime, maintenance: windows, daytime: daytime)
        }
    }

    /// Nil when level 1 is due at `raisedAt`.
    public static func hold(raisedAt now: Date, severity: Severity, lowWaitsForDaytime: Bool,
                            maintenance windows: [(start: Date, end: Date)], daytime: Daytime) -> Hold? {
        var due = now
        var reasons: [String] = []
        // Windows that touch or overlap one another hold the alert until the last of them ends.
        var moved = true
        while moved {
            moved = false
            for window in windows where window.start <= due && due < window.end {
                due = window.end
                moved = true
            }
        }
        let maintenance = due > now
        if maintenance { reasons.append("in maintenance until \(TimeText.utc(due))") }
        if lowWaitsForDaytime && severity == .low && !daytime.contains(due) {
            due = daytime.nextStart(after: due)
            reasons.append("low severity: waits for daytime at \(TimeText.utc(due))")
        }
        return due > now ? Hold(until: due, reason: reasons.joined(separator: "; "), kind: maintenance ? .maintenance : .daytime) : nil
    }
}
