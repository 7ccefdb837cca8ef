import Foundation
import Testing
@testable import RotaCore

@Suite("Drills: when a scheduled drill falls, across DST, and the drill section's figures")
struct DrillTests {
    static let paris = zone("Europe/Paris")

    static func drill(_ every: Int, _ weekday: Weekday?, _ time: String, start: LocalDate? = nil) -> Drill {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        return Drill(id: "d", escalation: "e", everyDays: every, weekday: weekday, time: LocalTime(hour: parts[0], minute: parts[1]), start: start)
    }

    // (drill, after, through, expected occurrences in UTC)
    static let cases: [(String, Drill, String, String, [String])] = [
        ("weekly sun 10:00 keeps 10:00 in Paris across the spring change (09:00Z, then 08:00Z)",
         drill(7, .sunday, "10:00", start: LocalDate(year: 2026, month: 3, day: 22)), "2026-03-20T00:00:00Z", "2026-04-06T00:00:00Z",
         ["2026-03-22T09:00:00Z", "2026-03-29T08:00:00Z", "2026-04-05T08:00:00Z"]),
        ("weekly sun 10:00 across the autumn change (08:00Z, then 09:00Z)",
         drill(7, .sunday, "10:00"), "2026-10-15T00:00:00Z", "2026-11-02T00:00:00Z",
         ["2026-10-18T08:00:00Z", "2026-10-25T09:00:00Z", "2026-11-01T09:00:00Z"]),
        ("every 2 weeks from start: the weeks between are skipped",
         drill(14, .tuesday, "10:00", start: LocalDate(year: 2026, month: 1, day: 6)), "2026-01-01T00:00:00Z", "2026-02-10T00:00:00Z",
         ["2026-01-06T09:00:00Z", "2026-01-20T09:00:00Z", "2026-02-03T09:00:00Z"]),
        ("a start that is not the weekday moves to the next one",
         drill(7, .tuesday, "10:00", start: LocalDate(year: 2026, month: 1, day: 1)), "2025-12-01T00:00:00Z", "2026-01-14T00:00:00Z",
         ["2026-01-06T09:00:00Z", "2026-01-13T09:00:00Z"]),
        ("nothing before start", drill(7, .tuesday, "10:00", start: LocalDate(year: 2026, month: 6, day: 1)), "2026-01-01T00:00:00Z", "2026-05-31T00:00:00Z", []),
        ("daily at 02:30: the spring change skips it, so it falls at 03:30 CEST (01:30Z)",
         drill(1, nil, "02:30"), "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
         ["2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]),
        ("daily at 02:30: the autumn change repeats it, the earlier one counts (00:30Z), once",
         drill(1, nil, "02:30"), "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
         ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        ("the bounds: after is excluded, through included", drill(1, nil, "10:00"), "2026-05-04T08:00:00Z", "2026-05-05T08:00:00Z",
         ["2026-05-05T08:00:00Z"]),
    ]

    @Test("occurrences", arguments: cases.indices)
    func occurrences(_ index: Int) {
        let (name, drill, after, through, expected) = Self.cases[index]
        let found = drill.occurrences(after: utc(after), through: utc(through), zone: Self.paris).map(TimeText.utc)
        #expect(found == expected, "\(name)")
    }

    @Test("due: the latest occurrence at most an hour old; none before it, none after the hour")
    func due() {
        let weekly = Self.drill(7, .sunday, "10:00")
        #expect(weekly.due(at: utc("2026-03-29T07:59:59Z"), zone: Self.paris) == nil)
        #expect(weekly.due(at: utc("2026-03-29T08:00:00Z"), zone: Self.paris) == utc("2026-03-29T08:00:00Z"))
        #expect(weekly.due(at: utc("2026-03-29T08:59:59Z"), zone: Self.paris) == utc("2026-03-29T08:00:00Z"))
        #expect(weekly.due(at: utc("2026-03-29T09:00:00Z"), zone: Self.paris) == nil, "an hour late is too late")
        // A naive UTC reading would fire at 09:00Z on the day of the change; the zone's reading does not.
        #expect(weekly.due(at: utc("2026-03-29T09:00:30Z"), zone: Self.paris) == nil)
        #expect(weekly.dedupKey(at: utc("2026-03-29T08:00:00Z")) == "drill:d@2026-03-29T08:00:00Z")
    }

    @Test("end: 15 minutes after the last level (or its escalate_after), never before an hour")
    func end() {
        let start = utc("2026-03-03T09:00:00Z")
        #expect(Drill.end(start: start, exhausted: utc("2026-03-03T09:20:00Z"), lastWait: nil) == utc("2026-03-03T10:00:00Z"))
        #expect(Drill.end(start: start, exhausted: utc("2026-03-03T09:50:00Z"), lastWait: nil) == utc("2026-03-03T10:05:00Z"))
        #expect(Drill.end(start: start, exhausted: utc("2026-03-03T09:50:00Z"), lastWait: 1800) == utc("2026-03-03T10:20:00Z"))
        #expect(Drill.isDrill(service: Drill.service("weekly")) && !Drill.isDrill(service: "web"))
    }

    @Test("the drill section: per person and level, each person's first answer timed from their own level, strangers untimed, failed contacts")
    func figures() throws {
        let t0 = utc("2026-03-03T09:00:00Z")
        func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
        let first = DrillRun(incident: 1, drill: "weekly", escalation: "e", openedAt: t0,
                             paged: [.init(person: "ann", level: 1, dueAt: at(0)), .init(person: "ann", level: 1, dueAt: at(0)),
                                     .init(person: "lead", level: 2, dueAt: at(10)), .init(person: "ghost", level: 2, dueAt: at(10)),
                                     .init(person: "ceo", level: 3, dueAt: at(20))],
                             answers: [.init(person: "lead", at: at(12)), .init(person: "ann", at: at(3)), .init(person: "ann", at: at(4)),
                                       .init(person: "stranger", at: at(5))],
                             failed: [.init(person: "ghost", level: 2, contact: "command", error: "exit 1", forGood: true)])
        let second = DrillRun(incident: 2, drill: "weekly", escalation: "e", openedAt: at(7 * 1440),
                              paged: [.init(person: "ann", level: 1, dueAt: at(7 * 1440)), .init(person: "lead", level: 2, dueAt: at(7 * 1440 + 10))],
                              answers: [], failed: [])
        let third = DrillRun(incident: 3, drill: "manual", escalation: "e", openedAt: at(8 * 1440),
                             paged: [.init(person: "ann", level: 1, dueAt: at(8 * 1440 + 5))], answers: [.init(person: "ann", at: at(8 * 1440 + 6))], failed: [])
        let figures = DrillFigures([second, third, first])
        #expect(figures.runs.map(\.incident) == [1, 2, 3], "oldest first")
        #expect(first.timedAnswers.map { "\($0.person) \($0.level) \($0.seconds)" } == ["ann 1 180", "lead 2 120"])
        let rows = figures.rows.map { "\($0.level) \($0.person) \($0.paged) \($0.answered) \($0.answerTime.map { "\($0.p50)/\($0.p90)" } ?? "-")" }
        #expect(rows == ["1 ann 3 2 60/180", "2 ghost 1 0 -", "2 lead 2 1 120/120", "3 ceo 1 0 -"], "\(rows)")
        #expect(figures.answered == 2)
        // First answers from level 1's due time: 180 s and 60 s.
        #expect(figures.firstAnswer.map { [$0.p50, $0.p90, $0.mean] } == [60, 180, 120])
        #expect(figures.failed.map { "\($0.incident) \($0.contact.person)" } == ["1 ghost"])
        // Positive control of the empty case.
        #expect(DrillFigures([]).rows.isEmpty && DrillFigures([]).firstAnswer == nil)
    }
}
