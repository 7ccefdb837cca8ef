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

    public init(progress: EscalationProgress, wakeAt: Date?, pages: [OutboxEntry], log: [AuditEntry], definition: Data? = nil) {
        self.progress = progress
        self.wakeAt = wakeAt
        self.pages = pages
        self.log = log
        self.definition = definition
    }
}
