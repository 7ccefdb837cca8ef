import Foundation
import RotaCore
import RotaStore

/// Heartbeats (DESIGN §10): pings, their state, the alerts of missed ones.
public struct HeartbeatUseCases: UseCase {
    public let context: Workspace

    public func heartbeat(_ id: String) throws -> Heartbeat {
        guard let heartbeat = rota.heartbeat(id) else {
            throw RotaError.notFound("no heartbeat '\(id)'; known: \(rota.heartbeats.map(\.id).joined(separator: ", "))")
        }
        return heartbeat
    }

    /// A ping: recorded, and the heartbeat's open "missed" alert, if any, resolved (actor `heartbeat`).
    public func ping(heartbeat id: String) async throws -> Date {
        let heartbeat = try heartbeat(id)
        _ = try await storeCall { try await store.ping(heartbeat: heartbeat.id, now: now) }
        if let open = try await storeCall({ try await store.openAlert(service: heartbeat.service, dedupKey: heartbeat.dedupKey) }) {
            _ = try await context.alerts.resolveAlone(open.id, actorID: "heartbeat")
        }
        return now
    }

    /// Every heartbeat with its last ping and its state at `now`.
    public func list() async throws -> [(heartbeat: Heartbeat, lastPing: Date?, state: Heartbeat.State)] {
        let pings = try await storeCall { try await store.lastPings() }
        return rota.heartbeats.map { ($0, pings[$0.id], $0.state(lastPing: pings[$0.id], now: now)) }
    }

    /// Raises the "missed" alert of every heartbeat overdue at `now` that has none open (a tick,
    /// cron's or the server's, does this first).
    public func raiseMissedHeartbeats() async throws {
        for (heartbeat, lastPing, state) in try await list() {
            guard case .missed = state, let lastPing, rota.service(heartbeat.service) != nil,
                  try await storeCall({ try await store.openAlert(service: heartbeat.service, dedupKey: heartbeat.dedupKey) }) == nil else { continue }
            _ = try await context.alerts.raise(service: heartbeat.service, summary: "Heartbeat \(heartbeat.id) missed: last ping \(HumanTime.format(lastPing, in: inputZone))",
                                details: "Expected every \(heartbeat.every / 60) min, with \(heartbeat.grace / 60) min of grace.",
                                severity: .high, dedupKey: heartbeat.dedupKey, actorID: "heartbeat", pageNow: false)
        }
    }
}

extension Workspace {
    public var heartbeats: HeartbeatUseCases { HeartbeatUseCases(context: self) }
}
