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

    public init(id: Int, service: String, escalation: String, summary: String, details: String?, severity: String,
                dedupKey: String?, count: Int, createdAt: Date, acknowledgedBy: String?, resolvedAt: Date?,
                resolvedBy: String?, progress: EscalationProgress, definition: Data?, held: String? = nil) {
        self.held = held
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

    public init(service: String, escalation: String, summary: String, details: String?, severity: String, dedupKey: String?,
                definition: Data? = nil, hold: FirstPage.Hold? = nil, firstPage: FirstPage.Rule? = nil) {
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
