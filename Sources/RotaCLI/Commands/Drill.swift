import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Drill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drill",
            abstract: "Open a drill on an escalation chain: every level is paged, marked DRILL.",
            discussion: """
            A drill walks the real chain as an incident would, with pages that say DRILL (a command
            contact gets ROTA_DRILL=1, a webhook "drill": true). Acknowledgements are recorded and
            timed but do not stop it; repeats are skipped; it ends by itself an hour after it began
            or 15 minutes after its last level, whichever is later. It never counts as a real
            incident: 'rota report response' shows it in its drill section. Drills on a schedule
            are written as `drills:` in the rota files. Examples:
              rota drill --escalation social-media
              rota drill --escalation social-media --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The escalation whose chain to drill.", valueName: "id")) var escalation: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who starts it, for the log.", valueName: "person")) var actor: String?

        func run() async throws {
            let workspace = try await global.workspace()
            let stop = StopRequest()
            defer { stop.uninstall() }
            let raised = try await workspace.drills.start(escalation: escalation, as: actor) { stop.isRequested }
            RotaCommand.AlertGroup.Raise.tellPaging(raised, what: "drill")
            if global.json {
                global.print(Documents.raised(raised.alert, status: raised.alert.status, deduplicated: raised.deduplicated))
            } else if raised.deduplicated {
                Console.out("Drill #\(raised.alert.id) on escalation \(escalation) was already opened at this instant; nobody was paged again.")
            } else {
                Console.out("Drill #\(raised.alert.id) opened on escalation \(escalation): every level will be paged, marked DRILL. "
                            + "Answers are recorded ('rota ack \(raised.alert.id)') and shown by 'rota report response'.")
            }
        }
    }
}
