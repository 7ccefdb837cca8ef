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

@Suite("Heartbeats: missed after every + grace, in instants")
struct HeartbeatTests {
    static let nightly = Heartbeat(id: "backup", service: "ops", every: 86400, grace: 3600)

    @Test("a daily heartbeat across the autumn DST night is missed 25 hours after its ping, not a wall-clock day", arguments: [
        // Paris falls back on Sunday 25 October 2026 (03:00 → 02:00): a wall-clock day is 25 hours there; a heartbeat is not.
        ("2026-10-24T23:30:00Z", "2026-10-26T00:29:59Z", false),
        ("2026-10-24T23:30:00Z", "2026-10-26T00:30:00Z", true),
    ])
    func acrossDST(_ ping: String, _ now: String, _ missed: Bool) {
        let state = Self.nightly.state(lastPing: utc(ping), now: utc(now))
        if case .missed = state { #expect(missed) } else { #expect(!missed) }
    }

    @Test("never pinged is inactive, not missed")
    func inactive() {
        #expect(Self.nightly.state(lastPing: nil, now: utc("2030-01-01T00:00:00Z")) == .inactive)
        #expect(Self.nightly.dedupKey == "heartbeat:backup")
    }
}
