import Foundation
import RotaCore
import RotaStore
import Synchronization

/// The engine as a long-running service (for `rota serve`): a tick every `interval`, and at
/// once when `trigger()` is called (an alert arrived). Ticks never overlap; a trigger during a
/// tick runs one more tick after it. Each tick takes the runner lock that cron's `rota tick`
/// takes, so either or both may run. `stop()` claims nothing more, lets the deliveries in
/// flight finish and be recorded, and ends `run()`.
public actor EngineLoop {
    private let engine: Engine
    private let interval: Duration
    private let snapshot: @Sendable (Date) async throws -> RotaSnapshot
    private let clock: @Sendable () -> Date
    private let onError: @Sendable (any Error) -> Void
    private let onTick: @Sendable () -> Void
    private let stopping = StopFlag()
    private var pending = false
    private var wake: CheckedContinuation<Void, Never>?

    public init(engine: Engine, interval: Duration, snapshot: @escaping @Sendable (Date) async throws -> RotaSnapshot,
                clock: @escaping @Sendable () -> Date, onError: @escaping @Sendable (any Error) -> Void,
                onTick: @escaping @Sendable () -> Void = {}) {
        self.engine = engine
        self.interval = interval
        self.snapshot = snapshot
        self.clock = clock
        self.onError = onError
        self.onTick = onTick
    }

    /// Asks for a tick now (or right after the one running).
    public func trigger() {
        pending = true
        wake?.resume()
        wake = nil
    }

    /// Ends `run()` after the tick in progress, whose deliveries in flight finish.
    public func stop() {
        stopping.set()
        trigger()
    }

    /// Ticks until stopped or cancelled.
    public func run() async {
        while !stopping.isSet, !Task.isCancelled {
            pending = false
            await tickOnce()
            if pending { continue }
            await sleepOrTrigger()
        }
    }

    /// One tick under the runner lock (skipped when another runner holds it).
    public func tickOnce() async {
        do {
            guard let lock = try await engine.store.acquireRunnerLock() else { return }
            defer { lock.release() }
            let now = clock().wholeMilliseconds
            let flag = stopping
            _ = try await engine.tick(try await snapshot(now), now: now, clock: now) { flag.isSet }
            onTick()
        } catch {
            onError(error)
        }
    }

    private func sleepOrTrigger() async {
        guard !stopping.isSet else { return }
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

/// A flag set once, read from any thread.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }
}
