/// One event sent to rota over HTTP, whatever dialect it came in.
public struct IngestEvent: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case trigger, acknowledge, resolve
    }

    public var action: Action
    /// The service named by the event; nil: the integration's default.
    public var service: String?
    public var summary: String
    public var details: String?
    public var severity: Severity
    public var dedupKey: String?
    /// What `group.by` reads (DESIGN §16): Alertmanager labels, PagerDuty `payload.source` and
    /// `custom_details` keys, rota's own `labels`.
    public var labels: [String: String] = [:]
    /// An Alertmanager notification's `groupKey`: its alerts share one incident while it is open.
    public var groupKey: String?

    public init(action: Action, service: String?, summary: String, details: String?, severity: Severity, dedupKey: String?) {
        self.action = action
        self.service = service
        self.summary = summary
        self.details = details
        self.severity = severity
        self.dedupKey = dedupKey
    }
}
