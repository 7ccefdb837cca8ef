import Foundation

/// Where an alert stands: triggered → acknowledged → resolved.
public enum AlertStatus: String, Sendable, CaseIterable {
    case triggered, acknowledged, resolved

    public var isOpen: Bool { self != .resolved }
}

public enum Severity: String, Sendable, CaseIterable {
    case critical, high, low
}

/// How far an alert has climbed its chain: the state the planner reads and returns.
public struct EscalationProgress: Hashable, Sendable {
    public var status: AlertStatus
    /// The round now running (numbered from 1, counting up across re-triggers).
    public var round: Int
    /// The first round of the current cycle: repeats are counted from it, and a
    /// re-trigger after an ack timeout starts a new cycle with all its repeats again.
    public var cycleFirstRound: Int
    /// The next level to page and when it is due; nil when nothing more is due.
    public var nextLevel: Int?
    public var nextDueAt: Date?
    public var acknowledgedAt: Date?

    public init(status: AlertStatus, round: Int, cycleFirstRound: Int, nextLevel: Int?, nextDueAt: Date?, acknowledgedAt: Date? = nil) {
        self.status = status
        self.round = round
        self.cycleFirstRound = cycleFirstRound
        self.nextLevel = nextLevel
        self.nextDueAt = nextDueAt
        self.acknowledgedAt = acknowledgedAt
    }

    /// A new alert raised at `now`: round 1, level 1 due at once.
    public static func raised(at now: Date) -> EscalationProgress {
        EscalationProgress(status: .triggered, round: 1, cycleFirstRound: 1, nextLevel: 1, nextDueAt: now)
    }

    /// Acknowledged at `now`: nothing is due; with an ack timeout, `wakeUp` says when it re-triggers.
    public static func acknowledged(at now: Date) -> EscalationProgress {
        EscalationProgress(status: .acknowledged, round: 1, cycleFirstRound: 1, nextLevel: nil, nextDueAt: nil, acknowledgedAt: now)
    }

    /// The instant the runner must next look at this alert: a level due, or an ack timing out.
    public func wakeUp(ackTimeout: Int?) -> Date? {
        switch status {
        case .triggered: nextDueAt
        case .acknowledged: ackTimeout.flatMap { timeout in acknowledgedAt.map { $0.addingTimeInterval(Double(timeout)) } }
        case .resolved: nil
        }
    }
}

/// One level becoming due: who it pages (nobody when its schedules were empty).
public struct LevelDue: Hashable, Sendable {
    public var round: Int
    public var level: Int
    public var dueAt: Date
    /// People to page, in target order, each once.
    public var people: [String]
    /// Schedules of this level that had nobody on call at `dueAt`.
    public var emptySchedules: [String]

    public init(round: Int, level: Int, dueAt: Date, people: [String], emptySchedules: [String]) {
        self.round = round
        self.level = level
        self.dueAt = dueAt
        self.people = people
        self.emptySchedules = emptySchedules
    }
}

/// What happened to an alert while the planner advanced it, for the alert's log.
public enum EscalationEvent: Hashable, Sendable {
    /// An acknowledged alert was still unresolved `ack_timeout` after the ack.
    case retriggered(at: Date, round: Int)
    /// A level resolved to nobody and was skipped.
    case levelSkipped(LevelDue)
    /// The last level of the last round has been paged; the alert stays triggered.
    case exhausted(at: Date)

    /// When the chain ran out, for `exhausted`.
    public var exhaustedAt: Date? {
        if case .exhausted(let at) = self { return at }
        return nil
    }
}
