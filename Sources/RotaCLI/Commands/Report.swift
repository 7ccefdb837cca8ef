import ArgumentParser
import Foundation
import RotaCore
import RotaStore

extension RotaCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reports for team leads: on-call hours for pay, and fairness within each schedule.",
            subcommands: [Hours.self, Fairness.self]
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

        struct Hours: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "On-call hours per person: weekday daytime, weekday night, weekend, public holiday; pages.",
                discussion: """
                Hours are split in each schedule's zone: holidays (the holidays list) first, then
                weekends, then weekday daytime (settings.daytime, default 08:00–20:00) and night. The
                four parts add up to the total exactly. Pages count levels that reached the person;
                night pages are those due outside daytime in the person's zone. Examples:
                  rota report hours --from 2026-12-01 --to 2027-01-01
                  rota report hours --from 2026-12-01 --to 2027-01-01 --format csv
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("Start.", valueName: "time")) var from: String
            @Option(help: ArgumentHelp("End.", valueName: "time")) var to: String
            @Option(help: "table, json or csv (--json means json).") var format: Format?

            func run() async throws {
                let context = try CommandContext(global)
                let window = try Window(context: context, from: from, to: to, days: nil, defaultDays: 0)
                let timetable = try context.timetable(from: window.from, to: window.to)
                let tally = try HoursTally(context: context, timetable: timetable, window: window)
                let rows = tally.people
                switch global.json ? .json : (format ?? .table) {
                case .json:
                    let people = rows.map { row -> JSONValue in
                        let f = HoursTally.figures(row.hours).map { HoursTally.json(units: $0) }
                        return .object([("person", .string(row.person)), ("hours", f[0]), ("weekday_day", f[1]), ("weekday_night", f[2]),
                                        ("weekend", f[3]), ("holiday", f[4]), ("pages", .int(row.pages)), ("night_pages", .int(row.nightPages))])
                    }
                    context.print(json: .object([("from", .instant(window.from)), ("to", .instant(window.to)), ("people", .array(people))]))
                case .csv:
                    var lines = ["person,hours,weekday_day,weekday_night,weekend,holiday,pages,night_pages"]
                    for row in rows {
                        let f = HoursTally.figures(row.hours).map { HoursTally.text(units: $0) }
                        lines.append(([row.person] + f + ["\(row.pages)", "\(row.nightPages)"]).joined(separator: ","))
                    }
                    Console.out(lines.joined(separator: "\n"))
                case .table:
                    var table = Table("PERSON", "HOURS", "WEEKDAY DAY", "WEEKDAY NIGHT", "WEEKEND", "HOLIDAY", "PAGES", "NIGHT")
                    for row in rows {
                        let f = HoursTally.figures(row.hours).map { HoursTally.text(units: $0) }
                        table.add(row.person, f[0], f[1], f[2], f[3], f[4], "\(row.pages)", "\(row.nightPages)")
                    }
                    Console.out(table.rendered())
                }
            }
        }

        struct Fairness: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Balance within each schedule: each member's hours, weekend and holiday hours, night pages, and the spread.",
                discussion: """
                The window defaults to the next 90 days from now. Examples:
                  rota report fairness
                  rota report fairness --from 2026-01-01 --to 2026-07-01 --json
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("Start (default: now).", valueName: "time")) var from: String?
            @Option(help: ArgumentHelp("End (default: 90 days after the start).", valueName: "time")) var to: String?

            func run() async throws {
                let context = try CommandContext(global)
                let window = try Window(context: context, from: from, to: to, days: nil, defaultDays: 90)
                let timetable = try context.timetable(from: window.from, to: window.to)
                let tally = try HoursTally(context: context, timetable: timetable, window: window)
                let schedules = tally.bySchedule
                if global.json {
                    let items = schedules.map { schedule -> JSONValue in
                        let people = schedule.people.map { row -> JSONValue in
                            .object([("person", .string(row.person)), ("hours", HoursTally.json(row.hours.total)),
                                     ("weekend", HoursTally.json(row.hours.weekend)), ("holiday", HoursTally.json(row.hours.holiday)),
                                     ("night_pages", .int(row.nightPages))])
                        }
                        let spread = schedule.spread
                        return .object([("schedule", .string(schedule.id)), ("people", .array(people)),
                                        ("spread", .object([("hours", HoursTally.json(spread.hours)), ("weekend", HoursTally.json(spread.weekend)),
                                                            ("holiday", HoursTally.json(spread.holiday)), ("night_pages", .int(spread.nightPages))]))])
                    }
                    context.print(json: .object([("from", .instant(window.from)), ("to", .instant(window.to)), ("schedules", .array(items))]))
                    return
                }
                for schedule in schedules {
                    let total = max(1, schedule.people.reduce(0) { $0 + $1.hours.total })
                    var table = Table("PERSON", "HOURS", "SHARE", "WEEKEND", "HOLIDAY", "NIGHT PAGES")
                    for row in schedule.people {
                        table.add(row.person, HoursTally.text(row.hours.total), "\(row.hours.total * 100 / total)%",
                                  HoursTally.text(row.hours.weekend), HoursTally.text(row.hours.holiday), "\(row.nightPages)")
                    }
                    let spread = schedule.spread
                    Console.out("\(schedule.id) (spread: \(HoursTally.text(spread.hours)) h, weekend \(HoursTally.text(spread.weekend)) h, "
                        + "holiday \(HoursTally.text(spread.holiday)) h, night pages \(spread.nightPages))\n" + table.rendered() + "\n")
                }
            }
        }
    }
}

/// Hours and pages per person and per schedule over a window.
struct HoursTally {
    struct Row {
        var person: String
        var hours = OnCallHours()
        var pages = 0
        var nightPages = 0
    }

    struct ScheduleRows {
        var id: String
        var people: [Row]

        var spread: (hours: Int, weekend: Int, holiday: Int, nightPages: Int) {
            func range(_ values: [Int]) -> Int { (values.max() ?? 0) - (values.min() ?? 0) }
            return (range(people.map(\.hours.total)), range(people.map(\.hours.weekend)),
                    range(people.map(\.hours.holiday)), range(people.map(\.nightPages)))
        }
    }

    var people: [Row] = []
    var bySchedule: [ScheduleRows] = []

    init(context: CommandContext, timetable: Timetable, window: Window) throws {
        let rota = context.rota
        var perPerson: [String: Row] = [:]
        var scheduleRows: [ScheduleRows] = []
        var shiftsBySchedule: [String: [Shift]] = [:]
        for id in timetable.scheduleIDs {
            let zone = timetable.current.schedule(id)?.zone ?? rota.settings.zone
            let calendar = PayCalendar(zone: zone, holidays: timetable.current.holidays(of: id),
                                       daytimeFrom: rota.settings.daytimeFrom, daytimeTo: rota.settings.daytimeTo)
            let shifts = timetable.shifts(schedule: id, from: window.from, to: window.to)
            shiftsBySchedule[id] = shifts
            var rows: [String: Row] = [:]
            // Every member appears, even with no time, so the balance is visible.
            for member in timetable.current.schedule(id)?.layers.flatMap(\.members) ?? [] where rows[member] == nil {
                rows[member] = Row(person: member)
            }
            for shift in shifts {
                let split = calendar.split(from: shift.start, to: shift.end)
                rows[shift.person, default: Row(person: shift.person)].hours += split
                perPerson[shift.person, default: Row(person: shift.person)].hours += split
            }
            scheduleRows.append(ScheduleRows(id: id, people: Array(rows.values)))
        }
        for page in try context.database.receivedPages(from: window.from, to: window.to) {
            let zone = rota.person(page.person)?.timezone ?? rota.settings.zone
            let night = PayCalendar(zone: zone, holidays: [], daytimeFrom: rota.settings.daytimeFrom, daytimeTo: rota.settings.daytimeTo)
                .isNight(page.levelDueAt)
            perPerson[page.person, default: Row(person: page.person)].pages += 1
            if night {
                perPerson[page.person, default: Row(person: page.person)].nightPages += 1
                // A night page counts against the schedule the person was on call for then.
                for index in scheduleRows.indices {
                    let onCall = shiftsBySchedule[scheduleRows[index].id]?.contains { $0.person == page.person && $0.start <= page.levelDueAt && page.levelDueAt < $0.end } ?? false
                    if onCall, let row = scheduleRows[index].people.firstIndex(where: { $0.person == page.person }) {
                        scheduleRows[index].people[row].nightPages += 1
                    }
                }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: rota.people.enumerated().map { ($1.id, $0) })
        func sorted(_ rows: [Row]) -> [Row] { rows.sorted { (order[$0.person] ?? Int.max, $0.person) < (order[$1.person] ?? Int.max, $1.person) } }
        people = sorted(Array(perPerson.values))
        bySchedule = scheduleRows.map { ScheduleRows(id: $0.id, people: sorted($0.people)) }
    }

    /// Hours in units of 1/10,000 h.
    static func units(_ seconds: Int) -> Int { Int((Double(seconds) / 0.36).rounded()) }

    /// Total, weekday day, weekday night, weekend, holiday: the total is the sum of the rounded
    /// parts, so the printed figures always add up.
    static func figures(_ hours: OnCallHours) -> [Int] {
        let parts = [hours.weekdayDay, hours.weekdayNight, hours.weekend, hours.holiday].map(units)
        return [parts.reduce(0, +)] + parts
    }

    /// Hours to at most 4 decimals, from whole seconds.
    static func text(_ seconds: Int) -> String { text(units: units(seconds)) }

    static func text(units: Int) -> String {
        let whole = units / 10000, fraction = units % 10000
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 4 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    static func json(_ seconds: Int) -> JSONValue { json(units: units(seconds)) }

    static func json(units: Int) -> JSONValue { .double(Double(text(units: units)) ?? 0) }
}
