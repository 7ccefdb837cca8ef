import Foundation
import RotaCore

/// The runner's health, for `rota status`.
public struct RunnerStatus: Sendable {
    public var lastTick: Date?
    public var openAlerts: Int
    public var pagesPending: Int
    public var pagesFailed: Int
    /// Pages of open alerts (and notices of the last day) that failed and will not be retried.
    public var pagesFailedForGood: Int
    /// The host that recorded the last tick.
    public var lastTickHost: String?

    public init(lastTick: Date?, openAlerts: Int, pagesPending: Int, pagesFailed: Int, pagesFailedForGood: Int, lastTickHost: String? = nil) {
        self.lastTickHost = lastTickHost
        self.lastTick = lastTick
        self.openAlerts = openAlerts
        self.pagesPending = pagesPending
        self.pagesFailed = pagesFailed
        self.pagesFailedForGood = pagesFailedForGood
    }
}
