import Foundation
import Testing
@testable import RotaCore

private func window(_ days: Set<Weekday>, _ from: String, _ to: String) -> Restriction {
    Restriction(days: days, from: TimeText.parseTimeOfDay(from, allowEndOfDay: false)!,
                to: TimeText.parseTimeOfDay(to, allowEndOfDay: true)!)
}

private let weekdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]
private let everyDay = Set(Weekday.allCases)

/// DESIGN.md §2.1 item 3: restrictions trim shifts and never move the rotation.
@Suite("Restrictions")
struct RestrictionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, zone: String, restrict: [Restriction], shift: String, start: String, from: String, to: String, expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "office hours on weekdays only",
             zone: "UTC", restrict: [window(weekdays, "09:00", "17:00")], shift: "1w", start: "2026-11-02T00:00",
             from: "2026-11-06T00:00:00Z", to: "2026-11-10T00:00:00Z",
             expected: ["a 2026-11-06T09:00:00Z 2026-11-06T17:00:00Z", "b 2026-11-09T09:00:00Z 2026-11-09T17:00:00Z"]),
        Case(name: "an overnight window (to <= from) ends the next day",
             zone: "UTC", restrict: [window([.friday], "22:00", "06:00")], shift: "1w", start: "2026-11-02T00:00",
             from: "2026-11-06T00:00:00Z", to: "2026-11-08T00:00:00Z",
             expected: ["a 2026-11-06T22:00:00Z 2026-11-07T06:00:00Z"]),
        Case(name: "24:00 is the next day's midnight",
             zone: "UTC", restrict: [window([.saturday, .sunday], "00:00", "24:00")], shift: "1w", start: "2026-11-02T00:00",
             from: "2026-11-06T00:00:00Z", to: "2026-11-10T00:00:00Z",
             expected: ["a 2026-11-07T00:00:00Z 2026-11-09T00:00:00Z"]),
        Case(name: "a window equal at both ends lasts a whole day",
             zone: "UTC", restrict: [window([.monday], "09:00", "09:00")], shift: "1w", start: "2026-11-02T00:00",
             from: "2026-11-02T00:00:00Z", to: "2026-11-04T00:00:00Z",
             expected: ["a 2026-11-02T09:00:00Z 2026-11-03T09:00:00Z"]),
        Case(name: "restrictions trim shifts but the rotation keeps its own pace",
             zone: "UTC", restrict: [window(everyDay, "12:00", "13:00")], shift: "1d", start: "2026-11-02T00:00",
             from: "2026-11-02T00:00:00Z", to: "2026-11-05T00:00:00Z",
             expected: ["a 2026-11-02T12:00:00Z 2026-11-02T13:00:00Z", "b 2026-11-03T12:00:00Z 2026-11-03T13:00:00Z",
                        "a 2026-11-04T12:00:00Z 2026-11-04T13:00:00Z"]),
        Case(name: "a window straddling a handoff is split between the two members",
             zone: "UTC", restrict: [window(everyDay, "08:00", "12:00")], shift: "1d", start: "2026-11-02T10:00",
             from: "2026-11-03T00:00:00Z", to: "2026-11-04T00:00:00Z",
             expected: ["a 2026-11-03T08:00:00Z 2026-11-03T10:00:00Z", "b 2026-11-03T10:00:00Z 2026-11-03T12:00:00Z"]),
        Case(name: "a Paris night window across the spring change lasts 7 hours",
             zone: "Europe/Paris", restrict: [window(everyDay, "22:00", "06:00")], shift: "1w", start: "2026-03-23T00:00",
             from: "2026-03-28T12:00:00Z", to: "2026-03-29T12:00:00Z",
             expected: ["a 2026-03-28T21:00:00Z 2026-03-29T04:00:00Z"]),
        Case(name: "a Paris night window across the autumn change lasts 9 hours",
             zone: "Europe/Paris", restrict: [window(everyDay, "22:00", "06:00")], shift: "1w", start: "2026-10-19T00:00",
             from: "2026-10-24T12:00:00Z", to: "2026-10-25T12:00:00Z",
             expected: ["a 2026-10-24T20:00:00Z 2026-10-25T05:00:00Z"]),
        Case(name: "a window edge in the spring gap moves forward by the gap",
             zone: "Europe/Paris", restrict: [window([.sunday], "01:00", "02:30")], shift: "1w", start: "2026-03-23T00:00",
             from: "2026-03-28T12:00:00Z", to: "2026-03-29T12:00:00Z",
             expected: ["a 2026-03-29T00:00:00Z 2026-03-29T01:30:00Z"]),
        Case(name: "a New York weekend window spanning the autumn change",
             zone: "America/New_York", restrict: [window([.saturday, .sunday], "00:00", "24:00")], shift: "1w", start: "2026-10-26T00:00",
             from: "2026-10-30T00:00:00Z", to: "2026-11-03T00:00:00Z",
             expected: ["a 2026-10-31T04:00:00Z 2026-11-02T05:00:00Z"]),
        Case(name: "Lord Howe window across the 30-minute spring jump",
             zone: "Australia/Lord_Howe", restrict: [window(everyDay, "01:00", "03:00")], shift: "1w", start: "2026-09-28T00:00",
             from: "2026-10-03T12:00:00Z", to: "2026-10-04T00:00:00Z",
             expected: ["a 2026-10-03T14:30:00Z 2026-10-03T16:00:00Z"]),
        Case(name: "Kolkata window is steady",
             zone: "Asia/Kolkata", restrict: [window(everyDay, "09:00", "18:00")], shift: "1w", start: "2026-03-23T00:00",
             from: "2026-03-29T00:00:00Z", to: "2026-03-30T00:00:00Z",
             expected: ["a 2026-03-29T03:30:00Z 2026-03-29T12:30:00Z"]),
    ]

    @Test(arguments: cases)
    func restrictionWindows(_ c: Case) {
        let s = schedule(c.zone, [layer(["a", "b"], start: c.start, shift: c.shift, restrict: c.restrict)])
        #expect(window(s, c.from, c.to) == c.expected)
    }
}

/// DESIGN.md §2.1 item 4: the next member in rotation order covers a member on leave.
@Suite("Leave")
struct LeaveTests {
    let s = schedule("Europe/Paris", [layer(["a", "b", "c"], start: "2026-11-02T09:00", shift: "1d")])

    @Test("the next member covers the whole shift of someone on leave")
    func nextMemberCovers() {
        let leave = [Leave(person: "a", start: utc("2026-11-01T00:00:00Z"), end: utc("2026-11-04T00:00:00Z"))]
        #expect(window(s, "2026-11-02T08:00:00Z", "2026-11-03T08:00:00Z", leave: leave) == ["b 2026-11-02T08:00:00Z 2026-11-03T08:00:00Z"])
    }

    @Test("leave that starts mid-shift splits it at the exact instant")
    func leaveStartsMidShift() {
        let leave = [Leave(person: "a", start: utc("2026-11-02T12:00:00Z"), end: utc("2026-11-10T00:00:00Z"))]
        #expect(window(s, "2026-11-02T08:00:00Z", "2026-11-04T08:00:00Z", leave: leave) == [
            "a 2026-11-02T08:00:00Z 2026-11-02T12:00:00Z",
            "b 2026-11-02T12:00:00Z 2026-11-04T08:00:00Z",
        ])
    }

    @Test("leave ending at the shift's end leaves the next shift alone")
    func leaveEndsAtHandoff() {
        let leave = [Leave(person: "b", start: utc("2026-11-03T08:00:00Z"), end: utc("2026-11-04T08:00:00Z"))]
        #expect(window(s, "2026-11-03T08:00:00Z", "2026-11-05T08:00:00Z", leave: leave) == [
            "c 2026-11-03T08:00:00Z 2026-11-05T08:00:00Z",
        ])
    }

    @Test("the cover skips over someone else on leave too (k+1, k+2, …)")
    func coverSkipsTwo() {
        let leave = [Leave(person: "a", start: utc("2026-11-01T00:00:00Z"), end: utc("2026-11-03T00:00:00Z")),
                     Leave(person: "b", start: utc("2026-11-01T00:00:00Z"), end: utc("2026-11-03T00:00:00Z"))]
        #expect(window(s, "2026-11-02T08:00:00Z", "2026-11-02T20:00:00Z", leave: leave) == ["c 2026-11-02T08:00:00Z 2026-11-02T20:00:00Z"])
    }

    @Test("when everyone is away the layer has nobody")
    func everyoneAway() {
        let leave = ["a", "b", "c"].map { Leave(person: $0, start: utc("2026-11-02T10:00:00Z"), end: utc("2026-11-02T11:00:00Z")) }
        #expect(window(s, "2026-11-02T08:00:00Z", "2026-11-02T12:00:00Z", leave: leave) == [
            "a 2026-11-02T08:00:00Z 2026-11-02T10:00:00Z",
            "a 2026-11-02T11:00:00Z 2026-11-02T12:00:00Z",
        ])
    }

    @Test("leave across the spring change is measured in instants")
    func leaveAcrossDST() {
        let p = schedule("Europe/Paris", [layer(["a", "b"], start: "2026-03-23T09:00", shift: "1w")])
        let leave = [Leave(person: "a", start: utc("2026-03-29T00:00:00Z"), end: utc("2026-03-29T02:00:00Z"))]
        #expect(window(p, "2026-03-28T23:00:00Z", "2026-03-29T03:00:00Z", leave: leave) == [
            "a 2026-03-28T23:00:00Z 2026-03-29T00:00:00Z",
            "b 2026-03-29T00:00:00Z 2026-03-29T02:00:00Z",
            "a 2026-03-29T02:00:00Z 2026-03-29T03:00:00Z",
        ])
    }
}

/// DESIGN.md §2.1 items 5, 6 and 8.
@Suite("Layers, overrides and merging")
struct LayeringTests {
    @Test("a later layer wins where it has someone; the earlier one fills the rest")
    func laterLayerWins() {
        let s = schedule("UTC", [
            layer(["base"], start: "2026-11-02T00:00", shift: "1w"),
            layer(["day"], start: "2026-11-02T00:00", shift: "1w", restrict: [window(everyDay, "09:00", "17:00")]),
        ])
        #expect(window(s, "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z") == [
            "base 2026-11-02T00:00:00Z 2026-11-02T09:00:00Z",
            "day 2026-11-02T09:00:00Z 2026-11-02T17:00:00Z",
            "base 2026-11-02T17:00:00Z 2026-11-03T00:00:00Z",
        ])
    }

    @Test("adjacent segments of the same person merge, whichever layer they came from")
    func mergesAcrossLayers() {
        let s = schedule("UTC", [
            layer(["a"], start: "2026-11-02T00:00", shift: "1w"),
            layer(["a", "b"], start: "2026-11-02T00:00", shift: "1d", restrict: [window(everyDay, "09:00", "17:00")]),
        ])
        #expect(window(s, "2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z") == [
            "a 2026-11-02T00:00:00Z 2026-11-03T09:00:00Z",
            "b 2026-11-03T09:00:00Z 2026-11-03T17:00:00Z",
            "a 2026-11-03T17:00:00Z 2026-11-04T00:00:00Z",
        ])
    }

    @Test("an override beats every layer and fills gaps")
    func overrideBeatsAndFills() {
        var s = schedule("UTC", [layer(["a"], start: "2026-11-02T00:00", shift: "1w", restrict: [window(everyDay, "09:00", "17:00")])])
        s.overrides = [Override(person: "o", start: utc("2026-11-02T15:00:00Z"), end: utc("2026-11-02T20:00:00Z"))]
        #expect(window(s, "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z") == [
            "a 2026-11-02T09:00:00Z 2026-11-02T15:00:00Z",
            "o 2026-11-02T15:00:00Z 2026-11-02T20:00:00Z",
        ])
    }

    @Test("among overlapping overrides, CLI beats file and a later one beats an earlier one")
    func overridePrecedence() {
        var s = schedule("UTC", [layer(["a"], start: "2026-11-02T00:00", shift: "1w")])
        s.overrides = [Override(person: "f1", start: utc("2026-11-02T10:00:00Z"), end: utc("2026-11-02T14:00:00Z")),
                       Override(person: "f2", start: utc("2026-11-02T12:00:00Z"), end: utc("2026-11-02T16:00:00Z"))]
        let cli = [Override(person: "c1", start: utc("2026-11-02T11:00:00Z"), end: utc("2026-11-02T13:00:00Z")),
                   Override(person: "c2", start: utc("2026-11-02T12:30:00Z"), end: utc("2026-11-02T12:45:00Z"))]
        #expect(window(s, "2026-11-02T09:00:00Z", "2026-11-02T17:00:00Z", overrides: cli) == [
            "a 2026-11-02T09:00:00Z 2026-11-02T10:00:00Z",
            "f1 2026-11-02T10:00:00Z 2026-11-02T11:00:00Z",
            "c1 2026-11-02T11:00:00Z 2026-11-02T12:30:00Z",
            "c2 2026-11-02T12:30:00Z 2026-11-02T12:45:00Z",
            "c1 2026-11-02T12:45:00Z 2026-11-02T13:00:00Z",
            "f2 2026-11-02T13:00:00Z 2026-11-02T16:00:00Z",
            "a 2026-11-02T16:00:00Z 2026-11-02T17:00:00Z",
        ])
    }

    @Test("overrides ignore leave")
    func overrideIgnoresLeave() {
        var s = schedule("UTC", [layer(["a", "b"], start: "2026-11-02T00:00", shift: "1w")])
        s.overrides = [Override(person: "b", start: utc("2026-11-02T10:00:00Z"), end: utc("2026-11-02T11:00:00Z"))]
        let leave = [Leave(person: "b", start: utc("2026-11-01T00:00:00Z"), end: utc("2026-11-03T00:00:00Z"))]
        #expect(window(s, "2026-11-02T09:00:00Z", "2026-11-02T12:00:00Z", leave: leave) == [
            "a 2026-11-02T09:00:00Z 2026-11-02T10:00:00Z",
            "b 2026-11-02T10:00:00Z 2026-11-02T11:00:00Z",
            "a 2026-11-02T11:00:00Z 2026-11-02T12:00:00Z",
        ])
    }

    @Test("an override at the edge of the window is clipped; one outside is ignored")
    func overrideClipped() {
        var s = schedule("UTC", [layer(["a"], start: "2026-11-02T00:00", shift: "1w")])
        s.overrides = [Override(person: "o", start: utc("2026-11-02T08:00:00Z"), end: utc("2026-11-02T10:00:00Z")),
                       Override(person: "x", start: utc("2026-11-05T08:00:00Z"), end: utc("2026-11-05T10:00:00Z"))]
        #expect(window(s, "2026-11-02T09:00:00Z", "2026-11-02T11:00:00Z") == [
            "o 2026-11-02T09:00:00Z 2026-11-02T10:00:00Z",
            "a 2026-11-02T10:00:00Z 2026-11-02T11:00:00Z",
        ])
    }

    @Test("an override across the autumn change keeps its instants")
    func overrideAcrossDST() {
        let p = schedule("Europe/Paris", [layer(["a"], start: "2026-10-19T00:00", shift: "1w")],
                         overrides: [Override(person: "o", start: zone("Europe/Paris").instant(of: wall("2026-10-25T01:00")),
                                              end: zone("Europe/Paris").instant(of: wall("2026-10-25T04:00")))])
        // 01:00 CEST to 04:00 CET is four real hours.
        #expect(window(p, "2026-10-24T22:00:00Z", "2026-10-25T04:00:00Z") == [
            "a 2026-10-24T22:00:00Z 2026-10-24T23:00:00Z",
            "o 2026-10-24T23:00:00Z 2026-10-25T03:00:00Z",
            "a 2026-10-25T03:00:00Z 2026-10-25T04:00:00Z",
        ])
    }

    @Test("gaps are the complement of the final schedule")
    func gaps() {
        let s = schedule("UTC", [layer(["a"], start: "2026-11-02T00:00", shift: "1w", restrict: [window(weekdays, "09:00", "17:00")])])
        let gaps = ScheduleEngine(schedule: s).gaps(from: utc("2026-11-06T00:00:00Z"), to: utc("2026-11-07T00:00:00Z"))
        #expect(gaps.map { "\(TimeText.utc($0.start)) \(TimeText.utc($0.end))" } == [
            "2026-11-06T00:00:00Z 2026-11-06T09:00:00Z", "2026-11-06T17:00:00Z 2026-11-07T00:00:00Z",
        ])
    }

    @Test("who is on call now, and until when")
    func onCall() {
        let s = schedule("Europe/Paris", [layer(["a", "b"], start: "2026-11-02T09:00", shift: "1w",
                                                restrict: [window(weekdays, "09:00", "18:00")])])
        let engine = ScheduleEngine(schedule: s)
        let busy = engine.onCall(at: utc("2026-11-03T10:00:00Z"))
        #expect(busy.person == "a")
        #expect(busy.until == utc("2026-11-03T17:00:00Z"))
        let quiet = engine.onCall(at: utc("2026-11-07T10:00:00Z"))
        #expect(quiet.person == nil)
        #expect(quiet.until == utc("2026-11-09T08:00:00Z"))
        let forever = ScheduleEngine(schedule: schedule("UTC", [layer(["solo"], start: "2026-01-01T00:00", shift: "1w")])).onCall(at: utc("2026-06-01T00:00:00Z"))
        #expect(forever.person == "solo" && forever.until == nil)
    }
}
