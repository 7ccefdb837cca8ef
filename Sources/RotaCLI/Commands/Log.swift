import ArgumentParser
import Foundation
import RotaCore
import RotaFormats

extension RotaCommand {
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "The audit log: revisions, overrides, leave, swaps and alert events, oldest first.",
            discussion: """
            Nothing in rota edits or deletes it. Examples:
              rota log --since 2026-12-01
              rota log --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("Only events from this time on.", valueName: "time")) var since: String?

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let events = try await workspace.schedules.log(since: try since.map { try workspace.time($0, flag: "--since") })
            if global.json {
                global.print(Documents.log(events))
                return
            }
            guard !events.isEmpty else { Console.out("The log is empty."); return }
            var table = Table("AT", "ACTOR", "EVENT", "DETAIL")
            for event in events {
                table.add(HumanTime.format(event.at, in: workspace.inputZone, year: true), event.actor, event.event,
                          HumanTime.rewritingInstants(in: event.detail, zone: workspace.inputZone))
            }
            Console.out(table.rendered())
        }
    }
}
