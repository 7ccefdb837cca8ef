import Foundation
import RotaCore
import RotaStore

/// The engine as a long-running service (for `rota serve`): a tick every `interval`, and at
/// once when `trigger()` is called (an alert arrived). Ticks never overlap; a trigger during a
/// tick runs one more tick after it. Shares the runner lock with cron's `rota tick`, so either
/// or both may run.
public actor EngineLoop {
    private let engine: Engine
    private let interval: Duration
    private let snapshot: @Sendable (Date) async throws -> RotaSnapshot
    private let clock: @Sendable () -> Date
    private let onError: @Sendable (any Error) -> Void
    private var pending = false
    private var wake: CheckedContinuation<Void, Never>?

    public init(engine: Engine, interval: Duration, snapshot: @escaping @Sendable (Date) async throws -> RotaSnapshot,
                clock: @escaping @Sendable () -> Date, onError: @escaping @Sendable (any Error) -> Void) {
        self.engine = engine
        self.interval = interval
        self.snapshot = snapshot
        self.clock = clock
        self.onError = onError
    }

    /// Asks for a tick now (or right after the one running).
    public func trigger() {
        pending = true
        wake?.resume()
        wake = nil
    }

    /// Ticks until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            pending = false
            await tickOnce()
            if pending { continue }
            await sleepOrTrigger()
        }
    }

    /// One tick under the runner lock (skipped when cron's tick holds it).
    public func tickOnce() async {
        do {
            guard let lock = try await engine.store.acquireRunnerLock() else { return }
            defer { lock.release() }
            let now = clock().wholeMilliseconds
            _ = try await engine.tick(try await snapshot(now), now: now, clock: now) { Task.isCancelled }
        } catch {
            onError(error)
        }
    }

    private func sleepOrTrigger() async {
        let interval = self.interval
        let timer = Task { [weak self] in
            try? await Task.sleep(for: interval)
            await self?.trigger()
        }
        await withCheckedContinuation { continuation in
            if pending { continuation.resume() } else { wake = continuation }
        }
        timer.cancel()
    }
}
