import Foundation
import Testing
@testable import RotaCore

@Suite("Wall times and instants")
struct ZoneTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let zone: String, wall: String, instant: String, kind: Zone.WallTimeKind
        var testDescription: String { "\(zone) \(wall)" }
    }

    static let cases: [Case] = [
        // Spring forward: a time in the gap moves forward by the gap's length.
        Case(zone: "Europe/Paris", wall: "2026-03-29T02:30", instant: "2026-03-29T01:30:00Z", kind: .nonexistent),
        Case(zone: "America/New_York", wall: "2026-03-08T02:30", instant: "2026-03-08T07:30:00Z", kind: .nonexistent),
        Case(zone: "Australia/Lord_Howe", wall: "2026-10-04T02:15", instant: "2026-10-03T15:45:00Z", kind: .nonexistent),
        // Fall back: a time that happens twice is the earlier instant.
        Case(zone: "Europe/Paris", wall: "2026-10-25T02:30", instant: "2026-10-25T00:30:00Z", kind: .ambiguous),
        Case(zone: "America/New_York", wall: "2026-11-01T01:30", instant: "2026-11-01T05:30:00Z", kind: .ambiguous),
        Case(zone: "Australia/Lord_Howe", wall: "2026-04-05T01:45", instant: "2026-04-04T14:45:00Z", kind: .ambiguous),
        // Ordinary times, and a zone with no DST.
        Case(zone: "Europe/Paris", wall: "2026-03-29T03:00", instant: "2026-03-29T01:00:00Z", kind: .normal),
        Case(zone: "Europe/Paris", wall: "2026-10-25T03:00", instant: "2026-10-25T02:00:00Z", kind: .normal),
        Case(zone: "Asia/Kolkata", wall: "2026-03-29T02:30", instant: "2026-03-28T21:00:00Z", kind: .normal),
        Case(zone: "Asia/Kolkata", wall: "2026-10-25T02:30", instant: "2026-10-24T21:00:00Z", kind: .normal),
    ]

    @Test("a wall time reads as the RFC 5545 instant", arguments: cases)
    func wallTimeReadsAsInstant(_ c: Case) {
        #expect(TimeText.utc(zone(c.zone).instant(of: wall(c.wall))) == c.instant)
    }

    @Test("nonexistent and ambiguous wall times are recognised", arguments: cases)
    func wallTimeKind(_ c: Case) {
        #expect(zone(c.zone).kind(of: wall(c.wall)) == c.kind)
    }

    @Test("abbreviations and unknown names are not zones", arguments: ["CET", "EST", "PST", "Europe/Pariss", "", "Mars/Olympus"])
    func abbreviationsAreRefused(_ name: String) {
        #expect(Zone(identifier: name) == nil)
    }

    @Test("IANA names are zones", arguments: ["Europe/Paris", "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"])
    func ianaNamesAreAccepted(_ name: String) {
        #expect(Zone(identifier: name) != nil)
    }

    @Test("the wall time of an instant round-trips")
    func wallRoundTrip() {
        let paris = zone("Europe/Paris")
        #expect(paris.wall(at: utc("2026-03-29T01:30:00Z")) == wall("2026-03-29T03:30"))
        #expect(paris.wall(at: utc("2026-10-25T01:30:00Z")) == wall("2026-10-25T02:30"))
    }
}

@Suite("Times as typed")
struct TimeTextTests {
    @Test("ISO 8601 forms parse", arguments: [
        ("2026-03-29T02:30:00Z", "2026-03-29T02:30:00Z"),
        ("2026-03-29T02:30Z", "2026-03-29T02:30:00Z"),
        ("2026-03-29T02:30+02:00", "2026-03-29T00:30:00Z"),
        ("2026-03-29T02:30:15-05:00", "2026-03-29T07:30:15Z"),
        ("2026-03-29T02:30:00.123Z", "2026-03-29T02:30:00Z"),
    ])
    func instantsParse(_ text: String, _ expected: String) {
        guard case .instant(let date)? = TimeText.parse(text) else { Issue.record("not an instant: \(text)"); return }
        #expect(TimeText.utc(date) == expected)
    }

    @Test("times without an offset are read in the zone given, DST rules applied")
    func wallTimesReadInZone() {
        #expect(TimeText.utc(TimeText.parse("2026-03-29T02:30")!.instant(in: zone("Europe/Paris"))) == "2026-03-29T01:30:00Z")
        #expect(TimeText.utc(TimeText.parse("2026-03-29")!.instant(in: zone("Asia/Kolkata"))) == "2026-03-28T18:30:00Z")
    }

    @Test("malformed times are refused", arguments: ["", "tomorrow", "2026-13-01", "2026-02-30T10:00", "2026-03-29T25:00", "2026-03-29T10:61", "2026-03-29T10:00+2", "2026-03-29T10:00 CET"])
    func malformedTimesAreRefused(_ text: String) {
        #expect(TimeText.parse(text) == nil)
    }

    @Test("durations", arguments: [("15m", 900), ("1h", 3600), ("2d", 172800), ("1w", 604800)])
    func durations(_ text: String, _ seconds: Int) {
        #expect(DurationText.seconds(text, units: DurationUnit.allCases) == seconds)
    }

    @Test("bad durations are refused", arguments: ["", "0m", "-5m", "5", "m", "1.5h", "5x", "10000000h"])
    func badDurations(_ text: String) {
        #expect(DurationText.seconds(text, units: DurationUnit.allCases) == nil)
    }

    @Test("civil day numbers round-trip over four centuries")
    func civilDays() {
        for number in stride(from: -150_000, to: 150_000, by: 97) {
            #expect(LocalDate(dayNumber: number).dayNumber == number)
        }
        #expect(LocalDate(year: 2026, month: 11, day: 25).weekday == .wednesday)
        #expect(LocalDate(year: 2024, month: 2, day: 29).isValid)
        #expect(!LocalDate(year: 2026, month: 2, day: 29).isValid)
    }
}
