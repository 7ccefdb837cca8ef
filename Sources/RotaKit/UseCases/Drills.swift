import Foundation
import RotaCore
import RotaEngine
import RotaStore

/// Drills (DESIGN §12, §16): a practice incident that walks a real chain. It is an alert on the
/// service `drill:ID` (no real service has a colon in its id, so no group, surge or maintenance
/// window ever matches it) whose dedup key begins `drill:`; every level is paged once, answers
/// are recorded without changing it, and it ends by itself.
/// Drills (DESIGN §12): start one, raise the scheduled ones, record their answers.
public struct DrillUseCases: UseCase {
    public let context: Workspace

    /// `rota drill --escalation E [--as P]`: opens a drill on E's chain and pages its level 1 at once.
    public func start(escalation id: String, as person: String?,
                           shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> RaiseOutcome {
        guard let policy = rota.escalation(id) else {
            throw RotaError.notFound("no escalation '\(id)'; the rota files have: \(rota.escalations.map(\.id).joined(separator: ", "))")
        }
        let actor = try actor(as: person)
        let raised = try await storeCall { try await store.raise(Self.drillAlert(id: "manual", escalation: policy.id, rota: rota,
                                                                                 dedupKey: Drill.manualKey(escalation: policy.id, at: now)),
                                                                   actor: actor, now: now) }
        var alert = raised.alert
        var failures: [DeliveryReport.Item] = []
        var deferred: String?
        do {
            (alert, failures) = try await context.alerts.pageAtOnce(alert.id, shouldStop: shouldStop)
        } catch {
            // The drill is recorded: the next tick pages it.
            deferred = "\(error)"
        }
        return RaiseOutcome(alert: alert, deduplicated: raised.deduplicated, failures: failures, deferred: deferred)
    }

    /// The scheduled drills due at `now` (an occurrence at most an hour old), each raised once:
    /// its alert stays open at least that hour, and the store's dedup key (`drill:ID@instant`)
    /// turns a second raise into the same alert. Raised unpaged: the tick's plan pages level 1.
    func raiseDueDrills() async throws {
        for drill in rota.drills {
            guard rota.escalation(drill.escalation) != nil, let occurrence = drill.due(at: now, zone: rota.settings.zone) else { continue }
            let key = drill.dedupKey(at: occurrence)
            // The common case (already raised) is a read.
            if try await storeCall({ try await store.openAlert(service: Drill.service(drill.id), dedupKey: key) }) != nil { continue }
            let raised = try await storeCall {
                try await store.raise(Self.drillAlert(id: drill.id, escalation: drill.escalation, rota: rota, dedupKey: key), actor: "drill:\(drill.id)", now: now)
            }
            if !raised.deduplicated { logger.info("drill \(drill.id) (\(HumanTime.format(occurrence, in: rota.settings.zone))) opened as incident #\(raised.alert.id)") }
        }
    }

    static func drillAlert(id: String, escalation: String, rota: Rota, dedupKey: String) -> NewAlert {
        NewAlert(service: Drill.service(id), escalation: escalation, summary: Drill.summary(id: id, escalation: escalation),
                 details: "A drill: nothing is broken. Acknowledge this page as you would a real one; how fast you answer is recorded for the drill report ('rota report response').",
                 severity: Severity.high.rawValue, dedupKey: dedupKey, definition: Engine.definition(escalation: escalation, in: rota))
    }

    /// An answer to a drill: recorded on its log (who, how), nothing else changes (DESIGN §16).
    func answer(_ drill: StoredAlert, verb: String, actor: String) async throws -> StoredAlert {
        guard drill.status != .resolved else { return drill }
        try await storeCall {
            try await store.append(AuditEntry(.drillAnswered, "drill #\(drill.id) \(verb) by \(actor) (recorded; the drill goes on)"),
                                   actor: actor, now: now, alert: drill.id)
        }
        return drill
    }
}

extension Workspace {
    public var drills: DrillUseCases { DrillUseCases(context: self) }
}
