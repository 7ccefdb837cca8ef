import Foundation
import RotaCore

/// The rules of incidents (DESIGN §10, §16), written once for both stores: which open incident a
/// new alert joins, what a join changes, what an integration's resolve of one alert does, what a
/// merge may take. The stores read candidates, these decide, the stores write.
extension AlertRules {
    /// The open incident a new alert joins, or nil: it opens its own. `candidates` are what the
    /// store read for the rule (open incidents on the surges' services with their keys, and on the
    /// alert's service with its group keys); order of matching: an open surge incident, then the
    /// Alertmanager group (same service), then the service's group within its window; the newest
    /// matching incident wins.
    public static func joinTarget(_ join: JoinRule, service: String, candidates: [StoredAlert], now: Date) -> StoredAlert? {
        let open = candidates.filter { $0.opensIncident && $0.status != .resolved }
        func newest(_ matching: (StoredAlert) -> Bool) -> StoredAlert? { open.filter(matching).max { $0.id < $1.id } }
        if let surge = newest({ alert in join.surges.contains { $0.service == alert.service && $0.dedupKey == alert.dedupKey } }) {
            return surge
        }
        if let key = join.alertmanagerGroup, let group = newest({ $0.service == service && $0.groupKey == "am:" + key }) {
            return group
        }
        if let match = join.group,
           let group = newest({ $0.service == service && $0.groupKey == "group:" + match.key && now.timeIntervalSince($0.lastAlertAt) <= match.within }) {
            return group
        }
        return nil
    }

    /// What a join changes on its incident: the highest severity ever joined (it never drops), and
    /// whether a daytime hold ends (a join above `low` lifts it).
    public struct Joining: Sendable, Equatable {
        public var peakSeverity: String
        public var endsDaytimeHold: Bool
    }

    public static func joining(_ incident: StoredAlert, severity: String) -> Joining {
        let peak = rank(severity) > rank(incident.peakSeverity) ? severity : incident.peakSeverity
        return Joining(peakSeverity: peak, endsDaytimeHold: rank(severity) > rank(Severity.low.rawValue))
    }

    /// critical > high > low; an unknown word counts as high.
    public static func rank(_ severity: String) -> Int {
        switch Severity(rawValue: severity) {
        case .critical: 2
        case .low: 0
        default: 1
        }
    }

    /// What an integration's resolve of one alert does (§10: it resolves its own alert; the
    /// incident resolves when its last open alert does).
    public enum OwnResolve: Sendable, Equatable {
        /// Already resolved: nothing changes.
        case nothing
        /// The last open alert: the whole incident resolves.
        case incident
        /// Others stay open: only this alert resolves.
        case alone
    }

    /// `othersOpen`: the incident's other alerts not yet resolved on their own.
    public static func ownResolve(_ alert: StoredAlert, othersOpen: Int) -> OwnResolve {
        guard alert.ownStatus != .resolved else { return .nothing }
        return othersOpen == 0 ? .incident : .alone
    }

    /// Why `sources` cannot be merged into `target`, or nil when they can: both open incidents,
    /// never one into itself.
    public static func mergeRefusal(target: StoredAlert, sources: [StoredAlert]) -> String? {
        guard target.opensIncident, target.status != .resolved else {
            return "incident #\(target.incidentID) is \(target.incidentStatus == "merged" ? "merged into #\(target.mergedInto ?? 0)" : "resolved"); merge into an open incident"
        }
        for source in sources {
            if source.id == target.id { return "incident #\(source.id) cannot be merged into itself" }
            guard source.opensIncident, source.status != .resolved else {
                return "incident #\(source.id) is \(source.incidentStatus); only open incidents are merged"
            }
        }
        return nil
    }
}

extension AuditEntry {
    public static func joined(_ id: Int, _ new: NewAlert, incident: Int) -> AuditEntry {
        AuditEntry(.alertRaised, "alert #\(id) on \(new.service) (\(new.severity)): \(new.summary); joined incident #\(incident)")
    }

    public static func resolvedAlone(_ id: Int, incident: Int, actor: String) -> AuditEntry {
        AuditEntry(.alertResolved, "alert #\(id) resolved by \(actor); incident #\(incident) stays open for its other alerts")
    }

    public static func merged(_ source: Int, into target: Int, alerts: Int, cancelled: Int, absorbed: Bool) -> AuditEntry {
        AuditEntry(.incidentMerged, "incident #\(source) (\(alerts) alert(s)) \(absorbed ? "absorbed" : "merged") into incident #\(target)"
                   + (cancelled > 0 ? "; \(cancelled) page(s) not yet sent cancelled" : ""))
    }
}
