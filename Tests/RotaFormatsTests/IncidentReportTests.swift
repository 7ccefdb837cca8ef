import Foundation
import RotaCore
@testable import RotaFormats
import RotaStore
import Testing

/// The postmortem draft's figures (DESIGN §11, §16) from hand-made rows, and its Markdown under hostile text.
@Suite("The incident report: figures and a Markdown draft a wiki takes as it is")
struct IncidentReportTests {
    static let t0 = ISO8601DateFormatter().date(from: "2026-12-06T10:00:00Z")!
    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static func alert(_ id: Int, incident: Int = 7, summary: String = "storm", created: Double = 0, status: AlertStatus = .acknowledged,
                      resolvedBy: String? = nil, resolved: Double? = nil) -> StoredAlert {
        StoredAlert(id: id, service: id == incident ? "crisis" : "twitter", escalation: "crisis", summary: summary, details: nil, severity: "critical",
                    dedupKey: nil, count: 1, createdAt: at(created), acknowledgedBy: nil, resolvedAt: resolved.map(at), resolvedBy: resolvedBy,
                    progress: EscalationProgress(status: status, round: 1, cycleFirstRound: 1, nextLevel: nil, nextDueAt: nil),
                    definition: nil, incidentID: incident, alertCount: 3)
    }

    static func page(_ id: Int, alert: Int = 7, level: Int = 1, person: String = "ceo", due: Double, status: StoredPage.Status = .sent,
                     sent: Double? = nil) -> StoredPage {
        StoredPage(id: id, alertID: alert, round: 1, level: level, person: person, contact: 0, contactKind: "command", contactKey: "c\(id)",
                   levelDueAt: at(due), dueAt: at(due), status: status, attempts: 1, sentAt: sent.map(at) ?? (status == .sent ? at(due) : nil), late: false)
    }

    static func event(_ id: Int, _ kind: AuditKind, at seconds: Double, actor: String = "ann", detail: String = "", alert: Int = 7) -> AuditEvent {
        AuditEvent(id: id, at: at(seconds), actor: actor, event: kind.rawValue, detail: detail, alertID: alert)
    }

    @Test("the clocks start at the incident's own level 1, not at the pages of the complaints it absorbed; the first ack counts")
    func timesFromLevelOne() {
        let incident = Self.alert(7, created: 100, status: .resolved, resolvedBy: "ann", resolved: 3700)
        let report = IncidentReport(
            incident: incident, alerts: [Self.alert(5, created: 0), incident, Self.alert(8, created: 200)],
            pages: [Self.page(1, alert: 5, due: 0), Self.page(2, due: 160), Self.page(3, due: 160, status: .failed),
                    Self.page(4, level: 2, person: "lead", due: 760, status: .cancelled)],
            events: [Self.event(1, .alertAcknowledged, at: 400), Self.event(2, .alertAcknowledged, at: 900, actor: "bob"),
                     Self.event(3, .incidentUpdate, at: 1000, detail: "statement out"), Self.event(4, .alertResolved, at: 3700)],
            crisis: StoredCrisis(incident: 7, roles: IncidentRoles(commander: "ann")), people: ["ann", "bob"])
        #expect(report.startsAt == Self.at(160))
        #expect(report.timeToAcknowledge == 240 && report.acknowledgedBy == "ann")
        #expect(report.timeToResolve == 3540)
        #expect(report.paged == [IncidentReport.Paged(round: 1, level: 1, person: "ceo", dueAt: Self.at(160), reachedAt: Self.at(160), outcome: "sent")],
                "one line per person and level, its best outcome; cancelled pages were never paged")
        #expect(report.updates == [IncidentReport.Update(at: Self.at(1000), actor: "ann", text: "statement out")])
        #expect(report.services == ["twitter", "crisis"] && report.firstAlertAt == Self.at(0) && report.lastAlertAt == Self.at(200))
    }

    @Test("a person's resolve without an ack counts as the acknowledgement; an integration's does not; never paged starts at the opening",
          arguments: [("ann", 600), ("ann (link)", 600), ("alertmanager", nil)] as [(String, Int?)])
    func resolveWithoutAck(by resolver: String, tta: Int?) {
        let incident = Self.alert(7, created: 0, status: .resolved, resolvedBy: resolver, resolved: 600)
        let report = IncidentReport(incident: incident, alerts: [incident], pages: [], events: [], crisis: StoredCrisis(incident: 7), people: ["ann"])
        #expect(report.startsAt == Self.at(0))
        #expect(report.timeToAcknowledge == tta)
        #expect(report.timeToResolve == 600)
    }

    @Test("hostile text stays text: pipes, HTML, links, newlines and escape sequences cannot break a table, a heading or the page")
    func markdownEscapes() throws {
        let hostile = "a | b <script>alert(1)</script> [x](http://evil) **bold**\n## heading\u{1b}]0;title\u{7}"
        let incident = Self.alert(7, summary: hostile, status: .acknowledged)
        let report = IncidentReport(incident: incident, alerts: [incident], pages: [Self.page(1, person: "ceo|x", due: 0)],
                                    events: [Self.event(1, .incidentUpdate, at: 60, actor: "ann <b>", detail: "line one | pipe\nline <two>"),
                                             Self.event(2, .alertRaised, at: 0, detail: hostile)],
                                    crisis: StoredCrisis(incident: 7, roles: IncidentRoles(commander: "x|y")), people: [])
        let markdown = report.markdown(zone: Zone(identifier: "Europe/Paris")!)
        #expect(!markdown.contains("<script>") && !markdown.contains("<b>") && !markdown.contains("[x](") && markdown.contains("\\[x\\](http"))
        #expect(!markdown.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 })
        let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(headings.count == 8, "no heading smuggled in: \(headings)")
        #expect(markdown.contains("- **Sun 06 Dec 2026 11:01 +01:00**, ann \\<b\\>: line one \\| pipe  \n  line \\<two\\>"), "\(markdown)")
        // Every row of every table has its header's cells.
        var columns: Int?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let cells = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let columns { #expect(cells == columns, "\(line)") } else { columns = cells }
        }
        // Positive control: unescaped, the same text would have broken its row.
        #expect(hostile.filter { $0 == "|" }.count == 1)
    }

    @Test("the JSON names every figure, null where nothing happened")
    func json() throws {
        let incident = Self.alert(7, status: .triggered)
        let report = IncidentReport(incident: incident, alerts: [incident], pages: [], events: [], crisis: StoredCrisis(incident: 7), people: [])
        let text = report.json().serialized()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["time_to_acknowledge_seconds"] is NSNull && object["time_to_resolve_seconds"] is NSNull)
        #expect((object["roles"] as? [String: Any])?.keys.sorted() == ["commander", "comms"])
        #expect(object["alerts"] as? Int == 1 && object["status"] as? String == "triggered")
    }
}
