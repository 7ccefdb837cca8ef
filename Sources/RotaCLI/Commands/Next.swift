import ArgumentParser
import Foundation
import RotaCore

extension RotaCommand {
    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "My next shift: when it starts (in my own zone), who hands over to me and to whom I hand over.",
            discussion: """
            The shift under way when I am on call now, else the next one to start, across every schedule,
            looking a year ahead. Examples:
              rota next --me
              rota next --person camille --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Whose next shift (default: --me).", valueName: "id")) var person: String?
        @Flag(help: "The person whose login is $USER.") var me = false

        func validate() throws {
            if person != nil && me { throw ValidationError("give --person or --me, not both") }
        }

        func run() async throws {
            let context = try CommandContext(global)
            let who = try person.map { try context.person($0) } ?? context.me()
            let timetable = try context.timetable(from: context.now, to: nil)
            var found: (shift: Shift, before: String?, after: String?)?
            for days in [14.0, 90, 366] where found == nil {
                let end = context.now.addingTimeInterval(days * 86400)
                var best: Shift?
                for id in timetable.scheduleIDs {
                    let mine = timetable.shifts(schedule: id, from: context.now, to: end).first { $0.person == who.id && $0.end > context.now }
                    if let mine, best == nil || mine.start < best!.start { best = mine }
                }
                if let best {
                    // The window clips the shift at both ends: find where it really began and ends.
                    let whole = timetable.shifts(schedule: best.schedule, from: context.now.addingTimeInterval(-35 * 86400), to: best.end)
                        .last { $0.person == who.id && $0.end == best.end }
                    let start = whole?.start ?? best.start
                    var finish = best.end
                    for span in [35.0, 400] where finish == end {
                        finish = timetable.shifts(schedule: best.schedule, from: best.start, to: best.start.addingTimeInterval(span * 86400))
                            .first?.end ?? finish
                    }
                    found = (Shift(schedule: best.schedule, person: who.id, start: start, end: finish),
                             timetable.person(schedule: best.schedule, at: start.addingTimeInterval(-1)),
                             timetable.person(schedule: best.schedule, at: finish))
                }
            }
            let zone = who.timezone ?? context.inputZone
            if global.json {
                context.print(json: .object([
                    ("person", .string(who.id)), ("schedule", .text(found?.shift.schedule)),
                    ("start", .instant(found?.shift.start)), ("end", .instant(found?.shift.end)),
                    ("from_person", .text(found?.before)), ("to_person", .text(found?.after)),
                ]))
                return
            }
            guard let found else {
                Console.out("\(who.name) has no shift in the coming year.")
                return
            }
            let verb = found.shift.start <= context.now ? "is on call" : "is next on call"
            var lines = ["\(who.name) \(verb) for \(found.shift.schedule):",
                         "  from  \(HumanTime.format(found.shift.start, in: zone, year: true))",
                         "  to    \(HumanTime.format(found.shift.end, in: zone, year: true))"]
            lines.append("  taking over from \(found.before ?? "nobody (a gap)"), handing over to \(found.after ?? "nobody (a gap)")")
            Console.out(lines.joined(separator: "\n"))
        }
    }
}
