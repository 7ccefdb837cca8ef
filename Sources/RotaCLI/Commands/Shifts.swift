import ArgumentParser
import Foundation
import RotaCore

extension RotaCommand {
    struct Shifts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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

        @Option(help: ArgumentHelp("Start of the window (default: now).", valueName: "time"))
        var from: String?

        @Option(help: ArgumentHelp("End of the window.", valueName: "time"))
        var to: String?

        @Option(help: ArgumentHelp("Length of the window in days (default 7).", valueName: "n"))
        var days: Int?

        @Option(help: "Output format: table, json, csv or ical (--json means json).")
        var format: Format?

        func validate() throws {
            if person != nil && me { throw ValidationError("give --person or --me, not both") }
            if to != nil && days != nil { throw ValidationError("give --to or --days, not both") }
            if let days, !(1...3660).contains(days) { throw ValidationError("--days must be from 1 to 3660") }
        }

        func run() async throws {
            let context = try CommandContext(global)
            let window = try Window(context: context, from: from, to: to, days: days, defaultDays: 7)
            let chosen = schedules.isEmpty ? context.rota.schedules : try schedules.map { try context.schedule($0) }
            let who = try person.map { try context.person($0) } ?? (me ? try context.me() : nil)
            let chosenFormat = global.json ? .json : (format ?? .table)
            // A calendar gets whole shifts (not clipped to the window), so each keeps its UID.
            let margin: TimeInterval = chosenFormat == .ical ? 35 * 86400 : 0
            let span = (from: window.from.addingTimeInterval(-margin), to: window.to.addingTimeInterval(margin))
            let timetable = try context.timetable(from: span.from, to: span.to)
            var shifts = chosen.flatMap { timetable.shifts(schedule: $0.id, from: span.from, to: span.to) }
                .filter { $0.end > window.from && $0.start < window.to }
            if let who { shifts = shifts.filter { $0.person == who.id }.sorted { $0.start < $1.start } }

            switch chosenFormat {
            case .ical:
                Console.out(document: ICalendar.render(shifts, rota: context.rota, now: context.now))
            case .json:
                let items = shifts.map { shift -> JSONValue in
                    .object([("schedule", .string(shift.schedule)), ("person", .string(shift.person)),
                             ("start", .instant(shift.start)), ("end", .instant(shift.end))])
                }
                context.print(json: .object([("from", .instant(window.from)), ("to", .instant(window.to)), ("shifts", .array(items))]))
            case .csv:
                var lines = ["schedule,person,start,end"]
                for shift in shifts {
                    lines.append([shift.schedule, shift.person, TimeText.utc(shift.start), TimeText.utc(shift.end)].map(csvField).joined(separator: ","))
                }
                Console.out(lines.joined(separator: "\n"))
            case .table:
                guard !shifts.isEmpty else {
                    Console.out("No shifts between \(TimeText.utc(window.from)) and \(TimeText.utc(window.to)).")
                    return
                }
                var table = Table("SCHEDULE", "PERSON", "START", "END")
                for shift in shifts {
                    // Staff see their own shifts in their own zone; everyone else in the schedule's.
                    let zone = who?.timezone ?? (try? context.schedule(shift.schedule).zone) ?? context.inputZone
                    table.add(shift.schedule, shift.person, HumanTime.format(shift.start, in: zone), HumanTime.format(shift.end, in: zone))
                }
                Console.out(table.rendered())
            }
        }

        private func csvField(_ text: String) -> String {
            text.utf8.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }
}

/// A window of time from --from/--to/--days.
struct Window {
    var from: Date
    var to: Date

    init(context: CommandContext, from: String?, to: String?, days: Int?, defaultDays: Int) throws {
        self.from = try from.map { try context.time($0, flag: "--from") } ?? context.now
        if let to {
            self.to = try context.time(to, flag: "--to")
        } else {
            self.to = self.from.addingTimeInterval(Double(days ?? defaultDays) * 86400)
        }
        guard self.from < self.to else {
            throw RotaFailure.usage("--to (\(TimeText.utc(self.to))) must be after --from (\(TimeText.utc(self.from)))")
        }
        // The same bound as --days everywhere: a window of centuries would take gigabytes.
        guard self.to.timeIntervalSince(self.from) <= Double(Window.maxDays) * 86400 else {
            throw RotaFailure.usage("the window from --from to --to spans more than \(Window.maxDays) days; ask for a shorter one")
        }
    }

    static let maxDays = 3660
}
