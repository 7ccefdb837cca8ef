import Foundation
@testable import RotaCore
import Testing

/// `rota diff`'s computation (DESIGN §14): what an edit does to people, as tables of edits.
@Suite("rota diff: shifts gained and lost, gaps opened and closed, who each level reaches")
struct RotaDiffTests {
    static let from = utc("2026-03-02T00:00:00Z"), to = utc("2026-03-30T00:00:00Z")

    /// ann and bob weekly on `s` (UTC); level 1 pages `s`, level 2 the lead.
    static func rota(members: [String] = ["ann", "bob"], restrict: [Restriction] = [], overrides: [Override] = [],
                     second: Target = .person("lead"), zoneName: String = "UTC") -> Rota {
        Rota(people: ["ann", "bob", "lead", "boss"].map { Person(id: $0, name: $0) },
             schedules: [Schedule(id: "s", name: "s", zone: zone(zoneName), layers: [layer(members, start: "2026-03-02T00:00", shift: "1w", restrict: restrict)],
                                  overrides: overrides)],
             escalations: [EscalationPolicy(id: "e", name: "e", repeatCount: 0, levels: [
                 .init(targets: [.schedule("s")], escalateAfter: 900), .init(targets: [second], escalateAfter: nil)])])
    }

    static func diff(_ before: Rota, _ after: Rota, leave: [Leave] = []) -> RotaDiff {
        RotaDiff(before: Timetable(rota: before, leave: leave), after: Timetable(rota: after, leave: leave), from: from, to: to)
    }

    @Test("nothing changed: nobody gains or loses, no gap, no level reaches anyone else (the control for every case below)")
    func unchanged() {
        let diff = Self.diff(Self.rota(), Self.rota())
        #expect(diff.people.isEmpty && diff.gapsOpened.isEmpty && diff.gapsClosed.isEmpty && diff.reach.isEmpty && !diff.opensGap)
        #expect(diff.spread.map { "\($0.schedule) \($0.before) \($0.after)" } == ["s 0 0"])
    }

    @Test("two members swapped: each gains the other's two weeks and loses their own; level 1 reaches the other person all month")
    func swapped() {
        let diff = Self.diff(Self.rota(), Self.rota(members: ["bob", "ann"]))
        let ann = diff.people.first { $0.person == "ann" }
        #expect(diff.people.map(\.person) == ["ann", "bob"])
        #expect(ann?.gained.map { TimeText.utc($0.start) } == ["2026-03-09T00:00:00Z", "2026-03-23T00:00:00Z"])
        #expect(ann?.lost.map { TimeText.utc($0.start) } == ["2026-03-02T00:00:00Z", "2026-03-16T00:00:00Z"])
        #expect(ann?.hoursGained.total == 2 * 7 * 86400 && ann?.hoursLost.total == 2 * 7 * 86400)
        #expect(ann.map { $0.hoursGained.weekend == 4 * 86400 } == true, "two weekends gained, split as report hours does")
        #expect(diff.gapsOpened.isEmpty && !diff.opensGap)
        #expect(diff.reach.map { "\($0.level) \($0.before) \($0.after)" } == ["1 [\"ann\"] [\"bob\"]", "1 [\"bob\"] [\"ann\"]", "1 [\"ann\"] [\"bob\"]", "1 [\"bob\"] [\"ann\"]"])
    }

    @Test("a layer shortened to 08:00–20:00 opens every night as a gap; what people lose is the nights")
    func shortened() {
        let diff = Self.diff(Self.rota(), Self.rota(restrict: [Restriction(days: Set(Weekday.allCases), from: LocalTime(hour: 8, minute: 0), to: LocalTime(hour: 20, minute: 0))]))
        // 29 pieces: the first morning 00:00–08:00, 27 whole nights 20:00–08:00, the last evening 20:00–24:00.
        #expect(diff.opensGap && diff.gapsOpened.count == 29, "\(diff.gapsOpened.count)")
        #expect(diff.gapsOpened.first.map { TimeText.utc($0.start) + " " + TimeText.utc($0.end) } == "2026-03-02T00:00:00Z 2026-03-02T08:00:00Z")
        #expect(diff.people.allSatisfy { $0.gained.isEmpty } && diff.people.reduce(0) { $0 + $1.hoursLost.total } == 28 * 12 * 3600)
        // And back: the same nights are closed.
        let back = RotaDiff(before: Timetable(rota: Self.rota(restrict: [Restriction(days: Set(Weekday.allCases), from: LocalTime(hour: 8, minute: 0), to: LocalTime(hour: 20, minute: 0))])),
                            after: Timetable(rota: Self.rota()), from: Self.from, to: Self.to)
        #expect(back.gapsClosed.count == 29 && back.gapsOpened.isEmpty && !back.opensGap)
    }

    @Test("the executive level changed: it now reaches the boss instead of the lead, the whole window, one stretch")
    func executiveLevel() {
        let diff = Self.diff(Self.rota(), Self.rota(second: .person("boss")))
        #expect(diff.reach.count == 1)
        #expect(diff.reach.first.map { "\($0.escalation) \($0.level) \($0.before) \($0.after) \(TimeText.utc($0.start)) \(TimeText.utc($0.end))" }
                == "e 2 [\"lead\"] [\"boss\"] 2026-03-02T00:00:00Z 2026-03-30T00:00:00Z")
        #expect(diff.people.isEmpty, "nobody's shifts moved")
    }

    @Test("an override in the files that gives bob a day of his leave: gained, and a clash with the leave")
    func leaveClash() {
        let leave = [Leave(person: "bob", start: utc("2026-03-04T00:00:00Z"), end: utc("2026-03-06T00:00:00Z"))]
        let override = Override(person: "bob", start: utc("2026-03-05T00:00:00Z"), end: utc("2026-03-05T12:00:00Z"))
        let diff = Self.diff(Self.rota(), Self.rota(overrides: [override]), leave: leave)
        let bob = diff.people.first { $0.person == "bob" }
        #expect(bob?.gained.count == 1 && bob?.leaveClashes.map { TimeText.utc($0.start) } == ["2026-03-05T00:00:00Z"])
        #expect(diff.people.first { $0.person == "ann" }?.lost.count == 1)
    }

    @Test("across the Paris spring change: the swapped week that holds it is 167 hours gained and lost")
    func springChange() {
        // Monday 23 March 00:00 to Monday 30 March 00:00 in Paris: bob's week before, ann's after.
        let diff = RotaDiff(before: Timetable(rota: Self.rota(zoneName: "Europe/Paris")),
                            after: Timetable(rota: Self.rota(members: ["bob", "ann"], zoneName: "Europe/Paris")),
                            from: utc("2026-03-22T23:00:00Z"), to: utc("2026-03-29T22:00:00Z"))
        #expect(diff.people.first { $0.person == "ann" }?.hoursGained.total == 167 * 3600)
        #expect(diff.people.first { $0.person == "bob" }?.hoursLost.total == 167 * 3600)
    }
}
