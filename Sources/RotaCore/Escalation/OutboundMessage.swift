import Foundation

/// Anything rota delivers through a person's contacts: a page, or a shift notice.
public protocol OutboundMessage: Sendable {
    /// Stable per delivery: receivers drop repeats with it.
    var deliveryID: String { get }
    var subject: String { get }
    var text: String { get }
    /// What a `command` contact gets in its environment.
    var environment: [String: String] { get }
    /// The fields of a webhook's JSON body (besides `text`).
    var payload: [String: any Sendable] { get }
    /// The signed link that answers it (an ntfy button), when it has one.
    var ackLink: String? { get }
}

extension OutboundMessage {
    public var ackLink: String? { nil }

    /// The ack link split where its `/a/` begins: (`https://oncall.example.com`, `TOKEN`), for the
    /// buttons that answer through another route of the same server (Slack, Mattermost, a call).
    public var ackLinkParts: (base: String, token: String)? {
        guard let link = ackLink, let range = link.range(of: "/a/", options: .backwards) else { return nil }
        let token = String(link[range.upperBound...])
        return token.isEmpty ? nil : (String(link[..<range.lowerBound]), token)
    }
}

extension PageMessage: OutboundMessage {
    public var deliveryID: String { pageID }

    /// `acknowledge` when it is a link (a public URL and the server secret), else nil.
    public var ackLink: String? {
        acknowledge.hasPrefix("https://") || acknowledge.hasPrefix("http://") ? acknowledge : nil
    }

    public var payload: [String: any Sendable] {
        ["kind": "page", "page_id": pageID, "alert_id": alertID, "service": service, "service_name": serviceName,
         "summary": summary, "details": details ?? "", "severity": severity, "round": round, "level": level,
         "person": person, "due_at": TimeText.utc(dueAt), "runbook": runbook ?? "", "ack": acknowledge, "late": late,
         "incident": alertID, "alert_count": alertCount, "latest_summaries": latestSummaries,
         "commander": commander ?? "", "comms": comms ?? "", "drill": drill]
    }
}

/// "Your shift starts in 1h" and "your next 7 days changed": sent once each by `rota tick`.
public struct ShiftNotice: Hashable, Sendable, OutboundMessage {
    public enum Kind: String, Sendable {
        case shiftStart = "shift_start"
        case changes
        /// rota itself needs a human (DESIGN §15): sent to `settings.admins`.
        case admin
        /// An incident the person was paged for was merged into another (DESIGN §10).
        case merged
        /// A sign-in link the person asked for (DESIGN §13).
        case signin
        /// A status update on an incident (DESIGN §11): to stakeholders, its roles, everyone paged.
        case update
        /// No status update for `updates_every`: to the commander, then the level above.
        case reminder
        /// A role of an incident given to the person.
        case role

        /// The kind a notice's outbox key names.
        public init(key: String) {
            if key.hasPrefix("start|") {
                self = .shiftStart
            } else if key.hasPrefix("admin|") {
                self = .admin
            } else if key.hasPrefix("merged|") {
                self = .merged
            } else if key.hasPrefix("signin|") {
                self = .signin
            } else if key.hasPrefix("update|") {
                self = .update
            } else if key.hasPrefix("remind|") || key.hasPrefix("silence|") {
                self = .reminder
            } else if key.hasPrefix("role|") {
                self = .role
            } else {
                self = .changes
            }
        }
    }

    public var key: String
    public var kind: Kind
    public var person: String
    public var subject: String
    public var text: String

    public init(key: String, kind: Kind, person: String, subject: String, text: String) {
        self.key = key
        self.kind = kind
        self.person = person
        self.subject = subject
        self.text = text
    }

    public var deliveryID: String { Self.deliveryID(key: key) }

    public static func deliveryID(key: String) -> String { "rota-notice-" + key }

    public var environment: [String: String] {
        ["ROTA_NOTICE": kind.rawValue, "ROTA_PERSON": person, "ROTA_PAGE_ID": deliveryID, "ROTA_SUMMARY": subject]
    }

    public var payload: [String: any Sendable] {
        ["kind": kind.rawValue, "page_id": deliveryID, "person": person, "summary": subject]
    }

    /// Who is on call when, in the person's own zone, as lines of a notice.
    public static func describe(_ shifts: [Shift], zone: Zone) -> String {
        guard !shifts.isEmpty else { return "You have no on-call shift in the next 7 days." }
        return shifts.map { shift in
            "- \(shift.schedule): \(zone.wall(at: shift.start)) to \(zone.wall(at: shift.end)) (\(zone.identifier))"
        }.joined(separator: "\n")
    }
}
