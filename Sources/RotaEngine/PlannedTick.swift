import Foundation
import RotaCore
import RotaStore

/// A tick planned under the runner lock, its deliveries still to make (outside the lock).
public struct PlannedTick: Sendable {
    public let engine: Engine
    public let snapshot: RotaSnapshot
    public let now: Date

    /// Delivers what the plan left due; `shouldStop` ends the claiming early (SIGTERM).
    public func deliver(shouldStop: @escaping @Sendable () -> Bool = { false }) async throws(StoreError) -> DeliveryReport {
        try await engine.deliver(snapshot, now: now, shouldStop: shouldStop)
    }
}

extension Engine {
    /// The planning half of every tick (`rota tick`, `rota serve`'s runner): under the runner lock
    /// (nil when another runner holds it; `useLock` false lets tests run ticks truly at once),
    /// `gather` reads what the tick needs (heartbeats raised first, then the snapshot), and the
    /// plan is applied. Delivery is left to the caller, outside the lock.
    public func planTick(now: Date, clock: Date, useLock: Bool = true,
                         gather: () async throws -> RotaSnapshot) async throws -> PlannedTick? {
        var lock: (any RunnerLock)?
        if useLock {
            guard let held = try await store.acquireRunnerLock() else { return nil }
            lock = held
        }
        defer { lock?.release() }
        let snapshot = try await gather()
        try await prepare(snapshot, now: now, clock: clock)
        return PlannedTick(engine: self, snapshot: snapshot, now: now)
    }
}
