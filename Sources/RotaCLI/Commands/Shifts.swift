import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Shifts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shifts",
            abstract: "The final schedule: who is on call when, merged, clipped to the window.",
            discussion: """
            The window starts at --from (default: now) and ends at --to, or --days later (default 7).
            --format ical writes an RFC 5545 calendar of whole shifts to subscribe to or import.
            Examples:
              rota shifts --me --days 60 --format ical > my-shifts.ics
              rota shifts --schedule community-managers --days 14
              rota shifts --me
              rota shifts --person camille --from 2026-12-01 --to 2027-01-01 --format csv
            """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json, csv, ical
        }

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("schedule"), help: ArgumentHelp("Only this schedule (repeatable).", valueName: "id"))
        var schedules: [String] = []

        @Option(help: ArgumentHelp("Only this person's shifts.", valueName: "id"))
        var person: String?

        @Flag(help: "Only my shifts (the person whose login is $USER).")
        var me = false

        @Option(parsing: .unconditional, help: ArgumentHelp("Start of the window (default: now).", valueName: "time"))
        var from: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("End of the window.", valueName: "time"))
        var to: String?

        @Option(help: ArgumentHelp("Length of the window in days (default 7).", valueName: "n"))
        var days: Int?

        @Option(help: "Output format: table, json, csv or ical (--json means json).")
        var format: Format?

        func validate() throws {
            if person != nil && me { throw ValidationError("give --person or --me, not both") }
            if to != nil && days != nil { throw ValidationError("give --to or --days, not both") }
            if let days, !(1...Window.maxDays).contains(days) { throw ValidationError("--days must be from 1 to \(Window.maxDays)") }
        }

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let window = try workspace.window(from: from, to: to, days: days, defaultDays: 7)
            let who = try person.map { try workspace.person($0) } ?? (me ? try workspace.me() : nil)
            let chosenFormat = global.json ? .json : (format ?? .table)
            // A calendar gets whole shifts (not clipped to the window), so each keeps its UID.
            func shifts() async throws -> [Shift] {
                try await workspace.schedules.shifts(schedules: schedules, person: who, window: window, whole: chosenFormat == .ical)
            }
            // A table row; a shift cut by the window is marked (… before: it began earlier; after: it goes on).
            var clipped = false
            func add(_ table: inout Table, _ schedule: String, _ person: String, _ start: Date, _ end: Date, in zone: Zone) {
                clipped = clipped || start < window.from || end > window.to
                table.add(schedule, person, (start < window.from ? "…" : "") + HumanTime.format(max(start, window.from), in: zone),
                          HumanTime.format(min(end, window.to), in: zone) + (end > window.to ? "…" : ""))
            }
            let clipNote = "… the shift began before or goes on after the window ('--format ical' gives whole shifts)."
            switch chosenFormat {
            case .ical:
                Console.out(document: ICalendar.render(try await shifts(), rota: workspace.rota, now: workspace.now))
            case .json:
                global.print(Documents.shifts(from: window.from, to: window.to, try await shifts()))
            case .csv:
                Console.out(CSV.shifts(try await shifts()))
            case .table where who == nil:
                // Every schedule's shifts with its gaps as rows of their own.
                let roster = try await workspace.schedules.roster(schedules: schedules, window: window)
                guard roster.contains(where: { !$0.shifts.isEmpty || !$0.gaps.isEmpty }) else {
                    Console.out("No schedules.")
                    return
                }
                var table = Table("SCHEDULE", "PERSON", "START", "END")
                for entry in roster {
                    let zone = workspace.shownZone(schedule: entry.schedule)
                    let rows = entry.shifts.map { (start: $0.start, end: $0.end, person: $0.person) }
                        + entry.gaps.map { (start: $0.start, end: $0.end, person: "— nobody —") }
                    for row in rows.sorted(by: { $0.start < $1.start }) { add(&table, entry.schedule, row.person, row.start, row.end, in: zone) }
                }
                Console.out(table.rendered())
                if clipped { Console.out(clipNote) }
            case .table:
                // One person's whole shifts, marked where the window cuts them (as `rota next` tells them).
                let shifts = try await workspace.schedules.shifts(schedules: schedules, person: who, window: window, whole: true)
                guard !shifts.isEmpty else {
                    Console.out("No shifts between \(HumanTime.format(window.from, in: workspace.inputZone)) and \(HumanTime.format(window.to, in: workspace.inputZone)).")
                    return
                }
                var table = Table("SCHEDULE", "PERSON", "START", "END")
                for shift in shifts {
                    // Staff see their own shifts in their own zone; everyone else in the schedule's.
                    let zone = who?.timezone.flatMap { workspace.options.zone == nil ? $0 : nil } ?? workspace.shownZone(schedule: shift.schedule)
                    add(&table, shift.schedule, shift.person, shift.start, shift.end, in: zone)
                }
                Console.out(table.rendered())
                if clipped { Console.out(clipNote) }
            }
        }
    }
}
