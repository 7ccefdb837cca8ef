import Foundation
import Testing
@testable import RotaCore

/// DESIGN.md §2.1 items 1–2: handoffs follow the wall clock through DST, in both directions.
@Suite("Shift boundaries across DST")
struct ShiftBoundaryTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let zone: String
        let start: String
        let shift: String
        let from: String
        let to: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Paris 12h rota keeps 09:00/21:00 handoffs when clocks go forward (an 11h night)",
             zone: "Europe/Paris", start: "2026-03-27T09:00", shift: "12h",
             from: "2026-03-28T08:00:00Z", to: "2026-03-29T19:00:00Z",
             expected: ["a 2026-03-28T08:00:00Z 2026-03-28T20:00:00Z",
                        "b 2026-03-28T20:00:00Z 2026-03-29T07:00:00Z",
                        "a 2026-03-29T07:00:00Z 2026-03-29T19:00:00Z"]),
        Case(name: "Paris 12h rota keeps 09:00/21:00 handoffs when clocks go back (a 13h night)",
             zone: "Europe/Paris", start: "2026-10-24T09:00", shift: "12h",
             from: "2026-10-24T07:00:00Z", to: "2026-10-25T20:00:00Z",
             expected: ["a 2026-10-24T07:00:00Z 2026-10-24T19:00:00Z",
                        "b 2026-10-24T19:00:00Z 2026-10-25T08:00:00Z",
                        "a 2026-10-25T08:00:00Z 2026-10-25T20:00:00Z"]),
        Case(name: "Paris 1d rota: the spring day lasts 23 hours",
             zone: "Europe/Paris", start: "2026-03-27T09:00", shift: "1d",
             from: "2026-03-28T08:00:00Z", to: "2026-03-30T07:00:00Z",
             expected: ["b 2026-03-28T08:00:00Z 2026-03-29T07:00:00Z",
                        "c 2026-03-29T07:00:00Z 2026-03-30T07:00:00Z"]),
        Case(name: "Paris 1w rota: the week of the spring change lasts 167 hours",
             zone: "Europe/Paris", start: "2026-03-23T09:00", shift: "1w",
             from: "2026-03-23T08:00:00Z", to: "2026-04-06T07:00:00Z",
             expected: ["a 2026-03-23T08:00:00Z 2026-03-30T07:00:00Z",
                        "b 2026-03-30T07:00:00Z 2026-04-06T07:00:00Z"]),
        Case(name: "Paris 1w rota: the week of the autumn change lasts 169 hours",
             zone: "Europe/Paris", start: "2026-10-19T09:00", shift: "1w",
             from: "2026-10-19T07:00:00Z", to: "2026-11-02T08:00:00Z",
             expected: ["a 2026-10-19T07:00:00Z 2026-10-26T08:00:00Z",
                        "b 2026-10-26T08:00:00Z 2026-11-02T08:00:00Z"]),
        Case(name: "New York 1d rota handing off at 02:30: the nonexistent 02:30 becomes 03:30",
             zone: "America/New_York", start: "2026-03-06T02:30", shift: "1d",
             from: "2026-03-07T07:30:00Z", to: "2026-03-09T06:30:00Z",
             expected: ["b 2026-03-07T07:30:00Z 2026-03-08T07:30:00Z",
                        "c 2026-03-08T07:30:00Z 2026-03-09T06:30:00Z"]),
        Case(name: "New York 1d rota handing off at 01:30: the doubled 01:30 is the first one",
             zone: "America/New_York", start: "2026-10-30T01:30", shift: "1d",
             from: "2026-10-31T05:30:00Z", to: "2026-11-02T06:30:00Z",
             expected: ["b 2026-10-31T05:30:00Z 2026-11-01T05:30:00Z",
                        "c 2026-11-01T05:30:00Z 2026-11-02T06:30:00Z"]),
        Case(name: "New York 12h rota when clocks go back",
             zone: "America/New_York", start: "2026-10-31T08:00", shift: "12h",
             from: "2026-10-31T12:00:00Z", to: "2026-11-01T13:00:00Z",
             expected: ["a 2026-10-31T12:00:00Z 2026-11-01T00:00:00Z",
                        "b 2026-11-01T00:00:00Z 2026-11-01T13:00:00Z"]),
        Case(name: "Lord Howe 12h rota at 02:15 on its 30-minute spring jump: 02:15 becomes 02:45",
             zone: "Australia/Lord_Howe", start: "2026-10-03T02:15", shift: "12h",
             from: "2026-10-03T03:45:00Z", to: "2026-10-04T03:15:00Z",
             expected: ["b 2026-10-03T03:45:00Z 2026-10-03T15:45:00Z",
                        "a 2026-10-03T15:45:00Z 2026-10-04T03:15:00Z"]),
        Case(name: "Lord Howe 1d rota at 01:45 when clocks go back 30 minutes: 24.5-hour day",
             zone: "Australia/Lord_Howe", start: "2026-04-03T01:45", shift: "1d",
             from: "2026-04-03T14:45:00Z", to: "2026-04-05T15:15:00Z",
             expected: ["b 2026-04-03T14:45:00Z 2026-04-04T14:45:00Z",
                        "c 2026-04-04T14:45:00Z 2026-04-05T15:15:00Z"]),
        Case(name: "Kolkata (no DST) 1d rota keeps 24-hour shifts through Europe's change",
             zone: "Asia/Kolkata", start: "2026-03-27T09:00", shift: "1d",
             from: "2026-03-28T03:30:00Z", to: "2026-03-30T03:30:00Z",
             expected: ["b 2026-03-28T03:30:00Z 2026-03-29T03:30:00Z",
                        "c 2026-03-29T03:30:00Z 2026-03-30T03:30:00Z"]),
        Case(name: "Kolkata 1w rota through the autumn weekend",
             zone: "Asia/Kolkata", start: "2026-10-19T09:00", shift: "1w",
             from: "2026-10-19T03:30:00Z", to: "2026-11-02T03:30:00Z",
             expected: ["a 2026-10-19T03:30:00Z 2026-10-26T03:30:00Z",
                        "b 2026-10-26T03:30:00Z 2026-11-02T03:30:00Z"]),
    ]

    @Test(arguments: cases)
    func handoffsFollowTheWallClock(_ c: Case) {
        let s = schedule(c.zone, [layer(["a", "b", "c"].prefix(c.shift == "12h" || c.shift == "1w" ? 2 : 3).map { $0 },
                                        start: c.start, shift: c.shift)])
        #expect(window(s, c.from, c.to) == c.expected)
    }

    struct Sweep: CustomTestStringConvertible, Sendable {
        let zone: String, start: String, shift: String
        var testDescription: String { "\(zone) \(shift) from \(start)" }
    }

    /// GoAlert's habit: walk through the DST weeks and check every handoff lands on its wall time.
    @Test("every handoff lands on start + k×N on the wall clock, through a whole DST year", arguments: [
        Sweep(zone: "Europe/Paris", start: "2026-01-05T09:00", shift: "12h"),
        Sweep(zone: "Europe/Paris", start: "2026-01-05T02:30", shift: "1d"),
        Sweep(zone: "America/New_York", start: "2026-01-05T01:30", shift: "1d"),
        Sweep(zone: "America/New_York", start: "2026-01-05T21:00", shift: "1w"),
        Sweep(zone: "Australia/Lord_Howe", start: "2026-01-05T02:15", shift: "12h"),
        Sweep(zone: "Asia/Kolkata", start: "2026-01-05T09:00", shift: "8h"),
    ])
    func handoffsSweep(_ c: Sweep) {
        let z = zone(c.zone)
        let l = layer(["a", "b"], start: c.start, shift: c.shift)
        let s = schedule(c.zone, [l])
        let shifts = ScheduleEngine(schedule: s).shifts(from: z.instant(of: l.start), to: utc("2027-01-01T00:00:00Z"))
        #expect(!shifts.isEmpty)
        for (k, shift) in shifts.enumerated() {
            #expect(shift.start == z.instant(of: l.shift.boundary(k, from: l.start)), "shift \(k) starts off its wall time")
            #expect(shift.person == (k % 2 == 0 ? "a" : "b"))
            if k > 0 { #expect(shifts[k - 1].end == shift.start) }
        }
    }

    @Test("before start and from end on, the layer has nobody")
    func layerLife() {
        let s = schedule("Europe/Paris", [layer(["a", "b"], start: "2026-03-02T09:00", shift: "1d", end: "2026-03-04T09:00")])
        #expect(window(s, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z") == [
            "a 2026-03-02T08:00:00Z 2026-03-03T08:00:00Z",
            "b 2026-03-03T08:00:00Z 2026-03-04T08:00:00Z",
        ])
    }

    @Test("a window far from the start finds the right member (shift index arithmetic)")
    func farWindow() {
        let s = schedule("UTC", [layer(["a", "b", "c"], start: "2020-01-01T00:00", shift: "1h")])
        // 2026-01-01T00:00Z is 52608 hours after the start: 52608 mod 3 = 0.
        #expect(window(s, "2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z") == [
            "a 2026-01-01T00:00:00Z 2026-01-01T01:00:00Z",
            "b 2026-01-01T01:00:00Z 2026-01-01T02:00:00Z",
        ])
    }
}
