import Foundation
import Testing
@testable import RotaCore

@Suite("On-call hours for pay")
struct OnCallHoursTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, zone: String, from: String, to: String
        /// Hours: weekday day, weekday night, weekend, holiday.
        let expected: [Double]
        var testDescription: String { name }
    }

    static let holidays: Set<LocalDate> = [LocalDate(year: 2026, month: 12, day: 25)]

    static let cases: [Case] = [
        Case(name: "a weekday splits at 08:00 and 20:00", zone: "UTC", from: "2026-03-03T00:00:00Z", to: "2026-03-04T00:00:00Z",
             expected: [12, 12, 0, 0]),
        Case(name: "a weekend day is weekend whatever the hour", zone: "UTC", from: "2026-03-07T00:00:00Z", to: "2026-03-08T00:00:00Z",
             expected: [0, 0, 24, 0]),
        Case(name: "a holiday counts as holiday, not weekday", zone: "UTC", from: "2026-12-25T00:00:00Z", to: "2026-12-26T00:00:00Z",
             expected: [0, 0, 0, 24]),
        Case(name: "Paris spring-forward Sunday has 23 hours, all weekend", zone: "Europe/Paris", from: "2026-03-28T23:00:00Z", to: "2026-03-29T22:00:00Z",
             expected: [0, 0, 23, 0]),
        Case(name: "New York autumn Sunday has 25 hours", zone: "America/New_York", from: "2026-11-01T04:00:00Z", to: "2026-11-02T05:00:00Z",
             expected: [0, 0, 25, 0]),
        Case(name: "a Paris week across the spring change: 167 hours, parts add up", zone: "Europe/Paris", from: "2026-03-23T08:00:00Z", to: "2026-03-30T07:00:00Z",
             expected: [60, 60, 47, 0]),
        Case(name: "Kolkata night shift", zone: "Asia/Kolkata", from: "2026-03-03T14:30:00Z", to: "2026-03-04T02:30:00Z",
             expected: [0, 12, 0, 0]),
        Case(name: "Lord Howe Sunday of its 30-minute autumn change: 24.5 weekend hours", zone: "Australia/Lord_Howe",
             from: "2026-04-04T13:00:00Z", to: "2026-04-05T13:30:00Z", expected: [0, 0, 24.5, 0]),
    ]

    @Test(arguments: cases)
    func split(_ c: Case) {
        let calendar = PayCalendar(zone: zone(c.zone), holidays: Self.holidays, daytimeFrom: LocalTime(hour: 8, minute: 0),
                                   daytimeTo: LocalTime(hour: 20, minute: 0))
        let hours = calendar.split(from: utc(c.from), to: utc(c.to))
        #expect([hours.weekdayDay, hours.weekdayNight, hours.weekend, hours.holiday].map { Double($0) / 3600 } == c.expected)
        #expect(hours.total == Int(utc(c.to).timeIntervalSince(utc(c.from))))
    }

    @Test("night: outside the daytime window, in the zone given")
    func night() {
        let calendar = PayCalendar(zone: zone("Europe/Paris"), holidays: [], daytimeFrom: LocalTime(hour: 8, minute: 0),
                                   daytimeTo: LocalTime(hour: 20, minute: 0))
        #expect(calendar.isNight(utc("2026-03-03T06:30:00Z")))   // 07:30 Paris
        #expect(!calendar.isNight(utc("2026-03-03T07:30:00Z")))  // 08:30 Paris
        #expect(calendar.isNight(utc("2026-03-03T19:00:00Z")))   // 20:00 Paris
    }
}
