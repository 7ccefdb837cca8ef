import Foundation
import RotaCore
import RotaStore
import Synchronization

/// The engine as a long-running service (for `rota serve`): a tick every `interval`, and at
/// once when `trigger()` is called (an alert arrived). Ticks never overlap; a trigger during a
/// tick runs one more tick after it. Each tick is planned by `plan` (the same planning as cron's
/// `rota tick`, under the same runner lock, so either or both may run; nil when another runner
/// holds it), then its deliveries go to a round of their own and the loop goes on: a round
/// waiting on a slow peer never delays the next tick's pages (at most `maxRounds` run at once).
/// `stop()` claims nothing more, lets the deliveries in flight finish and be recorded, and ends `run()`.
public actor EngineLoop {
    private let interval: Duration
    private let plan: @Sendable () async throws -> PlannedTick?
    private let onError: @Sendable (any Error) -> Void
    private let onTick: @Sendable () -> Void
    private let stopping = StopFlag()
    private var pending = false
    private var wake: CheckedContinuation<Void, Never>?
    /// Delivery rounds still running, by number.
    private var rounds: [Int: Task<Void, Never>] = [:]
    private var roundsStarted = 0
    public var maxRounds = 8

    public init(interval: Duration, plan: @escaping @Sendable () async throws -> PlannedTick?,
                onError: @escaping @Sendable (any Error) -> Void, onTick: @escaping @Sendable () -> Void = {}) {
        self.interval = interval
        self.plan = plan
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

    /// Ticks until stopped or cancelled; then waits for the delivery rounds in flight.
    public func run() async {
        while !stopping.isSet, !Task.isCancelled {
            pending = false
            await tickOnce()
            if pending { continue }
            await sleepOrTrigger()
        }
        for round in rounds.values { await round.value }
    }

    /// One tick: planned (skipped when another runner holds the lock), its deliveries started in
    /// a round of their own.
    public func tickOnce() async {
        do {
            guard let planned = try await plan() else { return }
            onTick()
            guard rounds.count < maxRounds else { return }
            roundsStarted += 1
            let number = roundsStarted
            let (flag, onError) = (stopping, self.onError)
            rounds[number] = Task {
                do { _ = try await planned.deliver { flag.isSet } } catch { onError(error) }
                self.finished(round: number)
            }
        } catch {
            onError(error)
        }
    }

    private func finished(round: Int) {
        rounds[round] = nil
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
