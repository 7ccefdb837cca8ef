import Foundation
import GRDB
import RotaStore

/// Group commit for raises. Each commit is fsynced (synchronous=FULL), and one writer at a time
/// can commit: raising one alert per transaction caps a storm at the disk's fsync rate. Raises
/// that arrive while a commit runs wait for the next one, which takes them all: one
/// transaction, one fsync, and each caller answered only after it is durable. A batch that
/// fails is retried one raise at a time, so a bad raise fails alone.
actor RaiseQueue {
    struct Item: Sendable {
        var new: NewAlert
        var actor: String
        var now: Date
    }

    typealias Outcome = Result<(alert: StoredAlert, deduplicated: Bool), StoreError>

    private let queue: DatabaseQueue
    private var pending: [(item: Item, done: CheckedContinuation<Outcome, Never>)] = []
    private var committing = false
    /// At most this many raises in one transaction.
    private let limit = 256

    init(queue: DatabaseQueue) {
        self.queue = queue
    }

    func submit(_ item: Item) async -> Outcome {
        await withCheckedContinuation { done in
            pending.append((item, done))
            if !committing {
                committing = true
                Task { await self.commitPending() }
            }
        }
    }

    private func commitPending() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(limit))
            pending.removeFirst(batch.count)
            let items = batch.map(\.item)
            var outcomes: [Outcome]
            do {
                // The async write runs on GRDB's queue: this actor is free meanwhile to take the next raises.
                let results = try await queue.write { db in try items.map { try SQLiteStore.raise(db, $0.new, actor: $0.actor, now: $0.now) } }
                outcomes = results.map { .success($0) }
            } catch {
                outcomes = []
                for item in items {
                    do {
                        outcomes.append(.success(try await queue.write { db in try SQLiteStore.raise(db, item.new, actor: item.actor, now: item.now) }))
                    } catch let error as StoreError {
                        outcomes.append(.failure(error))
                    } catch {
                        outcomes.append(.failure(.database("\(error)")))
                    }
                }
            }
            for (entry, outcome) in zip(batch, outcomes) { entry.done.resume(returning: outcome) }
        }
        committing = false
    }
}
