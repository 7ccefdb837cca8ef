import ArgumentParser
import Foundation
import RotaCore

extension RotaCommand {
    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who is on call now (or at --at), in every schedule or the ones named.",
            discussion: """
            Examples:
              rota now
              rota now --schedule community-managers
              rota now --at 2026-12-25T03:00 --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The instant to ask about (default: now).", valueName: "time"))
        var at: String?

        @Option(name: .customLong("schedule"), help: ArgumentHelp("Only this schedule (repeatable).", valueName: "id"))
        var schedules: [String] = []

        func run() async throws {
            let context = try CommandContext(global)
            let instant = try at.map { try context.time($0, flag: "--at") } ?? context.now
            let chosen = schedules.isEmpty ? context.rota.schedules : try schedules.map { try context.schedule($0) }
            let timetable = try context.timetable(from: instant, to: nil)
            let answers = chosen.map { schedule -> (Schedule, String?, Date?) in
                let answer = timetable.onCall(schedule: schedule.id, at: instant)
                return (schedule, answer.person, answer.until)
            }
            if global.json {
                let items = answers.map { schedule, person, until -> JSONValue in
                    .object([("schedule", .string(schedule.id)), ("person", .text(person)), ("until", .instant(until))])
                }
                context.print(json: .object([("at", .instant(instant)), ("schedules", .array(items))]))
                return
            }
            var table = Table("SCHEDULE", "ON CALL", "UNTIL")
            for (schedule, person, until) in answers {
                let name = person ?? "nobody"
                let end = until.map { HumanTime.format($0, in: schedule.zone) } ?? "-"
                table.add(schedule.id, name, person == nil && until != nil ? "(someone from \(end))" : end)
            }
            Console.out(table.rendered())
        }
    }
}
