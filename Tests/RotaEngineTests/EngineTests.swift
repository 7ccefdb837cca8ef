import Foundation
import RotaConfig
import RotaCore
import RotaEngine
import RotaNotify
import RotaStore
import RotaStoreSQLite
import Synchronization
import Testing

/// A deliverer that records what it was given, and fails for the people told to.
final class FakeDeliverer: Deliverer {
    private let state = Mutex<(delivered: [String], failing: [String: DeliveryResult])>(([], [:]))

    func deliver(_ message: any OutboundMessage, via contact: Contact, settings: Settings, now: Date) async -> DeliveryResult {
        let person = (message as? PageMessage)?.person ?? (message as? ShiftNotice)?.person ?? "?"
        return state.withLock { state in
            if let failure = state.failing[person] { return failure }
            if let page = message as? PageMessage {
                state.delivered.append("\(page.person) \(page.round).\(page.level)\(page.late ? " late" : "")")
            } else if let notice = message as? ShiftNotice {
                state.delivered.append("\(notice.person) notice: \(notice.subject): \(notice.text)")
            }
            return .delivered
        }
    }

    var delivered: [String] { state.withLock { $0.delivered } }
    func fail(_ person: String, with result: DeliveryResult?) { state.withLock { $0.failing[person] = result } }
}

private let t0 = Date(timeIntervalSince1970: 1_772_528_400)  // Tue 2026-03-03T09:00:00Z, 10:00 in Paris

private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

/// A temporary store, a fake deliverer, a rota from YAML, and a clock driven by the test.
struct EngineRig {
    static let yaml = """
        settings: {timezone: Europe/Paris}
        people:
          - {id: ann, contacts: [{command: [/bin/true]}]}
          - {id: bob, contacts: [{command: [/bin/true]}]}
          - {id: lead, contacts: [{command: [/bin/true]}]}
          - {id: ceo, contacts: [{command: [/bin/true]}]}
        schedules:
          - id: days
            layers:
              - {members: [ann, bob], start: 2026-03-02T09:00, shift: 1d, restrict: [{days: mon-fri, from: "09:00", to: "18:00"}]}
        escalations:
          - id: chain
            repeat: 1
            levels:
              - {notify: [schedule:days], escalate_after: 10m}
              - {notify: [person:lead], escalate_after: 10m}
              - {notify: [person:ceo], escalate_after: 20m}
        services:
          - {id: web, escalation: chain, ack_timeout: 1h}
        """

    let store: SQLiteStore
    let deliverer = FakeDeliverer()
    let engine: Engine
    var rota: Rota

    init(yaml: String = EngineRig.yaml) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rota-engine-\(UUID().uuidString)/rota.db").path
        store = try SQLiteStore.open(path: path)
        engine = Engine(store: store, deliverer: deliverer)
        rota = try Self.decode(yaml)
    }

    static func decode(_ yaml: String) throws -> Rota {
        try RotaLoader.decode(sources: [RotaSource(name: "r.yaml", text: yaml)], label: "test").get()
    }

    func snapshot() -> RotaSnapshot {
        RotaSnapshot(rota: rota, timetable: Timetable(rota: rota), runbooks: [:], addressBook: AddressBook(databasePath: store.path)) { id, _ in
            ("rota ack \(id)", "Acknowledge: rota ack \(id)")
        }
    }

    @discardableResult
    func raise(at time: Date, service: String = "web") async throws -> StoredAlert {
        let service = try #require(rota.service(service))
        let alert = try await store.raise(NewAlert(service: service.id, escalation: service.escalation, summary: "down", details: nil,
                                                   severity: "high", dedupKey: nil, definition: Engine.definition(for: service, in: rota)),
                                          actor: "t", now: time).alert
        try await engine.plan(snapshot(), now: time, only: alert.id)
        _ = try await engine.deliver(snapshot(), now: time, only: alert.id)
        return alert
    }

    /// A tick every minute over [from, from + minutes), like cron.
    func cron(from start: Double, minutes: Int) async throws {
        for minute in 0..<minutes { _ = try await engine.tick(snapshot(), now: at(start + Double(minute)), clock: at(start + Double(minute))) }
    }
}

@Suite("The engine in-process: ticks against a temporary store and a fake deliverer")
struct EngineTests {
    @Test("nobody answers: every level of both rounds, each paged once, at its own time")
    func climbs() async throws {
        let rig = try EngineRig()
        try await rig.raise(at: at(0))
        try await rig.cron(from: 1, minutes: 90)
        #expect(rig.deliverer.delivered == ["bob 1.1", "lead 1.2", "ceo 1.3", "bob 2.1", "lead 2.2", "ceo 2.3"])
    }

    @Test("a schedule with nobody on call is skipped at once, and the log says so (a Saturday)")
    func emptyLevelSkipped() async throws {
        let rig = try EngineRig()
        let saturday = t0.addingTimeInterval(4 * 86400)
        let alert = try await rig.raise(at: saturday)
        #expect(rig.deliverer.delivered == ["lead 1.2"])
        let log = try await rig.store.events(alert: alert.id).map(\.event)
        #expect(log.contains("level.skipped"))
    }

    @Test("an ack stops it; past ack_timeout it starts over at level 1 in a new round")
    func ackTimeout() async throws {
        let rig = try EngineRig()
        let alert = try await rig.raise(at: at(0))
        try await rig.cron(from: 1, minutes: 12)
        _ = try await rig.store.acknowledge(id: alert.id, actor: "bob", now: at(13),
                                            wakeAt: EscalationProgress.acknowledged(at: at(13)).wakeUp(ackTimeout: 3600), notices: [])
        try await rig.cron(from: 13, minutes: 62)
        #expect(rig.deliverer.delivered == ["bob 1.1", "lead 1.2", "bob 2.1"])
        let events = try await rig.store.events(alert: alert.id).map(\.event)
        #expect(events.contains("alert.retriggered"))
    }

    @Test("cron down for an hour: every missed page goes once, marked late")
    func missedTicks() async throws {
        let rig = try EngineRig()
        try await rig.raise(at: at(0))
        let report = try await rig.engine.tick(rig.snapshot(), now: at(65), clock: at(65))
        #expect(report.sent.count == 5)
        #expect(report.sent.allSatisfy { $0.page.late })
        #expect(rig.deliverer.delivered.sorted() == ["bob 1.1", "bob 2.1 late", "ceo 1.3 late", "ceo 2.3 late", "lead 1.2 late", "lead 2.2 late"])
    }

    @Test("a failing page is retried after its backoff and never holds up the others")
    func retries() async throws {
        let rig = try EngineRig()
        rig.deliverer.fail("bob", with: .retry("busy"))
        try await rig.raise(at: at(0))
        #expect(rig.deliverer.delivered.isEmpty)
        let quick = try await rig.engine.tick(rig.snapshot(), now: at(0.25), clock: at(0.25))
        #expect(quick.failed.isEmpty && quick.sent.isEmpty, "30 s of backoff first")
        rig.deliverer.fail("bob", with: nil)
        let later = try await rig.engine.tick(rig.snapshot(), now: at(0.6), clock: at(0.6))
        #expect(later.sent.map(\.page.person) == ["bob"])
        rig.deliverer.fail("lead", with: .permanent("gone"))
        let gone = try await rig.engine.tick(rig.snapshot(), now: at(10), clock: at(10))
        #expect(gone.failed.first?.forGood == true)
        #expect(try await rig.store.runnerStatus(now: at(10)).pagesFailedForGood == 1)
    }

    @Test("an escalation cut short in the files keeps climbing by the definition the alert kept")
    func keptDefinition() async throws {
        var rig = try EngineRig()
        try await rig.raise(at: at(0))
        rig.rota = try EngineRig.decode(EngineRig.yaml.replacingOccurrences(of: """
                  - {notify: [person:lead], escalate_after: 10m}
                  - {notify: [person:ceo], escalate_after: 20m}
            """, with: ""))
        #expect(rig.rota.escalation("chain")?.levels.count == 1)
        try await rig.cron(from: 1, minutes: 25)
        #expect(rig.deliverer.delivered == ["bob 1.1", "lead 1.2", "ceo 1.3"])
    }

    @Test("a shift-start notice is queued and sent once, telling the whole shift, across a DST change in Paris")
    func shiftNotices() async throws {
        let rig = try EngineRig(yaml: EngineRig.yaml.replacingOccurrences(of: "settings: {timezone: Europe/Paris}",
                                                                             with: "settings: {timezone: Europe/Paris, shift_notices: {before: 1h}}"))
        // Monday 30 March 2026, the day after Paris springs forward: 09:00 CEST is 07:00Z.
        let monday = Date(timeIntervalSince1970: 1_774_854_000)  // 2026-03-30T07:00:00Z
        for minute in stride(from: -60.0, through: 0, by: 10) {
            _ = try await rig.engine.tick(rig.snapshot(), now: monday.addingTimeInterval(minute * 60), clock: monday)
        }
        let notices = rig.deliverer.delivered.filter { $0.contains("notice") }
        #expect(notices.count == 1)
        #expect(notices.first?.contains("09:00 to 2026-03-30T18:00") == true, "\(notices)")
        let row = try await rig.store.duePages(now: monday)
        #expect(row.isEmpty)
    }

    @Test("a dry run shows what a tick would send and changes nothing")
    func preview() async throws {
        let rig = try EngineRig()
        let alert = try await rig.raise(at: at(0))
        let pages = try await rig.engine.preview(rig.snapshot(), now: at(31))
        #expect(pages.map(\.person) == ["lead", "ceo"])
        #expect(try await rig.store.pages(alert: alert.id).count == 1)
        #expect(rig.deliverer.delivered == ["bob 1.1"])
    }

    @Test("the loop ticks at once when triggered, under the runner lock")
    func loopTrigger() async throws {
        let rig = try EngineRig()
        _ = try await rig.store.raise(NewAlert(service: "web", escalation: "chain", summary: "down", details: nil, severity: "high",
                                               dedupKey: nil, definition: Engine.definition(for: rig.rota.service("web")!, in: rig.rota)),
                                      actor: "t", now: at(0))
        let snapshot = rig.snapshot()
        let engine = rig.engine
        let loop = EngineLoop(interval: .seconds(3600), plan: { try await engine.planTick(now: at(0), clock: at(0)) { snapshot } }, onError: { _ in })
        let running = Task { await loop.run() }
        for _ in 0..<100 where rig.deliverer.delivered.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(rig.deliverer.delivered == ["bob 1.1"], "the first tick runs at once")
        _ = try await rig.store.raise(NewAlert(service: "web", escalation: "chain", summary: "again", details: nil, severity: "high",
                                               dedupKey: nil, definition: nil), actor: "t", now: at(0))
        await loop.trigger()
        for _ in 0..<100 where rig.deliverer.delivered.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(rig.deliverer.delivered == ["bob 1.1", "bob 1.1"])
        running.cancel()
        await loop.trigger()
        await running.value
    }
}

@Suite("The engine and held alerts")
struct HeldAlertEngineTests {
    @Test("an alert held by maintenance whose window ended during a missed tick pages at the next tick, marked late")
    func maintenanceEndsDuringMissedTick() async throws {
        let rig = try EngineRig()
        let service = try #require(rig.rota.service("web"))
        let held = try await rig.store.raise(NewAlert(service: "web", escalation: "chain", summary: "during", details: nil, severity: "high",
                                                      dedupKey: nil, definition: Engine.definition(for: service, in: rig.rota),
                                                      hold: FirstPage.Hold(until: at(60), reason: "in maintenance until …")),
                                             actor: "t", now: at(0))
        _ = try await rig.engine.tick(rig.snapshot(), now: at(59), clock: at(59))
        #expect(rig.deliverer.delivered.isEmpty, "held until the window's end")
        // Cron was down from 09:59 to 10:05: the page goes at the next tick, late.
        let report = try await rig.engine.tick(rig.snapshot(), now: at(65), clock: at(65))
        #expect(report.sent.map(\.page.alertID) == [held.alert.id])
        #expect(report.sent.first?.page.late == true)
    }
}

@Suite("The tick mark: one rule for status, healthz and the admins' alarm")
struct TickMarkTests {
    @Test("judged against now", arguments: [
        (nil, 180.0, TickMark.none),
        (0.0, 180, .fresh),
        (-180, 180, .fresh),
        (-181, 180, .stale(age: 181)),
        (-301, 300, .stale(age: 301)),
        (1, 180, .fresh),
        (1.5, 180, .ahead(by: 1)),
        (600, 180, .ahead(by: 600)),
    ] as [(Double?, Double, TickMark)])
    func judged(offset: Double?, staleAfter: Double, expected: TickMark) {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        #expect(TickMark.judge(offset.map { now.addingTimeInterval($0) }, now: now, staleAfter: staleAfter) == expected)
    }

    @Test("admins hear of a stale mark and of one far in the future; not of a fresh one")
    func alarms() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let zone = try #require(Zone(identifier: "UTC"))
        func subjects(_ offset: Double) -> [String] {
            AdminAlarm.alarms(failing: [], invalidSince: nil, lastTick: now.addingTimeInterval(offset), now: now, clock: now, zone: zone).map(\.subject)
        }
        #expect(subjects(-60).isEmpty)
        #expect(subjects(-360) == ["rota: no tick for 6 minutes"])
        #expect(subjects(120).isEmpty, "a mark a little ahead (clock skew between hosts) is no alarm")
        #expect(subjects(3600) == ["rota: the last tick is 60 minutes in the future"])
    }
}
