import Foundation
import RotaCore

/// How long an alert's texts may be, in UTF-8 bytes, at every door (CLI flags, HTTP bodies).
public enum AlertText {
    public static let summaryLimit = 1024
    public static let detailsLimit = 65536
}

/// Why a request body is not an event: every problem found, for a 400 answer.
public struct IngestProblem: Error, Equatable, CustomStringConvertible {
    public var errors: [String]

    public init(_ errors: [String]) { self.errors = errors }

    public var description: String { errors.joined(separator: "; ") }
}

/// Reads request bodies: rota's own JSON, Alertmanager's webhook (version 4) and PagerDuty's
/// Events API v2. Pure: bytes in, events out; nothing is stored here.
public enum IngestParser {
    /// `{"service"?, "summary", "details"?, "severity"?, "dedup_key"?, "action"?}`.
    public static func generic(_ body: Data) throws(IngestProblem) -> IngestEvent {
        let object = try object(body)
        var errors: [String] = []
        let action = try action(object["action"], names: [:], errors: &errors)
        let summary = text(object, "summary", limit: AlertText.summaryLimit, errors: &errors)
        let dedupKey = text(object, "dedup_key", limit: 255, errors: &errors)
        let details = text(object, "details", limit: AlertText.detailsLimit, errors: &errors)
        let service = text(object, "service", limit: 64, errors: &errors)
        var severity = Severity.high
        if let value = text(object, "severity", limit: 16, errors: &errors) {
            if let known = Severity(rawValue: value) { severity = known } else { errors.append("severity must be critical, high or low") }
        }
        if action == .trigger && (summary ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.append("summary is required") }
        if action != .trigger && dedupKey == nil { errors.append("dedup_key is required to \(action.rawValue)") }
        var labels: [String: String] = [:]
        if let given = object["labels"] {
            if let pairs = given as? [String: Any], pairs.count <= 64, pairs.allSatisfy({ ($0.value as? String).map { $0.utf8.count <= 1024 } ?? false }) {
                labels = pairs.compactMapValues { $0 as? String }
            } else {
                errors.append("labels must be an object of at most 64 texts (each at most 1024 bytes)")
            }
        }
        guard errors.isEmpty else { throw IngestProblem(errors) }
        var event = IngestEvent(action: action, service: service, summary: summary ?? "", details: details, severity: severity, dedupKey: dedupKey)
        event.labels = labels
        return event
    }

    /// Alertmanager's webhook: each alert of the group is one event keyed by its fingerprint;
    /// `firing` triggers, `resolved` resolves. `truncated` is Alertmanager's `truncatedAlerts`.
    public static func alertmanager(_ body: Data, serviceLabel: String?) throws(IngestProblem) -> (events: [IngestEvent], truncated: Int) {
        let object = try object(body)
        guard let alerts = object["alerts"] as? [Any] else { throw IngestProblem(["alerts must be a list (Alertmanager webhook, version 4)"]) }
        // Version 4 is Alertmanager's; Grafana's webhook contact point sends the same fields as version 1.
        if let version = object["version"] as? String, version != "4", version != "1" {
            throw IngestProblem(["version \(version) is not supported; Alertmanager's webhook version 4 (or Grafana's 1) is"])
        }
        var events: [IngestEvent] = []
        var errors: [String] = []
        let groupKey = (object["groupKey"] as? String).flatMap { $0.isEmpty || $0.utf8.count > 4096 ? nil : $0 }
        for (index, item) in alerts.enumerated() {
            guard let alert = item as? [String: Any], let fingerprint = alert["fingerprint"] as? String, !fingerprint.isEmpty,
                  fingerprint.utf8.count <= 255 else {
                errors.append("alerts[\(index)] needs a fingerprint")
                continue
            }
            let labels = alert["labels"] as? [String: Any] ?? [:]
            let annotations = alert["annotations"] as? [String: Any] ?? [:]
            let status = alert["status"] as? String ?? "firing"
            guard status == "firing" || status == "resolved" else {
                errors.append("alerts[\(index)].status must be firing or resolved")
                continue
            }
            let name = labels["alertname"] as? String
            let summary = (annotations["summary"] as? String) ?? (annotations["description"] as? String) ?? name ?? "Alertmanager alert \(fingerprint)"
            var details = annotations["description"] as? String
            if let name, details == nil { details = "alertname: \(name)" }
            var event = IngestEvent(action: status == "firing" ? .trigger : .resolve,
                                    service: serviceLabel.flatMap { labels[$0] as? String },
                                    summary: String(summary.prefix(AlertText.summaryLimit)), details: details.map { String($0.prefix(AlertText.detailsLimit)) },
                                    severity: severity(labels["severity"] as? String), dedupKey: fingerprint)
            event.labels = labels.compactMapValues { $0 as? String }
            event.groupKey = groupKey
            events.append(event)
        }
        guard errors.isEmpty else { throw IngestProblem(errors) }
        return (events, object["truncatedAlerts"] as? Int ?? 0)
    }

    /// PagerDuty's Events API v2: `routing_key`, `event_action`, `dedup_key`, `payload`.
    public static func pagerDuty(_ body: Data) throws(IngestProblem) -> (routingKey: String, event: IngestEvent) {
        let object = try object(body)
        var errors: [String] = []
        let routingKey = object["routing_key"] as? String ?? ""
        if routingKey.isEmpty { errors.append("'routing_key' is missing or invalid") }
        let action = try action(object["event_action"], names: ["ack": .acknowledge], errors: &errors, required: true)
        let dedupKey = text(object, "dedup_key", limit: 255, errors: &errors)
        let payload = object["payload"] as? [String: Any]
        var summary = "", severity = Severity.high, details: String?
        var labels: [String: String] = [:]
        if action == .trigger {
            guard let payload else { throw IngestProblem(errors + ["'payload' is missing or invalid"]) }
            summary = (payload["summary"] as? String).map { String($0.prefix(AlertText.summaryLimit)) } ?? ""
            if summary.isEmpty { errors.append("'payload.summary' is missing or invalid") }
            switch payload["severity"] as? String {
            case "critical": severity = .critical
            case "error": severity = .high
            case "warning", "info": severity = .low
            default: errors.append("'payload.severity' must be critical, error, warning or info")
            }
            if let custom = payload["custom_details"],
               let data = try? JSONSerialization.data(withJSONObject: custom, options: [.sortedKeys, .fragmentsAllowed]) {
                details = String(decoding: data.prefix(AlertText.detailsLimit), as: UTF8.self)
            }
            if let source = payload["source"] as? String { details = "source: \(source)" + (details.map { "\n\($0)" } ?? "") }
            // What group.by reads: custom_details' text values, and source.
            labels = (payload["custom_details"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            if let source = payload["source"] as? String { labels["source"] = source }
        } else if dedupKey == nil {
            errors.append("'dedup_key' is required to \(action.rawValue)")
        }
        guard errors.isEmpty else { throw IngestProblem(errors) }
        // Like PagerDuty, a trigger without a key gets one, so that it can be acknowledged and resolved later.
        let key = dedupKey ?? "rota-" + UUID().uuidString.lowercased()
        var event = IngestEvent(action: action, service: nil, summary: summary, details: details, severity: severity, dedupKey: key)
        event.labels = labels
        return (routingKey, event)
    }

    /// Alertmanager's severity label, the usual words: critical; error/high/page; warning/low/info.
    static func severity(_ label: String?) -> Severity {
        switch label?.lowercased() {
        case "critical", "page": .critical
        case "warning", "low", "info", "none": .low
        default: .high
        }
    }

    private static func object(_ body: Data) throws(IngestProblem) -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw IngestProblem(["the body is not a JSON object"])
        }
        return withoutNUL(object) as? [String: Any] ?? object
    }

    /// Every string with its NUL characters (`\u0000`) shown as U+FFFD: a C string (SQLite's
    /// text, a pager's environment) would end at the NUL and silently cut the rest.
    static func withoutNUL(_ value: Any) -> Any {
        switch value {
        case let text as String: text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
        case let list as [Any]: list.map(withoutNUL)
        case let object as [String: Any]:
            Dictionary(uniqueKeysWithValues: object.map { (withoutNUL($0.key) as? String ?? $0.key, withoutNUL($0.value)) })
        default: value
        }
    }

    private static func action(_ value: Any?, names: [String: IngestEvent.Action], errors: inout [String],
                               required: Bool = false) throws(IngestProblem) -> IngestEvent.Action {
        guard let value else {
            if required { errors.append("'event_action' is missing") }
            return .trigger
        }
        guard let text = value as? String, let action = IngestEvent.Action(rawValue: text) ?? names[text] else {
            errors.append("action must be trigger, acknowledge or resolve")
            return .trigger
        }
        return action
    }

    private static func text(_ object: [String: Any], _ key: String, limit: Int, errors: inout [String]) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            errors.append("\(key) must be a string")
            return nil
        }
        guard text.utf8.count <= limit else {
            errors.append("\(key) is limited to \(limit) bytes")
            return nil
        }
        return text
    }
}
