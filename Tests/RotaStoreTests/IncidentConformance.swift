import Foundation
import RotaCore
import RotaStore
import Testing

private let t0 = Date(timeIntervalSince1970: 1_772_528_400)  // 2026-03-03T09:00:00Z

private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

/// An alert on `service` that groups under `key` within 30 minutes.
private func grouped(_ summary: String, service: String = "web", key: String = "", severity: String = "high",
                     dedup: String? = nil, surge: JoinRule.SurgeIncident? = nil) -> NewAlert {
    NewAlert(service: service, escalation: "e", summary: summary, details: nil, severity: severity, dedupKey: dedup,
             join: JoinRule(surges: surge.map { [$0] } ?? [], group: JoinRule.GroupMatch(key: key, within: 1800)))
}

/// One page of level 1 for `person`, due at the alert's raise, and nothing more due.
private func paging(_ alert: StoredAlert, person: String = "ann") -> AlertDecision {
    var progress = alert.progress
    progress.nextLevel = nil
    progress.nextDueAt = nil
    let page = OutboxEntry(delivery: .page(round: 1, level: 1, levelDueAt: alert.createdAt), person: person, contact: 0,
                           contactKind: "command", contactKey: "command:\(person)", dueAt: alert.createdAt)
    return AlertDecision(progress: progress, wakeAt: nil, pages: [page], log: [AuditEntry(.levelDue, "level 1")])
}

@Suite("The store contract for incidents, for every backend")
struct IncidentConformance {
    @Test("grouping: joins within the window and by key page nobody; count, latest time and severity move; a resolved incident takes no more",
          arguments: Backend.all)
    func grouping(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let first = try await store.raise(grouped("a", key: "x"), actor: "t", now: at(0)).alert
        #expect(first.opensIncident && first.groupKey == "group:x")
        let join = try await store.raise(grouped("b", key: "x", severity: "critical"), actor: "t", now: at(10)).alert
        #expect(join.incidentID == first.id && !join.opensIncident, "same key, within 30 min: joins")
        let other = try await store.raise(grouped("c", key: "y"), actor: "t", now: at(11)).alert
        #expect(other.opensIncident, "another key opens its own (positive control: grouping is per key)")
        // The window runs from the incident's latest alert: 35 min after the first, 25 after the join, still in.
        let late = try await store.raise(grouped("d", key: "x", severity: "low"), actor: "t", now: at(35)).alert
        #expect(late.incidentID == first.id)
        let incident = try await store.alert(id: first.id)
        #expect(incident.alertCount == 3 && incident.lastAlertAt == at(35) && incident.peakSeverity == "critical",
                "count, latest time and the highest severity move; a low join never lowers it")
        // Joins are stored and listed, and never escalate on their own.
        #expect(try await store.dueAlerts(now: at(40)).map(\.id).sorted() == [first.id, other.id])
        #expect(try await store.incidentAlerts(id: join.id, latest: nil).map(\.id) == [first.id, join.id, late.id])
        #expect(try await store.incidentAlerts(id: first.id, latest: 2).map(\.summary) == ["d", "b"])
        // An answer through any alert answers the incident; its alerts follow.
        let acked = try await store.acknowledge(id: late.id, actor: "ann", now: at(36), wakeAt: nil, notices: [])
        #expect(acked.id == first.id && acked.status == .acknowledged)
        #expect(try await store.alert(id: join.id).status == .acknowledged)
        // A join into an acknowledged incident stays acknowledged (no re-trigger).
        let afterAck = try await store.raise(grouped("f", key: "x"), actor: "t", now: at(40)).alert
        #expect(afterAck.incidentID == first.id && afterAck.status == .acknowledged)
        #expect(try await store.alert(id: first.id).status == .acknowledged)
        // Past the window (30 min after its latest alert) a new incident opens.
        let after = try await store.raise(grouped("e", key: "x"), actor: "t", now: at(70.5)).alert
        #expect(after.opensIncident)
        _ = try await store.resolve(id: after.id, actor: "ann", now: at(71), notices: [])
        _ = try await store.resolve(id: first.id, actor: "ann", now: at(71), notices: [])
        #expect(try await store.alerts(includeResolved: false).map(\.id) == [other.id], "resolving the incident resolves its alerts")
        let fresh = try await store.raise(grouped("g", key: "x"), actor: "t", now: at(72)).alert
        #expect(fresh.opensIncident, "a resolved incident takes no new alerts")
        #expect(try await store.incidents(includeClosed: false).map(\.id) == [fresh.id, other.id])
    }

    @Test("8 raises into one group at once open one incident; the others join it", arguments: Backend.all)
    func concurrentGroup(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        var connections: [any Store] = [store]
        for _ in 0..<7 { connections.append(try await another()) }
        let raised = try await withThrowingTaskGroup(of: StoredAlert.self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask { try await connection.raise(grouped("storm \(index)", key: "k"), actor: "t", now: at(0)).alert }
            }
            return try await group.reduce(into: [StoredAlert]()) { $0.append($1) }
        }
        #expect(raised.filter(\.opensIncident).count == 1)
        #expect(Set(raised.map(\.incidentID)).count == 1)
        let incidents = try await store.incidents(includeClosed: true)
        #expect(incidents.count == 1 && incidents.first?.alertCount == 8)
    }

    @Test("absorbing and merging: open unacknowledged incidents move in, their pending pages are cancelled, who was paged is known",
          arguments: Backend.all)
    func merging(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        var storm: [StoredAlert] = []
        for index in 0..<3 {
            let alert = try await store.raise(grouped("complaint \(index)", key: "\(index)"), actor: "t", now: at(Double(index))).alert
            try await store.advanceAlerts(now: at(Double(index)), only: alert.id, actor: "rota") { paging($0) }
            storm.append(alert)
        }
        // The first complaint's page went out; the others are still pending.
        let claimed = try await store.claimPages(now: at(3), lease: 120, limit: 1, only: storm[0].id)
        try await store.finishPages([FinishedPage(page: claimed[0].page, result: .delivered, retryAt: nil, log: AuditEntry(.pageSent, "sent"))], now: at(3))
        // Acknowledged incidents stay out of an absorption; old ones too.
        _ = try await store.acknowledge(id: storm[2].id, actor: "bob", now: at(3), wakeAt: nil, notices: [])
        let surge = try await store.raise(NewAlert(service: "crisis", escalation: "x", summary: "surge", details: nil, severity: "critical",
                                                   dedupKey: "surge:s"), actor: "surge:s", now: at(4)).alert
        let merged = try await store.mergeIncidents(into: surge.id, .absorbing(services: ["web"], since: at(0.5)), actor: "surge:s", now: at(4))
        #expect(merged.map(\.id) == [storm[1].id], "only open, unacknowledged incidents of the window")
        #expect(merged.first?.paged == [], "its page was never sent")
        let moved = try await store.alert(id: storm[1].id)
        #expect(moved.incidentID == surge.id && moved.mergedInto == surge.id && moved.incidentStatus == "merged")
        #expect(try await store.pages(alert: storm[1].id).map(\.status) == [.cancelled])
        #expect(try await store.dueAlerts(now: at(100)).map(\.id).contains(storm[1].id) == false)
        // A later arrival with the surge rule joins the surge's incident.
        let later = try await store.raise(grouped("later", key: "9", surge: JoinRule.SurgeIncident(service: "crisis", dedupKey: "surge:s")),
                                          actor: "t", now: at(5)).alert
        #expect(later.incidentID == surge.id)
        // A person's merge: the first complaint (paged) moves in; who was paged is returned for the notice.
        let byHand = try await store.mergeIncidents(into: storm[1].id, .incidents([storm[0].id]), actor: "camille", now: at(6))
        #expect(byHand.map(\.id) == [storm[0].id] && byHand.first?.paged == ["ann"], "an alert id names its incident (#\(surge.id))")
        let incident = try await store.alert(id: surge.id)
        #expect(incident.alertCount == 4)
        #expect(try await store.incidentAlerts(id: surge.id, latest: nil).map(\.id).sorted() == [storm[0].id, storm[1].id, surge.id, later.id])
        // Merging into a resolved incident, or an incident into itself, is refused.
        await #expect(throws: StoreError.self) { try await store.mergeIncidents(into: surge.id, .incidents([later.id]), actor: "c", now: at(7)) }
        _ = try await store.resolve(id: storm[2].id, actor: "bob", now: at(7), notices: [])
        await #expect(throws: StoreError.self) { try await store.mergeIncidents(into: storm[2].id, .incidents([surge.id]), actor: "c", now: at(7)) }
        // The merged incident is listed only with every one.
        #expect(try await store.incidents(includeClosed: false).map(\.id) == [surge.id])
        #expect(Set(try await store.incidents(includeClosed: true).map(\.id)) == Set([surge.id, storm[0].id, storm[1].id, storm[2].id]))
        #expect(try await store.incidentEvents(id: later.id).contains { $0.event == "incident.merged" })
    }

    @Test("an integration's resolve closes its own alert; the incident resolves with its last open alert", arguments: Backend.all)
    func resolvingAlone(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let first = try await store.raise(grouped("a", dedup: "fa"), actor: "t", now: at(0)).alert
        let second = try await store.raise(grouped("b", dedup: "fb"), actor: "t", now: at(1)).alert
        #expect(second.incidentID == first.id)
        let opener = try await store.resolveAlone(id: first.id, actor: "integration:am", now: at(2), notices: [])
        #expect(!opener.incidentResolved && opener.alert.ownStatus == .resolved && opener.alert.status == .triggered,
                "the opening alert is resolved on its own; its incident stays open for the other")
        // Its key is free again: the same key raises a new alert (it joins the open incident).
        let again = try await store.raise(grouped("a again", dedup: "fa"), actor: "t", now: at(3))
        #expect(!again.deduplicated && again.alert.incidentID == first.id)
        #expect(try await store.resolveAlone(id: second.id, actor: "integration:am", now: at(4), notices: []).incidentResolved == false)
        let last = try await store.resolveAlone(id: again.alert.id, actor: "integration:am", now: at(5), notices: [])
        #expect(last.incidentResolved)
        #expect(try await store.alert(id: first.id).status == .resolved)
        #expect(try await store.resolveAlone(id: second.id, actor: "integration:am", now: at(6), notices: []).incidentResolved == false,
                "a second resolve changes nothing")
    }
}
