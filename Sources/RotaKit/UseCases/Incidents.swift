import Foundation
import RotaCore
import RotaEngine
import RotaStore

/// An incident as `rota incident list` shows it: its row, and the level its current round reached.
public struct IncidentView: Sendable {
    public var incident: StoredAlert
    /// The latest round paged, and the highest level paged in it (0: none yet).
    public var round: Int
    public var level: Int
}

/// `rota incident show`: the incident, its alerts, its pages and its log.
public struct IncidentDetail: Sendable {
    public var view: IncidentView
    public var alerts: [StoredAlert]
    public var pages: [StoredPage]
    public var events: [AuditEvent]
    /// Its roles and status updates (DESIGN §11).
    public var crisis: StoredCrisis
}

/// Incidents: list, show, merge.
public struct IncidentUseCases: UseCase {
    public let context: Workspace

    /// The incident alert `id` belongs to (its own, or the one it joined or was merged into).
    public func incident(of id: Int) async throws -> StoredAlert {
        let alert = try await context.alerts.alert(id)
        return alert.incidentID == alert.id ? alert : try await context.alerts.alert(alert.incidentID)
    }

    /// Open incidents (or every one), most severe first, then oldest.
    public func list(all: Bool) async throws -> [IncidentView] {
        let incidents = try await storeCall { try await store.incidents(includeClosed: all) }
        let open = Dictionary(grouping: try await storeCall { try await store.openAlertPages() }, by: { $0.alertID ?? 0 })
        var views: [IncidentView] = []
        for incident in incidents {
            let pages = incident.status != .resolved && incident.mergedInto == nil
                ? open[incident.id] ?? []
                : try await storeCall { try await store.pages(alert: incident.id) }
            views.append(Self.view(incident, pages: pages))
        }
        return views.sorted {
            (-AlertRules.rank($0.incident.peakSeverity), $0.incident.createdAt, $0.incident.id)
                < (-AlertRules.rank($1.incident.peakSeverity), $1.incident.createdAt, $1.incident.id)
        }
    }

    /// The view of an incident: the latest round it paged (queued, sent or failed, not cancelled)
    /// and the highest level paged in that round; before any page, its current round and level 0.
    static func view(_ incident: StoredAlert, pages: [StoredPage]) -> IncidentView {
        let paged = pages.filter { $0.alertID == incident.id && $0.status != .cancelled }
        guard let round = paged.map(\.round).max() else { return IncidentView(incident: incident, round: incident.progress.round, level: 0) }
        return IncidentView(incident: incident, round: round, level: paged.filter { $0.round == round }.map(\.level).max() ?? 0)
    }

    /// One incident (named by any of its alerts) with its alerts, pages and log.
    public func detail(_ id: Int) async throws -> IncidentDetail {
        let incident = try await incident(of: id)
        let alerts = try await storeCall { try await store.incidentAlerts(id: incident.id, latest: nil) }
        var pages: [StoredPage] = []
        for opener in alerts where opener.id == incident.id || opener.mergedInto != nil {
            pages += try await storeCall { try await store.pages(alert: opener.id) }
        }
        let events = try await storeCall { try await store.incidentEvents(id: incident.id) }
        let crisis = try await storeCall { try await store.crisis(incident: incident.id) }
        return IncidentDetail(view: Self.view(incident, pages: pages), alerts: alerts,
                              pages: pages.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }, events: events, crisis: crisis)
    }

    /// `rota incident merge N M…`: M's alerts move into N (a person's decision, logged); those
    /// paged for M are told once. Returns the incident they went into and what was merged.
    public func merge(into target: Int, _ sources: [Int], as person: String?) async throws -> (incident: StoredAlert, merged: [MergedIncident]) {
        let actor = try actor(as: person)
        let into = try await incident(of: target)
        for source in sources { _ = try await context.alerts.alert(source) }
        let merged = try await storeCall { try await store.mergeIncidents(into: into.id, .incidents(sources), actor: actor, now: now) }
        try await context.alerts.queueMergeNotices(merged, into: into.id)
        return (try await context.alerts.alert(into.id), merged)
    }
}

extension Workspace {
    public var incidents: IncidentUseCases { IncidentUseCases(context: self) }
}
