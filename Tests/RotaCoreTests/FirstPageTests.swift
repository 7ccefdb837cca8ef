import Foundation
import Testing
@testable import RotaCore

@Suite("When a new alert's level 1 is due: maintenance windows and low severity outside daytime")
struct FirstPageTests {
    static let paris = FirstPage.Daytime(zone: zone("Europe/Paris"), from: LocalTime(hour: 8, minute: 0), to: LocalTime(hour: 20, minute: 0))

    @Test("low severity waits for daytime, in the zone, across the spring-forward morning", arguments: [
        // Sunday 29 March 2026: Paris jumps from 02:00 to 03:00; 08:00 CEST is 06:00Z.
        ("2026-03-29T05:59:00Z", Severity.low, "2026-03-29T06:00:00Z" as String?),   // 07:59 CEST: waits a minute
        ("2026-03-29T06:00:00Z", .low, nil),                               // 08:00 CEST: daytime
        ("2026-03-29T00:30:00Z", .low, "2026-03-29T06:00:00Z"),            // 01:30 CET, before the jump
        ("2026-03-28T19:30:00Z", .low, "2026-03-29T06:00:00Z"),            // 20:30 CET the evening before
        ("2026-03-29T00:30:00Z", .high, nil),                              // only low waits
    ])
    func lowSeverity(_ raised: String, _ severity: Severity, _ due: String?) {
        let hold = FirstPage.hold(raisedAt: utc(raised), severity: severity, lowWaitsForDaytime: true, maintenance: [], daytime: Self.paris)
        #expect(hold.map { TimeText.utc($0.until) } == due)
    }

    @Test("maintenance holds until the window's end; windows that chain hold until the last; then daytime if low")
    func maintenance() {
        let windows = [(utc("2026-03-03T09:00:00Z"), utc("2026-03-03T10:00:00Z")), (utc("2026-03-03T10:00:00Z"), utc("2026-03-03T11:00:00Z"))]
        let inside = FirstPage.hold(raisedAt: utc("2026-03-03T09:30:00Z"), severity: .high, lowWaitsForDaytime: true,
                                    maintenance: windows, daytime: Self.paris)
        #expect(inside?.until == utc("2026-03-03T11:00:00Z"))
        #expect(inside?.reason == "in maintenance until 2026-03-03T11:00:00Z")
        #expect(FirstPage.hold(raisedAt: utc("2026-03-03T11:00:00Z"), severity: .high, lowWaitsForDaytime: true, maintenance: windows,
                               daytime: Self.paris) == nil, "a window's end is not in it")
        let night = [(utc("2026-03-03T18:00:00Z"), utc("2026-03-03T22:00:00Z"))]
        let low = FirstPage.hold(raisedAt: utc("2026-03-03T18:30:00Z"), severity: .low, lowWaitsForDaytime: true, maintenance: night, daytime: Self.paris)
        #expect(low?.until == utc("2026-03-04T07:00:00Z"), "ends at 23:00 in Paris: waits for 08:00 next morning")
    }
}
