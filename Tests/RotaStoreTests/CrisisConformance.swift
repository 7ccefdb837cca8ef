import Foundation
import RotaCore
import RotaStore
import Testing

private let t0 = Date(timeIntervalSince1970: 1_772_528_400)  // 2026-03-03T09:00:00Z

private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

private func crisisAlert(_ summary: String, key: String = "storm") -> NewAlert {
    NewAlert(service: "crisis", escalation: "e", summary: summary, details: nil, severity: "critical", dedupKey: nil,
             join: JoinRule(group: JoinRule.GroupMatch(key: key, within: 1800)), roles: IncidentRoles(commander: "ann", comms: "bob"))
}

private func notice(_ key: String, person: String = "office") -> OutboxEntry {
    OutboxEntry(delivery: .notice(key: key, subject: "s", text: "t"), person: person, contact: 0, contactKind: "command",
                contactKey: "command:\(person)", dueAt: at(0))
}

@Suite("The store contract for crisis mode, for every backend")
struct CrisisConformance {
    @Test("roles are kept when an incident opens, never when an alert joins one; reassigned and logged; unknown incidents not found",
          arguments: Backend.all)
    func roles(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let opened = try await store.raise(crisisAlert("storm"), actor: "t", now: at(0)).alert
        #expect(try await store.crisis(incident: opened.id).roles == IncidentRoles(commander: "ann", comms: "bob"))
        var other = crisisAlert("more")
        other.roles = IncidentRoles(commander: "zoe")
        let joined = try await store.raise(other, actor: "t", now: at(1)).alert
        #expect(joined.incidentID == opened.id)
        #expect(try await store.crisis(incident: joined.id).roles.commander == "ann", "a join names nobody; any alert id reads its incident")
        let plain = try await store.raise(NewAlert(service: "web", escalation: "e", summary: "x", details: nil, severity: "high", dedupKey: nil),
                                          actor: "t", now: at(2)).alert
        #expect(try await store.crisis(incident: plain.id) == StoredCrisis(incident: plain.id), "no roles: an empty record")
        let moved = try await store.assignRole(.commander, to: "carl", incident: joined.id, actor: "ann", now: at(3))
        #expect(moved.roles == IncidentRoles(commander: "carl", comms: "bob"))
        _ = try await store.assignRole(.comms, to: "dana", incident: plain.id, actor: "ann", now: at(4))
        #expect(try await store.crisis(incident: plain.id).roles == IncidentRoles(comms: "dana"), "a role on an incident without a record makes one")
        let lines = try await store.incidentEvents(id: opened.id).filter { $0.event == AuditKind.incidentRole.rawValue }.map(\.detail)
        #expect(lines == ["incident #\(opened.id) opened with commander ann, comms bob", "commander of incident #\(opened.id): carl (was ann)"])
        await #expect(throws: StoreError.self) { try await store.assignRole(.commander, to: "x", incident: 999, actor: "t", now: at(5)) }
        await #expect(throws: StoreError.self) { try await store.postUpdate(incident: 999, text: "x", actor: "t", now: at(5), notices: []) }
    }

    @Test("updates: each kept in order with its notices, in one transaction; the first acknowledgement is read from the log",
          arguments: Backend.all)
    func updates(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let incident = try await store.raise(crisisAlert("storm"), actor: "t", now: at(0)).alert
        #expect(try await store.crisis(incident: incident.id).firstAcknowledgedAt == nil)
        _ = try await store.acknowledge(id: incident.id, actor: "ann", now: at(5), wakeAt: nil, notices: [])
        // Two updates at once from two people: both kept, both counted.
        async let first = store.postUpdate(incident: incident.id, text: "one", actor: "ann", now: at(10), notices: [notice("update|a|office")])
        async let second = store.postUpdate(incident: incident.id, text: "two", actor: "bob", now: at(10), notices: [notice("update|b|office")])
        _ = try await (first, second)
        let crisis = try await store.crisis(incident: incident.id)
        #expect(crisis.updates == 2 && crisis.lastUpdateAt == at(10) && crisis.firstAcknowledgedAt == at(5))
        let later = try await store.postUpdate(incident: incident.id, text: "three", actor: "ann", now: at(20), notices: [])
        #expect(later.updates == 3 && later.lastUpdateAt == at(20))
        let texts = try await store.incidentEvents(id: incident.id).filter { $0.event == AuditKind.incidentUpdate.rawValue }
        #expect(Set(texts.prefix(2).map(\.detail)) == ["one", "two"] && texts.last?.detail == "three" && texts.allSatisfy { $0.alertID == incident.id })
        #expect(try await store.duePages(now: at(30)).compactMap(\.noticeKey).sorted() == ["update|a|office", "update|b|office"])
        // A re-acknowledgement after an ack timeout does not move the first one.
        _ = try await store.advanceAlerts(now: at(65), only: incident.id, actor: "rota") { alert in
            var progress = alert.progress
            progress.status = .triggered
            progress.acknowledgedAt = nil
            return AlertDecision(progress: progress, wakeAt: nil, pages: [], log: [])
        }
        _ = try await store.acknowledge(id: incident.id, actor: "bob", now: at(70), wakeAt: nil, notices: [])
        #expect(try await store.crisis(incident: incident.id).firstAcknowledgedAt == at(5))
    }

    @Test("a reminder is queued and logged once, however many runners queue it at once", arguments: Backend.all)
    func remindOnce(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let incident = try await store.raise(crisisAlert("storm"), actor: "t", now: at(0)).alert
        let entries = [notice("remind|\(incident.id)|0|1|ann", person: "ann")]
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { try await store.remind(incident: incident.id, entry: AuditEntry(.incidentReminder, "reminded ann"), actor: "rota", now: at(30), notices: entries) }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1, "\(results)")
        let lines = try await store.incidentEvents(id: incident.id).filter { $0.event == AuditKind.incidentReminder.rawValue }
        #expect(lines.count == 1)
        // Positive control: the next period's reminder is new.
        #expect(try await store.remind(incident: incident.id, entry: AuditEntry(.incidentReminder, "again"), actor: "rota", now: at(60),
                                       notices: [notice("remind|\(incident.id)|0|2|ann", person: "ann")]))
    }
}
