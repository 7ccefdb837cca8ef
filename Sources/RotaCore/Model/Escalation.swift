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

    public init(id: String, name: String, repeatCount: Int, levels: [Level]) {
        self.id = id
        self.name = name
        self.repeatCount = repeatCount
        self.levels = levels
    }
}

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

    public init(id: String, name: String, escalation: String, ackTimeout: Int? = nil, runbook: String? = nil, lowSeverityDaytime: Bool = false) {
        self.lowSeverityDaytime = lowSeverityDaytime
        self.id = id
        self.name = name
        self.escalation = escalation
        self.ackTimeout = ackTimeout
        self.runbook = runbook
    }
}
