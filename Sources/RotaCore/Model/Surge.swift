/// A storm is a crisis of its own: so many arrivals on some services within a window raise one
/// alert on another service, whose escalation reaches the people who must know (DESIGN §8).
public struct Surge: Hashable, Sendable {
    public var id: String
    public var services: [String]
    /// Arrivals (new or deduplicated raises) that make a surge ...
    public var alerts: Int
    /// ... within this many seconds.
    public var within: Int
    /// Where the surge's own alert is raised.
    public var service: String
    /// The surge's incident takes in the storm's incidents and later arrivals (DESIGN §10); false: each alert pages on its own.
    public var absorb: Bool

    public init(id: String, services: [String], alerts: Int, within: Int, service: String, absorb: Bool = true) {
        self.absorb = absorb
        self.id = id
        self.services = services
        self.alerts = alerts
        self.within = within
        self.service = service
    }

    public var dedupKey: String { "surge:\(id)" }

    public func summary(count: Int) -> String {
        "Surge \(id): \(count) alerts within \(within / 60) min on \(services.joined(separator: ", "))"
    }
}
