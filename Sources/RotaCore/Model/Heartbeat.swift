import Foundation

/// A job that must check in, or someone is paged (DESIGN §8).
public struct Heartbeat: Hashable, Sendable {
    public var id: String
    /// Where its "missed" alert is raised.
    public var service: String
    /// Seconds between pings.
    public var every: Int
    /// Seconds of slack after `every` before it counts as missed.
    public var grace: Int
    /// Where the token for `POST /v1/heartbeats/ID` comes from: a variable, or a 0600 file.
    public var tokenEnv: String?
    public var tokenFile: String?

    public init(id: String, service: String, every: Int, grace: Int, tokenEnv: String? = nil, tokenFile: String? = nil) {
        self.id = id
        self.service = service
        self.every = every
        self.grace = grace
        self.tokenEnv = tokenEnv
        self.tokenFile = tokenFile
    }

    /// The dedup key of its "missed" alert: one open at a time.
    public var dedupKey: String { "heartbeat:\(id)" }

    /// When a heartbeat last pinged at `lastPing` counts as missed. Instants, never wall time,
    /// so a DST night neither makes it late nor early.
    public func missedAt(lastPing: Date) -> Date {
        lastPing.addingTimeInterval(TimeInterval(every + grace))
    }

    /// Where a heartbeat stands at `now`.
    public enum State: Hashable, Sendable {
        /// Never pinged: not watched yet.
        case inactive
        case ok(until: Date)
        case missed(since: Date)
    }

    public func state(lastPing: Date?, now: Date) -> State {
        guard let lastPing else { return .inactive }
        let missed = missedAt(lastPing: lastPing)
        return now >= missed ? .missed(since: missed) : .ok(until: missed)
    }
}
