import Foundation
import RotaCore

/// An alert as stored.
public struct StoredAlert: Hashable, Sendable {
    public var id: Int
    public var service: String
    public var escalation: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var dedupKey: String?
    public var count: Int
    public var createdAt: Date
    public var acknowledgedBy: String?
    public var resolvedAt: Date?
    public var resolvedBy: String?
    public var progress: EscalationProgress
    /// The escalation and contacts it escalates by when they vanish from the files (encoded by the engine).
    public var definition: Data?
    /// What its level 1 waited for when it was raised (maintenance, low severity outside daytime).
    public var held: String?
    /// The incident it belongs to (DESIGN §10): its own id when it opened one and was not merged.
    public var incidentID: Int
    /// The incident's own fields, kept on the alert that opened it: how many alerts it holds, when
    /// the latest arrived, the highest severity joined, what it groups by, where it was merged.
    public var alertCount: Int
    public var lastAlertAt: Date
    public var peakSeverity: String
    public var groupKey: String?
    public var mergedInto: Int?
    /// An opening alert resolved on its own (by its integration) while its incident stays open.
    public var closedAt: Date?
    public var closedBy: String?

    public init(id: Int, service: String, escalation: String, summary: String, details: String?, severity: String,
                dedupKey: String?, count: Int, createdAt: Date, acknowledgedBy: String?, resolvedAt: Date?,
                resolvedBy: String?, progress: EscalationProgress, definition: Data?, held: String? = nil,
                incidentID: Int? = nil, alertCount: Int = 1, lastAlertAt: Date? = nil, peakSeverity: String? = nil,
                groupKey: String? = nil, mergedInto: Int? = nil, closedAt: Date? = nil, closedBy: String? = nil) {
        self.held = held
        self.incidentID = incidentID ?? id
        self.alertCount = alertCount
        self.lastAlertAt = lastAlertAt ?? createdAt
        self.peakSeverity = peakSeverity ?? severity
        self.groupKey = groupKey
        self.mergedInto = mergedInto
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.id = id
        self.service = service
        self.escalation = escalation
        self.summary = summary
        self.details = details
        self.severity = severity
        self.dedupKey = dedupKey
        self.count = count
        self.createdAt = createdAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.progress = progress
        self.definition = definition
    }

    public var status: AlertStatus { progress.status }
    public var acknowledgedAt: Date? { progress.acknowledgedAt }

    /// True when this row carries a live incident's escalation (it opened one, not merged away).
    public var opensIncident: Bool { incidentID == id && mergedInto == nil }
    /// A drill's alert (DESIGN §12): never a real incident.
    public var isDrill: Bool { Drill.isDrill(service: service) }
    /// The alert's own status: an opening alert resolved on its own is resolved, whatever its incident does.
    public var ownStatus: AlertStatus { closedAt != nil ? .resolved : status }
    /// The incident's status, read on the row that opened it: `merged` once merged into another.
    public var incidentStatus: String { mergedInto != nil ? "merged" : status.rawValue }
}

/// Where a new alert may join an open incident instead of opening its own (DESIGN §10, §16).
public struct JoinRule: Sendable, Hashable {
    /// Open surge incidents that take every arrival on this service: (surge's service, surge's dedup key).
    public var surges: [SurgeIncident]
    /// An Alertmanager notification's `groupKey`: its alerts share one incident while it is open.
    public var alertmanagerGroup: String?
    /// The service's `group`: its key for this alert, and how old the incident's latest alert may be.
    public var group: GroupMatch?

    public struct SurgeIncident: Sendable, Hashable {
        public var service: String
        public var dedupKey: String
        public init(service: String, dedupKey: String) {
            self.service = service
            self.dedupKey = dedupKey
        }
    }

    public struct GroupMatch: Sendable, Hashable {
        public var key: String
        public var within: TimeInterval
        public init(key: String, within: TimeInterval) {
            self.key = key
            self.within = within
        }
    }

    public init(surges: [SurgeIncident] = [], alertmanagerGroup: String? = nil, group: GroupMatch? = nil) {
        self.surges = surges
        self.alertmanagerGroup = alertmanagerGroup
        self.group = group
    }

    /// What a new incident opened by this alert groups under (stored as `group_key`): the
    /// Alertmanager group first (it groups whatever `group` says), else the service's group.
    public var storedKey: String? {
        if let key = alertmanagerGroup { return "am:" + key }
        return group.map { "group:" + $0.key }
    }
}

/// What raising asks for.
public struct NewAlert: Sendable {
    public var service: String
    public var escalation: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var dedupKey: String?
    public var definition: Data?
    /// Level 1 waits until then, and why (nil: due at once, unless `firstPage` says otherwise).
    public var hold: FirstPage.Hold?
    /// Applied with the service's maintenance windows, read in the raise's own transaction, when
    /// the raise makes a new alert.
    public var firstPage: FirstPage.Rule?
    /// Which open incidents it may join (nil or empty: it opens its own, as every alert did before §10).
    public var join: JoinRule?
    /// Who holds the roles of the incident it opens, if it opens one (DESIGN §11).
    public var roles: IncidentRoles

    public init(service: String, escalation: String, summary: String, details: String?, severity: String, dedupKey: String?,
                definition: Data? = nil, hold: FirstPage.Hold? = nil, firstPage: FirstPage.Rule? = nil, join: JoinRule? = nil,
                roles: IncidentRoles = IncidentRoles()) {
        self.join = join
        self.roles = roles
        self.hold = hold
        self.firstPage = firstPage
        self.service = service
        self.escalation = escalation
        self.summary = summary
        self.details = details
        self.severity = severity
        self.dedupKey = dedupKey
        self.definition = definition
    }
}

extension StoredAlert {
    /// Who answered the incident first, as the store has it: `incident #7 acknowledged by ann (slack).`
    /// What every channel's reply says after a click, a text or a key press.
    public var answeredSentence: String {
        let (verb, by) = status == .resolved ? ("resolved", resolvedBy) : ("acknowledged", acknowledgedBy)
        return "incident #\(incidentID) \(verb) by \(by ?? "someone")."
    }
}
