/// Who a level pages.
public enum Target: Hashable, Sendable, CustomStringConvertible {
    case person(String)
    case schedule(String)

    public var description: String {
        switch self {
        case .person(let id): "person:\(id)"
        case .schedule(let id): "schedule:\(id)"
        }
    }
}

/// A chain of levels; each names targets and a wait.
public struct EscalationPolicy: Hashable, Sendable {
    public struct Level: Hashable, Sendable {
        public var targets: [Target]
        /// Seconds until the next level is due; optional on the last level when there are no repeats.
        public var escalateAfter: Int?

        public init(targets: [Target], escalateAfter: Int?) {
            self.targets = targets
            self.escalateAfter = escalateAfter
        }
    }

    public var id: String
    public var name: String
    /// Extra rounds after the last level.
    public var repeatCount: Int
    public var levels: [Level]
    /// Crisis mode (DESIGN §11): who holds each role of an incident on this chain, named when it opens.
    public var roles: CrisisRoles
    /// People told of every status update, never paged.
    public var stakeholders: [Target]
    /// Seconds without a status update before the commander is reminded (nil: no reminders).
    public var updatesEvery: Int?

    public init(id: String, name: String, repeatCount: Int, levels: [Level], roles: CrisisRoles = CrisisRoles(),
                stakeholders: [Target] = [], updatesEvery: Int? = nil) {
        self.id = id
        self.name = name
        self.repeatCount = repeatCount
        self.levels = levels
        self.roles = roles
        self.stakeholders = stakeholders
        self.updatesEvery = updatesEvery
    }
}

/// An incident's roles (DESIGN §11): on an escalation, targets; on an incident, people.
public enum CrisisRole: String, Sendable, CaseIterable {
    case commander
    case comms
}

/// Who holds each role (DESIGN §11): nil when nobody does. On an escalation the holders are
/// targets (`CrisisRoles`), on an incident people (`IncidentRoles`, in the store).
public struct RoleHolders<Holder: Hashable & Sendable>: Hashable, Sendable {
    public var commander: Holder?
    public var comms: Holder?

    public init(commander: Holder? = nil, comms: Holder? = nil) {
        self.commander = commander
        self.comms = comms
    }

    public subscript(role: CrisisRole) -> Holder? {
        get { role == .commander ? commander : comms }
        set { if role == .commander { commander = newValue } else { comms = newValue } }
    }

    public var isEmpty: Bool { commander == nil && comms == nil }
}

/// A chain's roles: a schedule (whoever is on call when the incident opens) or a person.
public typealias CrisisRoles = RoleHolders<Target>

/// Where alerts come from; points at one escalation.
public struct Service: Hashable, Sendable {
    public var id: String
    public var name: String
    public var escalation: String
    /// An acknowledged, unresolved alert re-triggers after this many seconds.
    public var ackTimeout: Int?
    /// A path under the rotas directory, or a URL.
    public var runbook: String?
    /// `low_severity: daytime`: a low alert outside `settings.daytime` waits for the next daytime start.
    public var lowSeverityDaytime: Bool
    /// `group:`: alerts that join the service's open incident instead of opening their own (DESIGN §10).
    public var group: Grouping?

    public init(id: String, name: String, escalation: String, ackTimeout: Int? = nil, runbook: String? = nil, lowSeverityDaytime: Bool = false,
                group: Grouping? = nil) {
        self.lowSeverityDaytime = lowSeverityDaytime
        self.group = group
        self.id = id
        self.name = name
        self.escalation = escalation
        self.ackTimeout = ackTimeout
        self.runbook = runbook
    }
}

/// How a service groups its alerts into incidents: an alert joins the service's open incident
/// whose latest alert is at most `within` seconds old and whose `by` values equal its own.
public struct Grouping: Hashable, Sendable {
    public var within: Int
    /// Fields or labels whose values must be equal (empty: every alert of the service groups).
    public var by: [String]

    public init(within: Int, by: [String] = []) {
        self.within = within
        self.by = by
    }

    /// The key an alert groups under: its `by` values (a missing one counts as empty), in order.
    public func key(labels: [String: String]) -> String {
        by.map { name in
            let value = labels[name] ?? ""
            return "\(value.utf8.count):\(value)"
        }.joined(separator: "|")
    }
}
