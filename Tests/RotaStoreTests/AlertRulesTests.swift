import Foundation
import RotaCore
import RotaStore
import Testing

/// The rules both stores apply, tested once as values (the conformance suite runs them through each store).
@Suite("Alert rules written once for every store")
struct AlertRulesTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func alert(_ status: AlertStatus) -> StoredAlert {
        let acknowledged = status == .acknowledged ? now.addingTimeInterval(-60) : nil
        return StoredAlert(id: 7, service: "web", escalation: "e", summary: "down", details: nil, severity: "high", dedupKey: nil, count: 1,
                           createdAt: now.addingTimeInterval(-600), acknowledgedBy: acknowledged == nil ? nil : "ann", resolvedAt: nil,
                           resolvedBy: nil, progress: EscalationProgress(status: status, round: 1, cycleFirstRound: 1, nextLevel: nil,
                                                                          nextDueAt: nil, acknowledgedAt: acknowledged),
                           definition: nil)
    }

    @Test("which answers change which states", arguments: [
        (AlertStatus.triggered, AlertRules.Verb.acknowledged, AlertStatus?.some(.acknowledged)),
        (.triggered, .resolved, .resolved),
        (.acknowledged, .acknowledged, nil),
        (.acknowledged, .resolved, .resolved),
        (.resolved, .acknowledged, nil),
        (.resolved, .resolved, nil),
    ])
    func answers(from: AlertStatus, verb: AlertRules.Verb, to: AlertStatus?) {
        let wake = Self.now.addingTimeInterval(3600)
        let answer = AlertRules.answer(Self.alert(from), verb, actor: "bob", now: Self.now, wakeAt: wake)
        #expect(answer?.status == to)
        if let answer {
            #expect(answer.kind == (verb == .acknowledged ? .alertAcknowledged : .alertResolved))
            #expect(answer.acknowledged?.by == (verb == .acknowledged ? "bob" : nil))
            #expect(answer.resolved?.by == (verb == .resolved ? "bob" : nil))
            #expect(answer.wakeAt == (verb == .acknowledged ? wake : nil), "only an acknowledgement wakes again (its ack_timeout)")
        }
    }

    @Test("a new alert is due at once, or held by its own hold, or by a maintenance window of its service")
    func openings() throws {
        let zone = try #require(Zone(identifier: "UTC"))
        let rule = FirstPage.Rule(lowWaitsForDaytime: false, daytime: FirstPage.Daytime(zone: zone, from: LocalTime(hour: 8, minute: 0),
                                                                                        to: LocalTime(hour: 20, minute: 0)))
        let plain = NewAlert(service: "web", escalation: "e", summary: "x", details: nil, severity: "high", dedupKey: nil, firstPage: rule)
        let open = AlertRules.opening(plain, now: Self.now, maintenance: [])
        #expect(open.hold == nil && open.progress.nextDueAt == Self.now && open.wakeAt == Self.now)
        let window = (start: Self.now.addingTimeInterval(-60), end: Self.now.addingTimeInterval(3600))
        let held = AlertRules.opening(plain, now: Self.now, maintenance: [window])
        #expect(held.progress.nextDueAt == window.end && held.wakeAt == window.end)
        #expect(held.hold?.reason.hasPrefix("in maintenance") == true, "\(String(describing: held.hold))")
        var own = plain
        own.hold = FirstPage.Hold(until: Self.now.addingTimeInterval(120), reason: "given")
        #expect(AlertRules.opening(own, now: Self.now, maintenance: [window]).hold?.reason == "given", "the raiser's own hold wins")
    }

    @Test("the audit texts")
    func texts() throws {
        let new = NewAlert(service: "web", escalation: "e", summary: "down", details: nil, severity: "critical", dedupKey: "k")
        #expect(AuditEntry.raised(3, new, hold: nil).detail == "alert #3 on web (critical): down")
        #expect(AuditEntry.deduplicated(3, new).detail == "alert #3 raised again (dedup key k): down")
        let answer = try #require(AlertRules.answer(Self.alert(.triggered), .resolved, actor: "bob", now: Self.now, wakeAt: nil))
        #expect(AuditEntry.answered(7, answer, actor: "bob", cancelled: 2).detail == "alert #7 resolved by bob; 2 page(s) not yet sent cancelled")
        #expect(AuditEntry.answered(7, answer, actor: "bob", cancelled: 0).detail == "alert #7 resolved by bob")
    }
}

extension AlertRulesTests {
    static func page(_ id: Int, alert: Int?, due: Double) -> StoredPage {
        StoredPage(id: id, alertID: alert, noticeKey: nil, noticeSubject: nil, noticeText: nil, round: 1, level: 1, person: "ann", contact: 0,
                   contactKind: "command", contactKey: nil, levelDueAt: now.addingTimeInterval(due), dueAt: now.addingTimeInterval(due),
                   status: .pending, attempts: 0, nextAttemptAt: now, late: false)
    }

    @Test("claims: earliest due first up to the limit; a page of an answered alert is cancelled and takes no slot")
    func claims() {
        var answered = Self.alert(.triggered)
        answered.progress.status = .acknowledged
        let alerts = [1: Self.alert(.triggered), 7: answered]
        let candidates = [Self.page(3, alert: 1, due: 30), Self.page(1, alert: 7, due: 0), Self.page(2, alert: 1, due: 10),
                          Self.page(4, alert: nil, due: 5), Self.page(5, alert: 1, due: 40)]
        let decided = AlertRules.claims(candidates, alerts: alerts, limit: 3)
        #expect(decided.claim.map(\.page.id) == [4, 2, 3])
        #expect(decided.cancel == [1])
        #expect(decided.claim.allSatisfy { $0.page.status == .sending && $0.page.attempts == 1 })
        #expect(decided.claim.first?.alert == nil, "a notice has no alert")
    }
}
