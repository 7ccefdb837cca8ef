import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand.OverrideGroup {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Put someone on call for a schedule from one time to another.",
            discussion: """
            Examples:
              rota override add --schedule community-managers --person lea --from 2026-12-24T18:00 --to 2026-12-26T09:00 --reason "Christmas cover"
              rota override add --schedule infra-primary --person chloe --from 2026-12-01T10:00+01:00 --to 2026-12-02T10:00+01:00 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: ArgumentHelp("The schedule.", valueName: "id")) var schedule: String
        @Option(help: ArgumentHelp("Who covers.", valueName: "id")) var person: String
        @OptionGroup var span: SpanOptions

        func run() async throws {
            let workspace = try await global.workspace()
            let window = try workspace.window(from: span.from, to: span.to, for: span.length, days: nil, defaultDays: 0)
            let (id, warnings) = try await workspace.covers.addOverride(schedule: schedule, person: person, window: window, reason: change.reason, as: change.actor)
            // Shown before the answer, on stderr (JSON on stdout stays the contract's), and kept in the audit log.
            for warning in warnings { Console.error("warning: \(warning)") }
            if global.json {
                global.print(Documents.id(id))
            } else {
                let zone = workspace.shownZone(schedule: try workspace.schedule(schedule).id)
                Console.out("Override #\(id): \(try workspace.person(person).id) covers \(schedule) from \(HumanTime.format(window.from, in: zone)) to \(HumanTime.format(window.to, in: zone)).")
            }
        }
    }
}
