import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand.LeaveGroup {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Record that someone is away; the next member in each rotation covers.",
            discussion: """
            Examples:
              rota leave add --person camille --from 2026-12-21 --to 2027-01-04 --reason holiday
              rota leave add --person hugo --from 2026-12-01T13:00 --to 2026-12-01T18:00 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: ArgumentHelp("Who is away.", valueName: "id")) var person: String
        @OptionGroup var span: SpanOptions

        func run() async throws {
            let workspace = try await global.workspace()
            let window = try workspace.window(from: span.from, to: span.to, for: span.length, days: nil, defaultDays: 0)
            let (id, warnings) = try await workspace.covers.addLeave(person: person, window: window, reason: change.reason, as: change.actor)
            // Shown before the answer, on stderr (JSON on stdout stays the contract's), and kept in the audit log.
            for warning in warnings { Console.error("warning: \(warning)") }
            if global.json {
                global.print(Documents.id(id))
            } else {
                let zone = workspace.shownZone(person: try workspace.person(person).id)
                Console.out("Leave #\(id): \(try workspace.person(person).id) away from \(HumanTime.format(window.from, in: zone)) to \(HumanTime.format(window.to, in: zone)).")
            }
        }
    }
}
