import Foundation
import Testing
@testable import RotaCore

private let t0 = utc("2026-03-03T10:00:00Z")
private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

private func policy(_ levels: [([Target], Int?)], repeat repeatCount: Int = 0) -> EscalationPolicy {
    EscalationPolicy(id: "e", name: "e", repeatCount: repeatCount,
                     levels: levels.map { EscalationPolicy.Level(targets: $0.0, escalateAfter: $0.1.map { $0 * 60 }) })
}

/// "who is on call": `oncall` when the schedule is "s", nobody for "empty".
private func onCall(_ schedule: String, _ instant: Date) -> String? {
    schedule == "s" ? "oncall" : nil
}

/// Levels fired as "round.level@minute:people".
private func fired(_ plan: EscalationPlanner.Plan) -> [String] {
    plan.levels.map { "\($0.round).\($0.level)@\(Int($0.dueAt.timeIntervalSince(t0) / 60)):\($0.people.joined(separator: "+"))" }
}

@Suite("Escalation planner (DESIGN.md §3)")
struct EscalationPlannerTests {
    let chain = policy([([.schedule("s")], 15), ([.person("lead")], 15), ([.person("head")], 30), ([.person("ceo")], 30)], repeat: 1)

    struct Walk: CustomTestStringConvertible, Sendable {
        let name: String
        let now: Double
        let expected: [String]
        var testDescription: String { name }
    }

    @Test("due times count from the trigger, whenever the tick runs", arguments: [
        Walk(name: "at raise only level 1", now: 0, expected: ["1.1@0:oncall"]),
        Walk(name: "a minute before level 2 nothing more", now: 14, expected: ["1.1@0:oncall"]),
        Walk(name: "level 2 at 15 minutes", now: 15, expected: ["1.1@0:oncall", "1.2@15:lead"]),
        Walk(name: "a tick 40 minutes late pages every missed level once, in order", now: 40, expected: ["1.1@0:oncall", "1.2@15:lead", "1.3@30:head"]),
        Walk(name: "the last level at 60, the second round at 90", now: 90, expected: ["1.1@0:oncall", "1.2@15:lead", "1.3@30:head", "1.4@60:ceo", "2.1@90:oncall"]),
        Walk(name: "after the last round nothing more", now: 10_000, expected: ["1.1@0:oncall", "1.2@15:lead", "1.3@30:head", "1.4@60:ceo",
                                                                                "2.1@90:oncall", "2.2@105:lead", "2.3@120:head", "2.4@150:ceo"]),
    ])
    func dueTimes(_ walk: Walk) {
        let plan = EscalationPlanner.advance(.raised(at: t0), policy: chain, ackTimeout: nil, now: at(walk.now), onCall: onCall)
        #expect(fired(plan) == walk.expected)
    }

    @Test("ticking minute by minute gives the same pages as one late tick")
    func stepwiseEqualsLate() {
        var progress = EscalationProgress.raised(at: t0)
        var all: [String] = []
        for minute in 0...200 {
            let plan = EscalationPlanner.advance(progress, policy: chain, ackTimeout: nil, now: at(Double(minute)), onCall: onCall)
            all += fired(plan)
            progress = plan.progress
        }
        let late = EscalationPlanner.advance(.raised(at: t0), policy: chain, ackTimeout: nil, now: at(200), onCall: onCall)
        #expect(all == fired(late))
        #expect(progress.nextDueAt == nil && progress.status == .triggered)
    }

    @Test("a level whose schedule has nobody is skipped at once and logged")
    func emptyLevelSkipped() {
        let weekend = policy([([.schedule("empty")], 15), ([.person("lead")], 15)])
        let plan = EscalationPlanner.advance(.raised(at: t0), policy: weekend, ackTimeout: nil, now: t0, onCall: onCall)
        #expect(fired(plan) == ["1.2@0:lead"])
        #expect(plan.events.contains(.levelSkipped(LevelDue(round: 1, level: 1, dueAt: t0, people: [], emptySchedules: ["empty"]))))
    }

    @Test("a level with people and an empty schedule pages the people")
    func mixedLevel() {
        let mixed = policy([([.schedule("empty"), .schedule("s"), .person("oncall"), .person("lead")], 15)])
        let plan = EscalationPlanner.advance(.raised(at: t0), policy: mixed, ackTimeout: nil, now: t0, onCall: onCall)
        #expect(fired(plan) == ["1.1@0:oncall+lead"])
        #expect(plan.levels.first?.emptySchedules == ["empty"])
    }

    @Test("all levels empty: bounded, exhausted, nobody paged")
    func allEmpty() {
        let hollow = policy([([.schedule("empty")], 15), ([.schedule("empty")], 15)], repeat: 3)
        let plan = EscalationPlanner.advance(.raised(at: t0), policy: hollow, ackTimeout: nil, now: at(1000), onCall: onCall)
        #expect(plan.levels.isEmpty)
        #expect(plan.progress.nextDueAt == nil)
        #expect(plan.events.contains(.exhausted(at: t0)))
    }

    @Test("an acknowledged alert pages nothing; after ack_timeout it starts over in a new round with all its repeats")
    func ackTimeout() {
        var progress = EscalationPlanner.advance(.raised(at: t0), policy: chain, ackTimeout: 3600, now: at(20), onCall: onCall).progress
        progress.status = .acknowledged
        progress.acknowledgedAt = at(20)
        progress.nextLevel = nil
        progress.nextDueAt = nil
        #expect(EscalationPlanner.advance(progress, policy: chain, ackTimeout: 3600, now: at(79), onCall: onCall).levels.isEmpty)
        let plan = EscalationPlanner.advance(progress, policy: chain, ackTimeout: 3600, now: at(80 + 90), onCall: onCall)
        #expect(plan.events.first == .retriggered(at: at(80), round: 2))
        #expect(fired(plan) == ["2.1@80:oncall", "2.2@95:lead", "2.3@110:head", "2.4@140:ceo", "3.1@170:oncall"])
        #expect(plan.progress.status == .triggered && plan.progress.cycleFirstRound == 2)
    }

    @Test("without ack_timeout an acknowledged alert stays quiet for ever")
    func ackWithoutTimeout() {
        let progress = EscalationProgress(status: .acknowledged, round: 1, cycleFirstRound: 1, nextLevel: nil, nextDueAt: nil, acknowledgedAt: t0)
        let plan = EscalationPlanner.advance(progress, policy: chain, ackTimeout: nil, now: at(100_000), onCall: onCall)
        #expect(plan.levels.isEmpty && plan.events.isEmpty && plan.progress == progress)
    }

    @Test("a clock that steps backwards finds nothing due")
    func clockBackwards() {
        let later = EscalationPlanner.advance(.raised(at: t0), policy: chain, ackTimeout: nil, now: at(20), onCall: onCall).progress
        let earlier = EscalationPlanner.advance(later, policy: chain, ackTimeout: nil, now: at(5), onCall: onCall)
        #expect(earlier.levels.isEmpty && earlier.progress == later)
    }

    @Test("schedules are resolved at each level's due time, not at the tick")
    func resolvedAtDueTime() {
        let handover = utc("2026-03-03T10:10:00Z")
        let twoLevels = policy([([.schedule("rota")], 15), ([.schedule("rota")], 15)])
        let plan = EscalationPlanner.advance(.raised(at: t0), policy: twoLevels, ackTimeout: nil, now: at(60)) { _, instant in
            instant < handover ? "early" : "late"
        }
        #expect(fired(plan) == ["1.1@0:early", "1.2@15:late"])
    }

    @Test("simulate: the timeline if nobody answers, skipped levels included")
    func timeline() {
        let weekend = policy([([.schedule("empty")], 15), ([.person("lead")], 15), ([.person("ceo")], 30)], repeat: 1)
        let steps = EscalationPlanner.timeline(policy: weekend, from: t0, onCall: onCall)
        #expect(steps.map { "\($0.round).\($0.level)@\(Int($0.dueAt.timeIntervalSince(t0) / 60)):\($0.people.joined(separator: "+"))" }
                == ["1.1@0:", "1.2@0:lead", "1.3@15:ceo", "2.1@45:", "2.2@45:lead", "2.3@60:ceo"])
    }

    @Test("the page text carries what a responder needs, and how to answer as the paging door says it")
    func pageText() {
        let message = PageMessage(pageID: "rota-7-r1-l2-ann-c0", alertID: 7, service: "web", serviceName: "Website", summary: "503s",
                                  details: "since 09:58", severity: "critical", round: 1, level: 2, person: "ann", dueAt: t0,
                                  runbook: "1. Check the load balancer", alsoPaged: ["bob"], late: false,
                                  acknowledge: "rota ack 7", answerLine: "Acknowledge: rota ack 7    Resolve: rota resolve 7")
        #expect(message.text.contains("Website"))
        #expect(message.text.contains("503s"))
        #expect(message.text.contains("Round 1, level 2"))
        #expect(message.text.contains("Also paged: bob"))
        #expect(message.text.contains("1. Check the load balancer"))
        #expect(message.text.contains("Acknowledge: rota ack 7    Resolve: rota resolve 7"))
        #expect(message.payload["ack"] as? String == "rota ack 7")
        #expect(message.environment["ROTA_PAGE_ID"] == "rota-7-r1-l2-ann-c0")
        #expect(message.environment["ROTA_DUE_AT"] == "2026-03-03T10:00:00Z")
    }
}
