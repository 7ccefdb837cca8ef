import Foundation

/// How the last tick mark stands at `now`: the one rule behind `rota status`, `/healthz` and the
/// admins' alarm (they differ only in how old is too old).
public enum TickMark: Equatable, Sendable {
    case none
    case fresh
    /// Older than allowed by this many seconds' age.
    case stale(age: Int)
    /// In the future (a tick ran with a future --now): cron's own ticks cannot be seen until one replaces it.
    case ahead(by: Int)

    /// A mark more than a second ahead of `now` is `ahead`; one older than `staleAfter` is `stale`.
    public static func judge(_ lastTick: Date?, now: Date, staleAfter: TimeInterval) -> TickMark {
        guard let lastTick else { return .none }
        let age = now.timeIntervalSince(lastTick)
        if age < -1 { return .ahead(by: Int(-age)) }
        return age > staleAfter ? .stale(age: Int(age)) : .fresh
    }
}
