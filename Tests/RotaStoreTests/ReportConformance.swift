import Foundation
import RotaCore
import RotaStore
import Testing

private let t0 = Date(timeIntervalSince1970: 1_772_528_400)  // 2026-03-03T09:00:00Z

private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

private func alert(_ summary: String, service: String = "web", dedup: String? = nil) -> NewAlert {
    NewAlert(service: service, escalation: "e", summary: summary, details: nil, severity: "high", dedupKey: dedup)
}

/// A page of `level` for `person`, due at `due`; the alert wakes again at `next` for the level after.
private func paging(_ alert: StoredAlert, level: Int, person: String, due: Date, next: Date?) -> AlertDecision {
    var progress = alert.progress
    progress.nextLevel = next.map { _ in level + 1 }
    progress.nextDueAt = next
    let page = OutboxEntry(delivery: .page(round: 1, level: level, levelDueAt: due), person: person, contact: 0,
                           contactKind: "command", contactKey: "command:\(person)", dueAt: due)
    return AlertDecision(progress: progress, wakeAt: next, pages: [page], log: [AuditEntry(.levelDue, "level \(level)")])
}

@Suite("The store contract for the response report's bulk read, for every backend")
struct ReportConformance {
    @Test("incidents opened in the window, oldest first, with their own pages and those merged into them, and their acknowledgements; a service filter; nothing outside",
          arguments: Backend.all)
    func responseRecords(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        func page(_ alert: StoredAlert, level: Int, person: String, due: Date, next: Date? = nil, result: DeliveryResult = .delivered) async throws {
            let advanced = try await store.advanceAlerts(now: due, only: alert.id, actor: "rota") { paging($0, level: level, person: person, due: due, next: next) }
            #expect(advanced == 1, "level \(level) of #\(alert.id) queued")
            let claimed = try await store.claimPages(now: due, lease: 120, limit: 5, only: alert.id)
            try await store.finishPages(claimed.map { FinishedPage(page: $0.page, result: result, retryAt: nil, log: AuditEntry(.pageSent, "done")) },
                                        now: due.addingTimeInterval(5))
        }
        let before = try await store.raise(alert("before the window"), actor: "t", now: at(-10)).alert
        let web = try await store.raise(alert("web down"), actor: "t", now: at(0)).alert
        try await page(web, level: 1, person: "ann", due: at(0), next: at(5))
        try await page(web, level: 2, person: "lead", due: at(5), result: .permanent("no such pager"))
        let api = try await store.raise(alert("api slow", service: "api"), actor: "t", now: at(5.5)).alert
        try await page(api, level: 1, person: "chen", due: at(5.5), result: .permanent("no such pager"))
        _ = try await store.acknowledge(id: web.id, actor: "integration:pd", now: at(6), wakeAt: nil, notices: [])
        _ = try await store.acknowledge(id: web.id, actor: "lead (link)", now: at(7), wakeAt: nil, notices: [])
        let complaint = try await store.raise(alert("complaint", service: "shop"), actor: "t", now: at(8)).alert
        try await page(complaint, level: 1, person: "bob", due: at(8))
        let surge = try await store.raise(alert("surge", service: "crisis", dedup: "surge:s"), actor: "surge:s", now: at(9)).alert
        _ = try await store.mergeIncidents(into: surge.id, .incidents([complaint.id]), actor: "surge:s", now: at(9))
        try await page(surge, level: 1, person: "boss", due: at(9))
        _ = try await store.resolve(id: surge.id, actor: "boss", now: at(20), notices: [])
        _ = try await store.raise(alert("after the window"), actor: "t", now: at(30)).alert

        let records = try await store.responseRecords(openedFrom: at(0), to: at(30), service: nil)
        #expect(records.map(\.id) == [web.id, api.id, surge.id], "in the window, not merged, oldest first (not #\(before.id), not #\(complaint.id))")
        let first = try #require(records.first)
        #expect(first.service == "web" && first.status == .acknowledged && first.resolvedAt == nil && first.createdAt == at(0))
        #expect(first.paged == [ResponseRecord.Paged(round: 1, level: 1, person: "ann", dueAt: at(0), reachedAt: at(0).addingTimeInterval(5))],
                "level 2 failed, then the answer cancelled it: not a page: \(first.paged)")
        #expect(records[1].paged == [ResponseRecord.Paged(round: 1, level: 1, person: "chen", dueAt: at(5.5), reachedAt: nil)],
                "a failed page of an open incident is paged, never reached: \(records[1].paged)")
        #expect(first.acknowledgements.map(\.actor) == ["integration:pd"], "the state changed once; a second ack is not logged again: \(first.acknowledgements)")
        let second = try #require(records.last)
        #expect(second.dedupKey == "surge:s" && second.status == .resolved && second.resolvedAt == at(20) && second.resolvedBy == "boss")
        #expect(second.paged.map { "\($0.person) \($0.own)" }.sorted() == ["bob false", "boss true"], "the merged complaint's page comes with it: \(second.paged)")
        #expect(try await store.responseRecords(openedFrom: at(0), to: at(30), service: "crisis").map(\.id) == [surge.id])
        #expect(try await store.responseRecords(openedFrom: at(0), to: at(30), service: "nope").isEmpty)
        // Positive control for the window's edges: from is inside, to is outside.
        #expect(try await store.responseRecords(openedFrom: at(-10), to: at(0), service: nil).map(\.id) == [before.id])
    }
}
