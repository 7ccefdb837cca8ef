import Foundation
import RotaCore

/// What the engine decided for one alert: its new progress, the pages to queue, lines for its log.
public struct AlertDecision: Sendable {
    public var progress: EscalationProgress
    public var wakeAt: Date?
    public var pages: [OutboxEntry]
    public var log: [AuditEntry]
    /// A new definition to keep with the alert (nil: keep the one it has).
    public var definition: Data?
    /// Set when the decision ends the alert (a drill after its answer window): when, and by whom.
    public var resolved: (at: Date, by: String)?

    public init(progress: EscalationProgress, wakeAt: Date?, pages: [OutboxEntry], resolved: (at: Date, by: String)? = nil,
                log: [AuditEntry], definition: Data? = nil) {
        self.resolved = resolved
        self.progress = progress
        self.wakeAt = wakeAt
        self.pages = pages
        self.log = log
        self.definition = definition
    }
}
