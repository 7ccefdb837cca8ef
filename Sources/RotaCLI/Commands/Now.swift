import ArgumentParser
import Foundation
import RotaCore
import RotaFormats

extension RotaCommand {
    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "now",
            abstract: "Who is on call now (or at --at), in every schedule or the ones named.",
            discussion: """
            Examples:
              rota now
              rota now --schedule community-managers
              rota now --at 2026-12-25T03:00 --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: ArgumentHelp("The instant to ask about (default: now).", valueName: "time"))
        var at: String?

        @Option(name: .customLong("schedule"), help: ArgumentHelp("Only this schedule (repeatable).", valueName: "id"))
        var schedules: [String] = []

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let instant = try at.map { try workspace.time($0, flag: "--at") } ?? workspace.now
            let answers = try await workspace.schedules.onCall(at: instant, schedules: schedules)
            if global.json {
                global.print(Documents.onCall(at: instant, answers.map { ($0.schedule.id, $0.person, $0.until) }))
                return
            }
            var table = Table("SCHEDULE", "ON CALL", "UNTIL")
            for (schedule, person, until) in answers {
                let end = until.map { HumanTime.format($0, in: workspace.shownZone(schedule: schedule.id)) } ?? "-"
                table.add(schedule.id, person ?? "nobody", person == nil && until != nil ? "(someone from \(end))" : end)
            }
            Console.out(table.rendered())
        }
    }
}
