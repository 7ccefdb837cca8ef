import Foundation
import RotaCore

/// The kinds of line in the audit log: one typed set, written as their raw values.
public enum AuditKind: String, Sendable, CaseIterable {
    case revision
    case overrideAdd = "override.add"
    case overrideRemove = "override.remove"
    case swap
    case swapRemove = "swap.remove"
    case leaveAdd = "leave.add"
    case leaveRemove = "leave.remove"
    case alertRaised = "alert.raised"
    case alertDeduplicated = "alert.deduplicated"
    case alertAcknowledged = "alert.acknowledged"
    case alertResolved = "alert.resolved"
    case alertRetriggered = "alert.retriggered"
    case levelDue = "level.due"
    case levelSkipped = "level.skipped"
    case escalationExhausted = "escalation.exhausted"
    case escalationMissing = "escalation.missing"
    case definitionKept = "definition.kept"
    case pageUnreachable = "page.unreachable"
    case pageSent = "page.sent"
    case pageFailed = "page.failed"
    case feedRevoked = "feed.revoked"
    case maintenanceAdd = "maintenance.add"
    case maintenanceRemove = "maintenance.remove"
    case testPage = "test.page"
    case stateMigrated = "state.migrated"
    case incidentMerged = "incident.merged"
    case incidentRole = "incident.role"
    case incidentUpdate = "incident.update"
    case incidentReminder = "incident.reminder"
    /// A person's answer to a drill, recorded without changing it (DESIGN §12).
    case drillAnswered = "drill.answered"
    case drillEnded = "drill.ended"
}

/// A line to add to the audit log.
public struct AuditEntry: Hashable, Sendable {
    public var kind: AuditKind
    public var detail: String

    public init(_ kind: AuditKind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// One line of the audit log.
public struct AuditEvent: Hashable, Sendable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var event: String
    public var detail: String
    public var alertID: Int?

    public init(id: Int, at: Date, actor: String, event: String, detail: String, alertID: Int?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.event = event
        self.detail = detail
        self.alertID = alertID
    }
}
