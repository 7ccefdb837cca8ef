import Foundation
import RotaCore
import RotaStore

/// `rota incident report N` (DESIGN §11): the postmortem draft, computed from what `incident show`
/// reads. Pure: the incident's rows in, figures and documents out.
public struct IncidentReport: Sendable {
    public struct Paged: Sendable, Equatable {
        public var round: Int
        public var level: Int
        public var person: String
        /// When the level was due for them, and when the first of their contacts was reached (nil: never).
        public var dueAt: Date
        public var reachedAt: Date?
        /// `sent`, `failed`, `pending` or `sending`: the best of their contacts' outcomes.
        public var outcome: String
    }

    public struct Update: Sendable, Equatable {
        public var at: Date
        public var actor: String
        public var text: String
    }

    public var incident: StoredAlert
    public var services: [String]
    public var alerts: Int
    public var firstAlertAt: Date
    public var lastAlertAt: Date
    public var roles: IncidentRoles
    /// Where the clocks start (DESIGN §16): level 1's first due time, else the opening.
    public var startsAt: Date
    /// The first acknowledgement, or a person's resolve without one; nil when neither happened.
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?
    public var resolvedAt: Date?
    public var paged: [Paged]
    public var updates: [Update]
    public var timeline: [IncidentTimeline.Entry]

    public var timeToAcknowledge: Int? { acknowledgedAt.map { max(0, Int($0.timeIntervalSince(startsAt).rounded())) } }
    public var timeToResolve: Int? { resolvedAt.map { max(0, Int($0.timeIntervalSince(startsAt).rounded())) } }

    /// `people`: the rota's person ids (a resolve by one of them, without an ack, counts as the ack;
    /// an integration's does not).
    public init(incident: StoredAlert, alerts: [StoredAlert], pages: [StoredPage], events: [AuditEvent], crisis: StoredCrisis, people: Set<String>) {
        self.incident = incident
        var services: [String] = []
        for alert in alerts where !services.contains(alert.service) { services.append(alert.service) }
        self.services = services.isEmpty ? [incident.service] : services
        self.alerts = max(alerts.count, 1)
        firstAlertAt = alerts.map(\.createdAt).min() ?? incident.createdAt
        lastAlertAt = alerts.map(\.createdAt).max() ?? incident.createdAt
        roles = crisis.roles
        let own = pages.filter { $0.alertID == incident.id && $0.status != .cancelled }
        startsAt = own.filter { $0.level == 1 }.map(\.levelDueAt).min() ?? incident.createdAt
        // The same rule as the response report's (one definition, DESIGN §16).
        let acks = events.filter { $0.alertID == incident.id && $0.event == AuditKind.alertAcknowledged.rawValue }.map { (at: $0.at, actor: $0.actor) }
        resolvedAt = incident.mergedInto == nil ? incident.resolvedAt : nil
        let ack = ResponseIncident.acknowledgement(acks, resolvedAt: incident.status == .resolved ? resolvedAt : nil, resolvedBy: incident.resolvedBy,
                                                   people: people.union(own.map(\.person)))
        acknowledgedAt = ack?.at
        acknowledgedBy = ack?.actor
        var paged: [Paged] = []
        let rank = ["sent": 3, "sending": 2, "pending": 1, "failed": 0]
        for page in own.sorted(by: { ($0.levelDueAt, $0.round, $0.level, $0.id) < ($1.levelDueAt, $1.round, $1.level, $1.id) }) {
            let outcome = page.status.rawValue
            if let index = paged.firstIndex(where: { $0.round == page.round && $0.level == page.level && $0.person == page.person }) {
                if let sent = page.sentAt, paged[index].reachedAt.map({ sent < $0 }) ?? true { paged[index].reachedAt = sent }
                if rank[outcome, default: 0] > rank[paged[index].outcome, default: 0] { paged[index].outcome = outcome }
            } else {
                paged.append(Paged(round: page.round, level: page.level, person: page.person, dueAt: page.levelDueAt,
                                   reachedAt: page.status == .sent ? page.sentAt : nil, outcome: outcome))
            }
        }
        self.paged = paged
        updates = events.filter { $0.alertID == incident.id && $0.event == AuditKind.incidentUpdate.rawValue }
            .map { Update(at: $0.at, actor: $0.actor, text: $0.detail) }
        timeline = IncidentTimeline.build(incident: incident.id, events: events)
    }

    // MARK: documents

    public func json() -> JSONValue {
        .object([
            ("incident", .int(incident.id)), ("summary", .string(incident.summary)), ("status", .string(incident.incidentStatus)),
            ("severity", .string(incident.peakSeverity)), ("services", .array(services.map { .string($0) })), ("alerts", .int(alerts)),
            ("first_alert_at", .instant(firstAlertAt)), ("last_alert_at", .instant(lastAlertAt)),
            ("span_seconds", .int(Int(lastAlertAt.timeIntervalSince(firstAlertAt).rounded()))),
            ("roles", Documents.roles(roles)), ("starts_at", .instant(startsAt)),
            ("acknowledged_at", acknowledgedAt.map { .instant($0) } ?? .null), ("acknowledged_by", .text(acknowledgedBy)),
            ("resolved_at", resolvedAt.map { .instant($0) } ?? .null),
            ("time_to_acknowledge_seconds", timeToAcknowledge.map { .int($0) } ?? .null),
            ("time_to_resolve_seconds", timeToResolve.map { .int($0) } ?? .null),
            ("paged", .array(paged.map { page in
                .object([("round", .int(page.round)), ("level", .int(page.level)), ("person", .string(page.person)),
                         ("due_at", .instant(page.dueAt)), ("reached_at", page.reachedAt.map { .instant($0) } ?? .null),
                         ("outcome", .string(page.outcome))])
            })),
            ("updates", .array(updates.map { .object([("at", .instant($0.at)), ("actor", .string($0.actor)), ("text", .string($0.text))]) })),
            ("timeline", .array(timeline.map { entry in
                .object([("at", .instant(entry.at)), ("event", .string(entry.event)), ("actor", .string(entry.actor)), ("text", .string(entry.text))])
            })),
        ])
    }

    /// The draft as Markdown a wiki takes as it is: every text from outside escaped (no HTML, no
    /// table broken by a `|`, no heading or link smuggled in), times in `zone`.
    public func markdown(zone: Zone) -> String {
        func when(_ instant: Date) -> String { HumanTime.format(instant, in: zone, year: true) }
        func duration(_ seconds: Int?) -> String { seconds.map(Self.spoken) ?? "—" }
        var out = "# Incident #\(incident.id): \(Self.escape(incident.summary))\n\n"
        out += "_Postmortem draft written by rota from its records; times in \(zone.identifier)._\n\n"
        out += "## Summary\n\n| | |\n|---|---|\n"
        let rows: [(String, String)] = [
            ("Status", incident.incidentStatus),
            ("Severity", Self.escape(incident.peakSeverity)),
            ("Services", services.map(Self.escape).joined(separator: ", ")),
            ("Alerts", "\(alerts), from \(when(firstAlertAt)) to \(when(lastAlertAt)) (\(Self.spoken(Int(lastAlertAt.timeIntervalSince(firstAlertAt).rounded()))))"),
            ("Commander", roles.commander.map(Self.escape) ?? "nobody"),
            ("Comms", roles.comms.map(Self.escape) ?? "nobody"),
            ("Level 1 due", when(startsAt)),
            ("Time to first acknowledgement", acknowledgedAt.map { "\(duration(timeToAcknowledge)) (\(Self.escape(acknowledgedBy ?? "")), \(when($0)))" } ?? "never acknowledged"),
            ("Time to resolution", resolvedAt.map { "\(duration(timeToResolve)) (\(when($0)))" } ?? "not resolved"),
        ]
        for (name, value) in rows { out += "| \(name) | \(value) |\n" }
        out += "\n## Who was paged\n\n"
        if paged.isEmpty {
            out += "Nobody was paged.\n"
        } else {
            out += "| Due | Round | Level | Who | Reached | Outcome |\n|---|---|---|---|---|---|\n"
            for page in paged {
                out += "| \(when(page.dueAt)) | \(page.round) | \(page.level) | \(Self.escape(page.person)) | \(page.reachedAt.map(when) ?? "—") | \(page.outcome) |\n"
            }
        }
        out += "\n## Status updates\n\n"
        if updates.isEmpty {
            out += "No status update was posted.\n"
        } else {
            for update in updates {
                let lines = update.text.split(separator: "\n", omittingEmptySubsequences: false).map { Self.escape(String($0)) }
                out += "- **\(when(update.at))**, \(Self.escape(update.actor)): " + lines.joined(separator: "  \n  ") + "\n"
            }
        }
        out += "\n## Timeline\n\n| When | What | By | Detail |\n|---|---|---|---|\n"
        for entry in timeline {
            out += "| \(when(entry.at)) | \(entry.event) | \(Self.escape(entry.actor)) | \(Self.escape(entry.text)) |\n"
        }
        for heading in ["What happened", "Why it happened", "What we change"] {
            out += "\n## \(heading)\n\n_To be written by the team._\n"
        }
        return out
    }

    /// `4m 12s`, `1h 8m`, `0s`.
    public static func spoken(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        if m > 0 { return s > 0 ? "\(m)m \(s)s" : "\(m)m" }
        return "\(s)s"
    }

    /// Text from outside as inert Markdown on one line: control characters shown as escapes, line
    /// breaks as spaces, every character Markdown or HTML would act on mid-line backslash-escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in TerminalText.escaped(text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")) {
            if "\\`*_[]<>|~&!".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
