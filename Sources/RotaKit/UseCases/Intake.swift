import Foundation
import RotaCore
import RotaStore

/// What an event sent over HTTP did.
public struct IngestOutcome: Sendable {
    /// The alert it made, counted into or answered; nil when an acknowledge or resolve found none open.
    public var alert: StoredAlert?
    public var deduplicated: Bool
    /// Said when the event's own service was not used: it named one the rota files lack, and
    /// the integration's default service took the alert instead.
    public var note: String?

    public init(alert: StoredAlert?, deduplicated: Bool, note: String? = nil) {
        self.alert = alert
        self.deduplicated = deduplicated
        self.note = note
    }
}

/// Alerts arriving over HTTP (DESIGN §6): the integration a token names, and what its events do.
public struct IntakeUseCases: UseCase {
    public let context: Workspace

    /// Applies an event from an integration: a trigger raises (deduplicated by its key; the
    /// runner pages), an acknowledge or resolve answers the open alert with that key, if any.
    /// An Alertmanager integration judges each alert of a group alone: one whose service label
    /// names a service the files lack falls back to the integration's default service (said in
    /// `note`), so one bad label never loses the group's other alerts.
    public func ingest(_ event: IngestEvent, from integration: Integration) async throws -> IngestOutcome {
        guard let serviceID = event.service ?? integration.service else {
            throw RotaError.notFound("the event names no service and integration \(integration.id) has no default one")
        }
        var note: String?
        let service: Service
        if let named = rota.service(serviceID) {
            service = named
        } else if integration.kind == .alertmanager, let fallback = integration.service.flatMap(rota.service) {
            service = fallback
            note = "no service \(serviceID) in the rota files: raised on \(fallback.id), the integration's default service"
        } else {
            service = try self.service(serviceID)
        }
        let actor = "integration:\(integration.id)"
        switch event.action {
        case .trigger:
            let raised = try await context.alerts.raise(service: service.id, summary: event.summary, details: event.details, severity: event.severity,
                                         dedupKey: event.dedupKey, labels: event.labels, groupKey: event.groupKey, actorID: actor, pageNow: false)
            if let note { logger.warning("integration \(integration.id), alert \(event.dedupKey ?? "?"): \(note)") }
            return IngestOutcome(alert: raised.alert, deduplicated: raised.deduplicated, note: note)
        case .acknowledge, .resolve:
            guard let key = event.dedupKey,
                  let open = try await storeCall({ try await store.openAlert(service: service.id, dedupKey: key) }) else {
                return IngestOutcome(alert: nil, deduplicated: false)
            }
            let answered = event.action == .acknowledge
                ? try await context.alerts.acknowledge(open.id, actorID: actor)
                : try await context.alerts.resolveAlone(open.id, actorID: actor)
            return IngestOutcome(alert: answered, deduplicated: false, note: note)
        }
    }

}

extension Workspace {
    public var intake: IntakeUseCases { IntakeUseCases(context: self) }
}
