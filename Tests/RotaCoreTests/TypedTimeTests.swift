import Foundation
@testable import RotaCore
import Testing

@Suite("Times people type (DESIGN §9), relative to now, on the wall clock of a zone")
struct TypedTimeTests {
    /// Saturday 28 March 2026, 20:00 in Paris (19:00Z): the spring-forward night (02:00 → 03:00) comes next.
    static let now = utc("2026-03-28T19:00:00Z")

    @Test("each form, across Paris' spring-forward night", arguments: [
        ("now", "2026-03-28T19:00:00Z"),
        ("+2h", "2026-03-28T21:00:00Z"),
        ("-30m", "2026-03-28T18:30:00Z"),
        ("+1d", "2026-03-29T18:00:00Z"),            // 20:00 the next day: 23 hours later
        ("+1w", "2026-04-04T18:00:00Z"),
        ("-1d", "2026-03-27T19:00:00Z"),
        ("today 18:00", "2026-03-28T17:00:00Z"),
        ("today", "2026-03-27T23:00:00Z"),
        ("tomorrow 09:00", "2026-03-29T07:00:00Z"),  // 09:00 CEST, after the change
        ("tomorrow 02:30", "2026-03-29T01:30:00Z"),  // a time that does not exist: moved forward, as shifts are
        ("Tomorrow  09:00", "2026-03-29T07:00:00Z"),
        ("sun 09:00", "2026-03-29T07:00:00Z"),
        ("sat 21:00", "2026-03-28T20:00:00Z"),       // later today
        ("sat 09:00", "2026-04-04T07:00:00Z"),       // today's has passed: next week's
        ("saturday 09:00", "2026-04-04T07:00:00Z"),
        ("mon", "2026-03-29T22:00:00Z"),
        ("2026-03-30T09:00", "2026-03-30T07:00:00Z"),
        ("2026-03-30T09:00:00Z", "2026-03-30T09:00:00Z"),
    ])
    func forms(_ typed: String, _ expected: String) {
        #expect(TypedTime.parse(typed, now: Self.now, zone: zone("Europe/Paris")).map(TimeText.utc) == expected)
    }

    @Test("what is not a time", arguments: ["", "+2", "2h", "+0h", "+1y", "+2s", "tomorrow 25:00", "tomorrow 9", "someday", "sat 09:00 please",
                                             "+999999w", "-999999w", "n0w", "frid 09:00"])
    func refused(_ typed: String) {
        #expect(TypedTime.parse(typed, now: Self.now, zone: zone("Europe/Paris")) == nil)
    }

    @Test("--for: hours are elapsed time, days are wall-clock days", arguments: [
        ("2h", "2026-03-28T21:00:00Z"), ("1d", "2026-03-29T18:00:00Z"), ("30m", "2026-03-28T19:30:00Z"), ("2w", "2026-04-11T18:00:00Z"),
    ])
    func lengths(_ length: String, _ expected: String) {
        #expect(TypedTime.offset(length, from: Self.now, zone: zone("Europe/Paris")).map(TimeText.utc) == expected)
    }

    @Test("a day in New York across its autumn change is 25 hours")
    func autumn() {
        let start = utc("2026-10-31T16:00:00Z") // 12:00 EDT, Saturday
        #expect(TypedTime.parse("+1d", now: start, zone: zone("America/New_York")).map(TimeText.utc) == "2026-11-01T17:00:00Z")
        #expect(TypedTime.parse("tomorrow 12:00", now: start, zone: zone("America/New_York")).map(TimeText.utc) == "2026-11-01T17:00:00Z")
    }
}
