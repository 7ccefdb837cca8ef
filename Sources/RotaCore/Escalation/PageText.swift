import Foundation

/// Everything a page says, and its text (the same for every contact).
public struct PageMessage: Hashable, Sendable {
    public var pageID: String
    public var alertID: Int
    public var service: String
    public var serviceName: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var round: Int
    public var level: Int
    public var person: String
    public var dueAt: Date
    /// The runbook's first lines when it is a file, else its URL; nil without one.
    public var runbook: String?
    /// Everyone else paged for this alert so far.
    public var alsoPaged: [String]
    public var late: Bool
    /// How to answer, as the door that pages says it: `acknowledge` is how to acknowledge
    /// (`rota ack 7`, or a link), `answerLine` the page's line on acknowledging and resolving.
    /// The core does not know which door that is.
    public var acknowledge: String
    public var answerLine: String
    /// The incident's alerts (DESIGN §10): how many, and the latest few summaries (newest first)
    /// when it holds more than its opening alert.
    public var alertCount = 1
    public var latestSummaries: [String] = []
    /// Crisis mode (DESIGN §11): who holds the incident's roles, when its chain names them.
    public var commander: String?
    public var comms: String?
    /// A drill (DESIGN §12): the subject says DRILL, a command gets `ROTA_DRILL=1`, a webhook `"drill": true`.
    public var drill = false

    public init(pageID: String, alertID: Int, service: String, serviceName: String, summary: String, details: String?,
                severity: String, round: Int, level: Int, person: String, dueAt: Date, runbook: String?,
                alsoPaged: [String], late: Bool, acknowledge: String, answerLine: String) {
        self.acknowledge = acknowledge
        self.answerLine = answerLine
        self.pageID = pageID
        self.alertID = alertID
        self.service = service
        self.serviceName = serviceName
        self.summary = summary
        self.details = details
        self.severity = severity
        self.round = round
        self.level = level
        self.person = person
        self.dueAt = dueAt
        self.runbook = runbook
        self.alsoPaged = alsoPaged
        self.late = late
    }

    /// A stable id per (alert, round, level, person, contact): receivers drop repeats with it.
    /// `contact` is the contact's key (`command:1a2b…`), so reordering contacts keeps ids.
    public static func id(alert: Int, round: Int, level: Int, person: String, contact: String) -> String {
        "rota-\(alert)-r\(round)-l\(level)-\(person)-" + contact.replacingOccurrences(of: ":", with: "-")
    }

    public var subject: String { (drill ? "[DRILL] " : "") + "[\(severity.uppercased())] \(serviceName): \(summary)" }

    /// The plain text of the page.
    public var text: String {
        var lines = [
            "\(subject)",
            "",
            alertCount > 1
                ? "Incident #\(alertID) on \(serviceName) (\(service)), severity \(severity): \(alertCount) alerts."
                : "Alert #\(alertID) on \(serviceName) (\(service)), severity \(severity).",
            "Round \(round), level \(level): paging \(person)\(late ? " (late: the runner was behind)" : "").",
        ]
        if drill {
            lines += ["", "This is a DRILL, not a real incident: answer as you would (your acknowledgement is recorded and timed);",
                      "every level of the chain is paged whatever the answers, and the drill ends by itself."]
        }
        if let details, !details.isEmpty { lines += ["", details] }
        if alertCount > 1, !latestSummaries.isEmpty {
            lines += ["", "Latest alerts:"] + latestSummaries.map { "- " + $0 }
        }
        if commander != nil || comms != nil {
            lines += ["", "Commander: \(commander ?? "nobody yet"). Comms: \(comms ?? "nobody yet")."]
        }
        lines.append("")
        lines.append(alsoPaged.isEmpty ? "Nobody else has been paged yet." : "Also paged: \(alsoPaged.joined(separator: ", ")).")
        if let runbook { lines += ["", "Runbook:", runbook] }
        lines += ["", answerLine]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The environment a `command` contact gets (DESIGN.md §4.1).
    public var environment: [String: String] {
        var environment = [
            "ROTA_ALERT_ID": String(alertID), "ROTA_SERVICE": service, "ROTA_SUMMARY": summary,
            "ROTA_SEVERITY": severity, "ROTA_ROUND": String(round), "ROTA_LEVEL": String(level),
            "ROTA_PERSON": person, "ROTA_DUE_AT": TimeText.utc(dueAt), "ROTA_RUNBOOK": runbook ?? "",
            "ROTA_PAGE_ID": pageID, "ROTA_ALERT_COUNT": String(alertCount),
            "ROTA_COMMANDER": commander ?? "", "ROTA_COMMS": comms ?? "",
        ]
        if drill { environment["ROTA_DRILL"] = "1" }
        return environment
    }
}
