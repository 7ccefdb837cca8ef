import Foundation
import Testing
@testable import RotaCore

@Suite("rota check: warnings about wall times")
struct CoverageCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let zone: String
        let layer: Layer
        let from: String
        let to: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Paris daily handoff at 02:30 on the spring-forward night",
             zone: "Europe/Paris", layer: layer(["a", "b"], start: "2026-03-20T02:30", shift: "1d"),
             from: "2026-03-27T00:00:00Z", to: "2026-03-31T00:00:00Z",
             expected: ["nonexistent_handoff 2026-03-29T01:30:00Z"]),
        Case(name: "New York daily handoff at 01:30 on the fall-back night",
             zone: "America/New_York", layer: layer(["a", "b"], start: "2026-10-20T01:30", shift: "1d"),
             from: "2026-10-30T00:00:00Z", to: "2026-11-03T00:00:00Z",
             expected: ["ambiguous_handoff 2026-11-01T05:30:00Z"]),
        Case(name: "Lord Howe 12h handoff at 02:15 on its 30-minute jump",
             zone: "Australia/Lord_Howe", layer: layer(["a", "b"], start: "2026-09-30T02:15", shift: "12h"),
             from: "2026-10-02T00:00:00Z", to: "2026-10-05T00:00:00Z",
             expected: ["nonexistent_handoff 2026-10-03T15:45:00Z"]),
        Case(name: "a Paris restriction window closing at 02:30 on the spring night",
             zone: "Europe/Paris",
             layer: layer(["a", "b"], start: "2026-03-02T12:00", shift: "1w",
                          restrict: [Restriction(days: [.sunday], from: LocalTime(hour: 1, minute: 0), to: LocalTime(hour: 2, minute: 30))]),
             from: "2026-03-27T00:00:00Z", to: "2026-03-31T00:00:00Z",
             expected: ["nonexistent_restriction_edge 2026-03-29T01:30:00Z"]),
        Case(name: "a lone member's handoffs do not matter",
             zone: "Europe/Paris", layer: layer(["a"], start: "2026-03-20T02:30", shift: "1d"),
             from: "2026-03-27T00:00:00Z", to: "2026-03-31T00:00:00Z", expected: []),
        Case(name: "Kolkata has no DST, so nothing to say",
             zone: "Asia/Kolkata", layer: layer(["a", "b"], start: "2026-03-20T02:30", shift: "1d"),
             from: "2026-03-01T00:00:00Z", to: "2026-11-30T00:00:00Z", expected: []),
    ]

    @Test(arguments: cases)
    func wallTimeWarnings(_ c: Case) {
        let warnings = CoverageCheck.wallTimeWarnings(schedule(c.zone, [c.layer]), from: utc(c.from), to: utc(c.to))
        #expect(warnings.map { "\($0.kind.rawValue) \($0.at.map(TimeText.utc) ?? "-")" } == c.expected)
    }

    @Test("gaps and the schedules escalations page while they have gaps")
    func escalationGaps() {
        let office = Schedule(id: "office", name: "office", zone: zone("UTC"),
                              layers: [layer(["a"], start: "2026-03-02T00:00", shift: "1w",
                                             restrict: [Restriction(days: [.monday], from: LocalTime(hour: 9, minute: 0), to: LocalTime(hour: 17, minute: 0))])])
        let rota = Rota(schedules: [office], escalations: [EscalationPolicy(id: "e", name: "e", repeatCount: 0,
                                                                              levels: [.init(targets: [.schedule("office")], escalateAfter: nil)])])
        let report = CoverageCheck.run(timetable: Timetable(rota: rota), from: utc("2026-03-02T00:00:00Z"), to: utc("2026-03-03T00:00:00Z"))
        #expect(report.gaps.map { "\(TimeText.utc($0.start)) \(TimeText.utc($0.end))" } == ["2026-03-02T00:00:00Z 2026-03-02T09:00:00Z", "2026-03-02T17:00:00Z 2026-03-03T00:00:00Z"])
        #expect(report.warnings.contains { $0.kind == .escalationScheduleHasGaps && $0.schedule == "office" })
    }
}
