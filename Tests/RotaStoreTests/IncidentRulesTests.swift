import Foundation
import RotaCore
import RotaFormats
import RotaStore
import Testing

/// The incident rules both stores apply, as tables of values.
@Suite("Incident rules written once for every store")
struct IncidentRulesTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func incident(_ id: Int, service: String = "web", status: AlertStatus = .triggered, dedupKey: String? = nil, groupKey: String? = nil,
                         latestMinutesAgo: Double = 5, severity: String = "high", mergedInto: Int? = nil) -> StoredAlert {
        StoredAlert(id: id, service: service, escalation: "e", summary: "s\(id)", details: nil, severity: severity, dedupKey: dedupKey, count: 1,
                    createdAt: now.addingTimeInterval(-3600), acknowledgedBy: nil, resolvedAt: nil, resolvedBy: nil,
                    progress: EscalationProgress(status: status, round: 1, cycleFirstRound: 1, nextLevel: nil, nextDueAt: nil, acknowledgedAt: nil),
                    definition: nil, incidentID: mergedInto, lastAlertAt: now.addingTimeInterval(-latestMinutesAgo * 60), groupKey: groupKey,
                    mergedInto: mergedInto)
    }

    static let rule = JoinRule(surges: [.init(service: "crisis", dedupKey: "surge:s")], alertmanagerGroup: "g1",
                               group: .init(key: "twitter", within: 1800))

    @Test("which open incident a new alert joins: an open surge first, then its Alertmanager group, then its group in the window; the newest wins",
          arguments: [
              ([incident(1, groupKey: "group:twitter"), incident(2, service: "crisis", dedupKey: "surge:s")], Int?.some(2)),
              ([incident(1, groupKey: "group:twitter"), incident(3, groupKey: "am:g1")], 3),
              ([incident(1, groupKey: "group:twitter"), incident(4, groupKey: "group:twitter")], 4),
              ([incident(1, groupKey: "group:twitter", latestMinutesAgo: 31)], nil),
              ([incident(1, groupKey: "group:twitter", latestMinutesAgo: 30)], 1),
              ([incident(1, groupKey: "group:facebook")], nil),
              ([incident(1, status: .resolved, groupKey: "group:twitter")], nil),
              ([incident(1, status: .acknowledged, groupKey: "group:twitter")], 1),
              ([incident(5, groupKey: "group:twitter", mergedInto: 9)], nil),
              ([incident(6, service: "db", groupKey: "group:twitter")], nil),
          ])
    func joinTarget(candidates: [StoredAlert], joins: Int?) {
        #expect(AlertRules.joinTarget(Self.rule, service: "web", candidates: candidates, now: Self.now)?.id == joins)
    }

    @Test("a join keeps the highest severity ever joined, and ends a daytime hold when above low", arguments: [
        ("low", "low", "low", false), ("low", "high", "high", true), ("critical", "low", "critical", false), ("high", "critical", "critical", true),
    ])
    func joining(incident: String, joined: String, peak: String, endsHold: Bool) {
        let result = AlertRules.joining(Self.incident(1, severity: incident), severity: joined)
        #expect(result.peakSeverity == peak && result.endsDaytimeHold == endsHold)
    }

    @Test("an integration's resolve: the incident with its last open alert, else the alert alone; twice changes nothing")
    func ownResolve() {
        var alert = Self.incident(1)
        #expect(AlertRules.ownResolve(alert, othersOpen: 0) == .incident)
        #expect(AlertRules.ownResolve(alert, othersOpen: 2) == .alone)
        alert.closedAt = Self.now
        #expect(AlertRules.ownResolve(alert, othersOpen: 2) == .nothing)
    }

    @Test("a merge takes open incidents into an open one, never one into itself")
    func mergeRefusal() {
        #expect(AlertRules.mergeRefusal(target: Self.incident(1), sources: [Self.incident(2)]) == nil)
        #expect(AlertRules.mergeRefusal(target: Self.incident(1), sources: [Self.incident(1)])?.contains("itself") == true)
        #expect(AlertRules.mergeRefusal(target: Self.incident(1, status: .resolved), sources: [Self.incident(2)])?.contains("resolved") == true)
        #expect(AlertRules.mergeRefusal(target: Self.incident(1), sources: [Self.incident(2, mergedInto: 3)])?.contains("merged") == true)
    }

    @Test("the group key: `by` values in order, a missing one empty, lengths kept so no two keys collide")
    func groupKey() {
        let grouping = Grouping(within: 60, by: ["source", "region"])
        #expect(grouping.key(labels: ["source": "twitter", "region": "eu"]) == "7:twitter|2:eu")
        #expect(grouping.key(labels: ["source": "twitter"]) == "7:twitter|0:")
        #expect(grouping.key(labels: ["source": "a|1:b"]) != grouping.key(labels: ["source": "a", "region": "b"]))
        #expect(Grouping(within: 60).key(labels: ["x": "y"]) == "")
    }

    @Test("the timeline counts joins instead of a line per alert, and leaves merged incidents' own pages out")
    func timeline() {
        func event(_ id: Int, _ kind: AuditKind, alert: Int, minute: Double) -> AuditEvent {
            AuditEvent(id: id, at: Self.now.addingTimeInterval(minute * 60), actor: "t", event: kind.rawValue, detail: "d\(id)", alertID: alert)
        }
        let entries = IncidentTimeline.build(incident: 1, events: [
            event(1, .alertRaised, alert: 1, minute: 0), event(2, .levelDue, alert: 1, minute: 0),
            event(3, .alertRaised, alert: 2, minute: 1), event(4, .alertRaised, alert: 3, minute: 2), event(5, .levelDue, alert: 3, minute: 2),
            event(6, .incidentMerged, alert: 1, minute: 3), event(7, .alertAcknowledged, alert: 1, minute: 4), event(8, .alertRaised, alert: 4, minute: 5),
        ])
        #expect(entries.map(\.event) == ["opened", "paged", "joined", "merged", "acknowledged", "joined"])
        #expect(entries[2].text.hasPrefix("2 arrivals joined"))
    }
}
