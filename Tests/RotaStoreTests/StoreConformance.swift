import Foundation
import RotaCore
import RotaStore
import RotaStorePostgres
import RotaStoreSQLite
import RotaTestSupport
import Testing

/// A backend under test: how to open a fresh store, and a second connection to the same one
/// (another process or host, as far as the contract is concerned).
struct Backend: Sendable, CustomStringConvertible {
    var description: String
    var fresh: @Sendable () async throws -> (any Store, @Sendable () async throws -> any Store)

    /// Every backend the contract is checked against (PostgreSQL joins here).
    static let all: [Backend] = [
        Backend(description: "SQLite") {
            let path = temporaryDatabasePath()
            return (try SQLiteStore.open(path: path), { try SQLiteStore.open(path: path) })
        },
    ] + (PostgresTestServer.available ? [
        Backend(description: "PostgreSQL") {
            let address = try PostgresAddress.parse(try PostgresTestServer.freshDatabase(), environment: PostgresTestServer.environment)
            let local = temporaryDatabasePath()
            return (try await PostgresStore.open(address: address, localPath: local, host: "test", deadline: inProcessDeadline),
                    { try await PostgresStore.open(address: address, localPath: local, host: "test", deadline: inProcessDeadline) })
        },
    ] : [])
}

private let t0 = Date(timeIntervalSince1970: 1_772_528_400)  // 2026-03-03T09:00:00Z

private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

private func newAlert(_ summary: String = "down", dedup: String? = nil) -> NewAlert {
    NewAlert(service: "web", escalation: "e", summary: summary, details: nil, severity: "high", dedupKey: dedup)
}

/// One page of level 1 for `person`, due at the alert's raise.
private func decision(_ alert: StoredAlert, person: String = "ann", late: Bool = false) -> AlertDecision {
    var progress = alert.progress
    progress.nextLevel = nil
    progress.nextDueAt = nil
    let page = OutboxEntry(delivery: .page(round: 1, level: 1, levelDueAt: alert.createdAt), person: person, contact: 0,
                           contactKind: "command", contactKey: "command:\(person)", dueAt: alert.createdAt, late: late)
    return AlertDecision(progress: progress, wakeAt: nil, pages: [page], log: [AuditEntry(.levelDue, "level 1")])
}

private func finished(_ page: StoredPage, _ result: DeliveryResult, retryAt: Date? = nil) -> FinishedPage {
    FinishedPage(page: page, result: result, retryAt: retryAt, log: AuditEntry(.pageSent, "page \(page.id)"))
}

@Suite("The store contract, for every backend")
struct StoreConformance {
    @Test("revisions: stored only when the files change, never effective before the last one, linear under a race", arguments: Backend.all)
    func revisions(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let model = Data("model".utf8)
        #expect(try await store.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f1", now: at(0), actor: "t") != nil)
        #expect(try await store.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f1", now: at(1), actor: "t") == nil)
        let second = try await store.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f2", now: at(-5), actor: "t")
        #expect(second?.effectiveAt == at(0), "never back-dated")
        guard case .model(let stored) = try await store.content(ofRevision: 1) else { Issue.record("no model"); return }
        #expect(stored == model)
        // Two connections record the same change at once: stored once.
        let other = try await another()
        async let a = store.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f3", now: at(2), actor: "a")
        async let b = other.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f3", now: at(2), actor: "b")
        let results = try await [a, b]
        #expect(results.compactMap { $0 }.count == 1)
        #expect(try await store.revisions().map(\.fingerprint) == ["f1", "f2", "f3"])
        // Editing back to an earlier version is a new revision too.
        #expect(try await store.recordRevision(model: model, files: ["a.yaml"], fingerprint: "f1", now: at(3), actor: "t") != nil)
    }

    @Test("covers: every add kept with its own id, removal once, then not found", arguments: Backend.all)
    func covers(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let other = try await another()
        async let first = store.addCovers([NewCover(schedule: "s", person: "ann", start: at(0), end: at(60))],
                                          entry: AuditEntry(.overrideAdd, "a"), actor: "t", now: at(0))
        async let second = other.addCovers([NewCover(schedule: nil, person: "bob", start: at(0), end: at(60)),
                                            NewCover(schedule: nil, person: "cid", start: at(30), end: at(90))],
                                           entry: AuditEntry(.leaveAdd, "b"), actor: "t", now: at(0))
        let (overrideIDs, leaveIDs) = try await (first, second)
        #expect(overrideIDs.count == 1)
        #expect(Set(leaveIDs).count == 2)
        let ids = overrideIDs
        #expect(try await store.covers(.override, endingAfter: nil).map(\.person) == ["ann"])
        #expect(try await store.covers(.leave, endingAfter: at(70)).map(\.person) == ["cid"])
        let removed = try await store.removeCover(.override, id: ids[0], actor: "t", now: at(1)) { $0.person }
        #expect(removed.schedule == "s")
        await #expect(throws: StoreError.notFound("no override #\(ids[0])")) {
            try await other.removeCover(.override, id: ids[0], actor: "t", now: at(1)) { $0.person }
        }
        let events = try await store.events(since: nil).map(\.event)
        #expect(events.sorted() == ["leave.add", "override.add", "override.remove"])
        #expect(events.last == "override.remove")
    }

    @Test("a swap's overrides carry its id (its first override's); removing the swap removes them all at once, then not found", arguments: Backend.all)
    func swaps(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let other = try await another()
        _ = try await store.addCovers([NewCover(schedule: "s", person: "cid", start: at(0), end: at(10))], entry: AuditEntry(.overrideAdd, "a"),
                                      actor: "t", now: at(0))
        let ids = try await other.addSwap([NewCover(schedule: "s", person: "ann", start: at(0), end: at(60)),
                                           NewCover(schedule: "s", person: "bob", start: at(60), end: at(120))],
                                          entry: AuditEntry(.swap, "ann and bob"), actor: "t", now: at(0))
        let stored = try await store.covers(.override, endingAfter: nil)
        #expect(stored.map(\.swap) == [nil, ids[0], ids[0]])
        let removed = try await store.removeSwap(ids[0], actor: "t", now: at(1))
        #expect(removed.map(\.id) == ids)
        #expect(try await other.covers(.override, endingAfter: nil).map(\.person) == ["cid"])
        await #expect(throws: StoreError.notFound("no swap #\(ids[0])")) { try await other.removeSwap(ids[0], actor: "t", now: at(2)) }
        let last = try await store.events(since: nil).last
        #expect(last?.event == "swap.remove")
        #expect(last?.detail.contains("removed swap #\(ids[0]) on s between ann and bob") == true)
    }

    @Test("raising with a dedup key from many connections at once makes one open alert", arguments: Backend.all)
    func deduplication(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let others = try await [another(), another(), another()]
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for (index, connection) in ([store] + others).enumerated() {
                group.addTask { try await connection.raise(newAlert("storm \(index)", dedup: "k"), actor: "t", now: at(0)).deduplicated }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { !$0 }.count == 1)
        let alerts = try await store.alerts(includeResolved: false)
        #expect(alerts.count == 1)
        #expect(alerts.first?.count == 4)
        // Once resolved, the key is free again.
        _ = try await store.resolve(id: alerts[0].id, actor: "t", now: at(1), notices: [])
        #expect(try await store.raise(newAlert(dedup: "k"), actor: "t", now: at(2)).deduplicated == false)
    }

    @Test("advancing queues each page once, even when two runners advance at once", arguments: Backend.all)
    func advancing(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let other = try await another()
        let raised = try await store.raise(newAlert(), actor: "t", now: at(0)).alert
        async let a = store.advanceAlerts(now: at(0), only: nil, actor: "rota") { alert in alert.progress.nextLevel == nil ? nil : decision(alert) }
        async let b = other.advanceAlerts(now: at(0), only: nil, actor: "rota") { alert in alert.progress.nextLevel == nil ? nil : decision(alert) }
        #expect(try await a + b == 1, "the second runner sees the first one's progress")
        let pages = try await store.pages(alert: raised.id)
        #expect(pages.count == 1)
        #expect(pages.first?.contactKey == "command:ann")
        #expect(try await store.events(alert: raised.id).map(\.event) == ["alert.raised", "level.due"])
        // The pages of every open alert in one read: a resolved alert's pages are left out.
        let second = try await store.raise(newAlert("b"), actor: "t", now: at(1)).alert
        try await store.advanceAlerts(now: at(1), only: second.id, actor: "rota") { decision($0) }
        #expect(try await store.openAlertPages().map(\.alertID) == [raised.id, second.id])
        _ = try await store.resolve(id: raised.id, actor: "t", now: at(2), notices: [])
        #expect(try await store.openAlertPages().map(\.alertID) == [second.id])
    }

    @Test("a row is claimed by one runner at a time; a lapsed claim is taken over; a stale finish changes nothing", arguments: Backend.all)
    func claims(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let other = try await another()
        for index in 0..<20 {
            let alert = try await store.raise(newAlert("a\(index)"), actor: "t", now: at(0)).alert
            try await store.advanceAlerts(now: at(0), only: alert.id, actor: "rota") { decision($0) }
        }
        // Two runners racing for the same rows, a few at a time.
        let claimed = try await withThrowingTaskGroup(of: [Int].self) { group in
            for connection in [store, other] {
                group.addTask {
                    var mine: [Int] = []
                    while true {
                        let batch = try await connection.claimPages(now: at(1), lease: 120, limit: 3, only: nil)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.page.id)
                    }
                }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        let all = claimed.flatMap { $0 }
        #expect(all.count == 20)
        #expect(Set(all).count == 20, "no row claimed twice")
        // Before the lease lapses nothing more is claimable; after it, another runner takes one over.
        #expect(try await other.claimPages(now: at(2), lease: 120, limit: 50, only: nil).isEmpty)
        let stale = try #require(try await store.pages(alert: 1).first)
        let taken = try await other.claimPages(now: at(4), lease: 120, limit: 50, only: 1)
        #expect(taken.map(\.page.id) == [stale.id])
        #expect(taken.first?.page.attempts == stale.attempts + 1)
        // The first runner comes back late: its finish is not recorded; the new holder's is.
        try await store.finishPages([finished(stale, .delivered)], now: at(5))
        #expect(try await store.pages(alert: 1).first?.status == .sending)
        try await other.finishPages([finished(taken[0].page, .delivered)], now: at(5))
        #expect(try await store.pages(alert: 1).first?.status == .sent)
    }

    @Test("finishing: sent, retried at its time, failed for good; rows of answered alerts are cancelled, not claimed", arguments: Backend.all)
    func finishing(_ backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        var ids: [Int] = []
        for index in 0..<4 {
            let alert = try await store.raise(newAlert("a\(index)"), actor: "t", now: at(0)).alert
            try await store.advanceAlerts(now: at(0), only: alert.id, actor: "rota") { decision($0) }
            ids.append(alert.id)
        }
        _ = try await store.acknowledge(id: ids[3], actor: "ann", now: at(0.5), wakeAt: at(60), notices: [])
        #expect(try await store.pages(alert: ids[3]).first?.status == .cancelled)
        let claimed = try await store.claimPages(now: at(1), lease: 120, limit: 10, only: nil).map(\.page)
        #expect(claimed.count == 3)
        try await store.finishPages([finished(claimed[0], .delivered), finished(claimed[1], .retry("busy"), retryAt: at(3)),
                                     finished(claimed[2], .permanent("gone"))], now: at(1))
        #expect(try await store.pages(alert: ids[0]).first?.status == .sent)
        #expect(try await store.pagedPeople(alert: ids[0]) == ["ann"])
        #expect(try await store.claimPages(now: at(2), lease: 120, limit: 10, only: nil).isEmpty, "the retry waits for its time")
        #expect(try await store.claimPages(now: at(3), lease: 120, limit: 10, only: nil).map(\.page.id) == [claimed[1].id])
        let status = try await store.runnerStatus(now: at(3))
        #expect(status.pagesFailedForGood == 1)
        #expect(status.openAlerts == 4)
        let received = try await store.receivedPages(from: at(-1), to: at(10))
        #expect(received.map(\.alertID) == [ids[0]])
    }

    @Test("a notice is queued once per key and contact, however often it is queued", arguments: Backend.all)
    func notices(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let entry = OutboxEntry(delivery: .notice(key: "start|s|ann|x", subject: "soon", text: "your shift"), person: "ann",
                                contact: 0, contactKind: "email", contactKey: "email:ann", dueAt: at(0))
        #expect(try await store.enqueue([entry]) == 1)
        #expect(try await another().enqueue([entry]) == 0)
        let due = try await store.duePages(now: at(0))
        #expect(due.map(\.noticeKey) == ["start|s|ann|x"])
        #expect(due.first?.pageID == "rota-notice-start|s|ann|x")
    }

    @Test("the tick mark never goes back, except over one ahead of the system clock; the runner lock is held once", arguments: Backend.all)
    func runner(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        try await store.recordTick(now: at(10), clock: at(10))
        try await store.recordTick(now: at(5), clock: at(10))
        #expect(try await store.runnerStatus(now: at(10)).lastTick == at(10))
        try await store.recordTick(now: at(1000), clock: at(10))
        try await store.recordTick(now: at(11), clock: at(11))
        #expect(try await store.runnerStatus(now: at(11)).lastTick == at(11), "a future mark is replaced by a real tick")
        let lock = try #require(try await store.acquireRunnerLock())
        #expect(try await another().acquireRunnerLock() == nil)
        lock.release()
        let again = try await another().acquireRunnerLock()
        #expect(again != nil)
        again?.release()
    }

    @Test("maintenance: windows listed in order of creation while they last, removal releases only the alerts a window holds (by kind), then not found", arguments: Backend.all)
    func maintenance(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let zone = try #require(Zone(identifier: "UTC"))
        let rule = FirstPage.Rule(lowWaitsForDaytime: true, daytime: FirstPage.Daytime(zone: zone, from: LocalTime(hour: 8, minute: 0),
                                                                                      to: LocalTime(hour: 20, minute: 0)))
        let id = try await store.addMaintenance(service: "web", start: at(0), end: at(60), reason: "upgrade", actor: "t", now: at(0))
        let other = try await store.addMaintenance(service: "db", start: at(0), end: at(30), reason: nil, actor: "t", now: at(0))
        #expect(try await store.maintenance(endingAfter: at(0)).map(\.id) == [id, other])
        #expect(try await store.maintenance(endingAfter: at(45)).map(\.id) == [id])
        var inWindow = newAlert("in the window")
        inWindow.firstPage = rule
        let held = try await store.raise(inWindow, actor: "t", now: at(5)).alert
        #expect(held.progress.nextDueAt == at(60) && held.held?.hasPrefix("in maintenance") == true)
        // Held for daytime (a low alert at night, 22:00 UTC), with words that mention maintenance: not the window's.
        var night = NewAlert(service: "web", escalation: "e", summary: "low", details: nil, severity: "low", dedupKey: nil)
        night.hold = FirstPage.Hold(until: at(700), reason: "in maintenance? no: low severity waits for daytime", kind: .daytime)
        let daytime = try await store.raise(night, actor: "t", now: at(6)).alert
        let removed = try await another().removeMaintenance(id: id, actor: "t", now: at(10))
        #expect(removed.window.reason == "upgrade" && removed.released == 1)
        #expect(try await store.alert(id: held.id).progress.nextDueAt == at(10), "released: due at the removal")
        #expect(try await store.alert(id: daytime.id).progress.nextDueAt == at(700), "a daytime hold is not the window's to release")
        await #expect(throws: StoreError.notFound("no maintenance #\(id)")) { try await store.removeMaintenance(id: id, actor: "t", now: at(11)) }
    }

    @Test("heartbeats, feeds, arrivals, due alerts, open-alert lookups and appended log lines", arguments: Backend.all)
    func smallerNouns(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let other = try await another()
        // Heartbeats: a ping answers the previous one; the last pings by id.
        #expect(try await store.ping(heartbeat: "backup", now: at(0)) == nil)
        #expect(try await other.ping(heartbeat: "backup", now: at(5)) == at(0))
        #expect(try await store.lastPings() == ["backup": at(5)])
        // Feeds: a generation goes up once per revocation.
        let first = try await store.feedGeneration(person: "ann")
        #expect(try await other.revokeFeeds(person: "ann", actor: "t", now: at(1)) == first + 1)
        #expect(try await store.feedGeneration(person: "ann") == first + 1)
        #expect(try await store.feedGeneration(person: "bob") == first, "another person's feeds are untouched")
        // Arrivals count raises and deduplications on the watched services since an instant.
        _ = try await store.raise(newAlert("a", dedup: "k"), actor: "t", now: at(0))
        _ = try await other.raise(newAlert("b", dedup: "k"), actor: "t", now: at(2))
        _ = try await store.raise(NewAlert(service: "db", escalation: "e", summary: "c", details: nil, severity: "high", dedupKey: nil),
                                  actor: "t", now: at(3))
        #expect(try await store.arrivals(services: ["web"], since: at(0)) == 2)
        #expect(try await store.arrivals(services: ["web"], since: at(1)) == 1)
        #expect(try await store.arrivals(services: ["web", "db"], since: at(0)) == 3)
        #expect(try await store.arrivals(services: [], since: at(0)) == 0)
        // Open-alert lookup by key; due alerts by wake time, resolved ones never.
        let open = try #require(try await other.openAlert(service: "web", dedupKey: "k"))
        #expect(open.count == 2)
        #expect(try await store.openAlert(service: "db", dedupKey: "k") == nil)
        #expect(try await store.dueAlerts(now: at(2)).map(\.id) == [open.id])
        #expect(try await store.dueAlerts(now: at(3)).count == 2)
        _ = try await store.resolve(id: open.id, actor: "t", now: at(4), notices: [])
        #expect(try await other.openAlert(service: "web", dedupKey: "k") == nil)
        #expect(try await store.dueAlerts(now: at(10)).map(\.service) == ["db"])
        // A line appended to the log is read back, in order, by any connection.
        try await store.append(AuditEntry(.testPage, "a test page to ann"), actor: "ops", now: at(5))
        let last = try #require(try await other.events(since: at(5)).last)
        #expect(last.event == "test.page" && last.actor == "ops" && last.detail == "a test page to ann" && last.at == at(5))
        #expect(last.alertID == nil)
        // On an alert's log when given one (a drill's answer), and only there.
        let db = try #require(try await store.dueAlerts(now: at(10)).first)
        try await other.append(AuditEntry(.drillAnswered, "drill answered by ann"), actor: "ann", now: at(6), alert: db.id)
        #expect(try await store.events(alert: db.id).map(\.event).last == "drill.answered")
        #expect(try await store.events(alert: open.id).allSatisfy { $0.event != "drill.answered" })
    }

    @Test("a decision that ends an alert (a drill's end) resolves it with when and by whom; one that does not keeps both empty", arguments: Backend.all)
    func decisionEnds(_ backend: Backend) async throws {
        let (store, another) = try await backend.fresh()
        let ending = try await store.raise(newAlert("drill"), actor: "t", now: at(0)).alert
        let going = try await store.raise(newAlert("real", dedup: "r"), actor: "t", now: at(0)).alert
        _ = try await another().advanceAlerts(now: at(60), only: nil, actor: "rota") { alert in
            var progress = alert.progress
            progress.nextLevel = nil
            progress.nextDueAt = nil
            guard alert.id == ending.id else { return AlertDecision(progress: progress, wakeAt: nil, pages: [], log: []) }
            progress.status = .resolved
            return AlertDecision(progress: progress, wakeAt: nil, pages: [], resolved: (at(59), "drill"), log: [AuditEntry(.drillEnded, "ended")])
        }
        let ended = try await store.alert(id: ending.id)
        #expect(ended.status == .resolved && ended.resolvedAt == at(59) && ended.resolvedBy == "drill", "\(ended)")
        let kept = try await store.alert(id: going.id)
        #expect(kept.status == .triggered && kept.resolvedAt == nil && kept.resolvedBy == nil, "\(kept)")
        // The runner's count of open alerts leaves drills out (the real one counts: the control).
        _ = try await store.raise(NewAlert(service: Drill.service("weekly"), escalation: "e", summary: "practice", details: nil, severity: "high",
                                           dedupKey: "drill:weekly@x"), actor: "drill:weekly", now: at(61))
        #expect(try await store.runnerStatus(now: at(62)).openAlerts == 1)
    }
}

/// The deadline of PostgreSQL operations for stores opened inside the test process: far longer
/// than the 30 s of a rota process, because the test process's shared thread pool can be held
/// by other suites' blocking waits for minutes. The deadline itself is tested end to end, on the
/// binary (PostgresRestartTests).
let inProcessDeadline: Duration = .seconds(600)

