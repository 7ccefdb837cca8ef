import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// `GET /healthz` and `GET /metrics` (DESIGN §15): for load balancers and Prometheus, open to all.
struct HealthController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
        router.get("healthz") { request, context in try await health() }
        router.get("metrics") { request, context in try await metrics() }
    }

    /// 200 with every problem of DESIGN §15 listed (a stale tick, a failing page, invalid files);
    /// 503 only when the database cannot be read or written, so a dead cron never takes alert
    /// intake out of a load balancer.
    private func health() async throws -> Response {
        let workspace = await state.current()
        do {
            let health = try await workspace.runner.health()
            try await workspace.store.probeWrite()
            return Answer.json(.ok, .object([("status", .string(health.problems.isEmpty ? "ok" : "problems")),
                                           ("last_tick", .instant(health.status.lastTick)),
                                           ("problems", .array(health.problems.map { .string($0) }))]))
        } catch {
            state.logger.error("health check: \(error)")
            return Answer.json(.serviceUnavailable, .object([("status", .string("database unavailable")), ("last_tick", .null),
                                                           ("problems", .array([.string("the database cannot be read or written")]))]))
        }
    }

    private func metrics() async throws -> Response {
        let workspace = await state.current()
        let alerts = try await workspace.alerts.list(includeResolved: false).filter { !$0.isDrill }
        let health = try await workspace.runner.health()
        // Incidents acknowledged since the start: those opened at most 7 days before it, or in the last 14 days.
        let since = max(state.metrics.startedAt, workspace.now.addingTimeInterval(-7 * 86400)).addingTimeInterval(-7 * 86400)
        state.metrics.observe(try await workspace.reports.responseIncidents(openedFrom: since, to: workspace.now.addingTimeInterval(1)))
        let text = state.metrics.exposition(open: Dictionary(grouping: alerts, by: \.status).mapValues(\.count), runner: health.status,
                                            problems: health.problems.count, filesValid: !workspace.invalidFiles)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
