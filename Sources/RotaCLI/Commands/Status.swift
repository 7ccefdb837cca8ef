import ArgumentParser
import Foundation
import RotaFormats
import RotaCore
import RotaKit

extension RotaCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Health of the runner: last tick, open alerts, pages pending and failed.",
            discussion: """
            Exits 1 when the last tick is more than 3 minutes old (or never ran), so another monitor
            can watch the watcher. Examples:
              rota status
              rota status --json
            """
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let health = try await workspace.runner.health()
            let status = health.status
            if global.json {
                global.print(Documents.status(status, problems: health.problems, held: health.held))
            } else {
                let tick = status.lastTick.map { tick in
                    let seconds = Int(workspace.now.timeIntervalSince(tick))
                    return "\(HumanTime.format(tick, in: workspace.inputZone)) (\(seconds >= 0 ? "\(seconds)s ago" : "\(-seconds)s in the future"))"
                        + (status.lastTickHost.map { " on \(TerminalText.escaped($0))" } ?? "")
                } ?? "never"
                var text = """
                    last tick:      \(tick)
                    open alerts:    \(status.openAlerts)
                    pages pending:  \(status.pagesPending)
                    pages failed:   \(status.pagesFailed) (\(status.pagesFailedForGood) for good)
                    """
                for item in health.held { text += "\nwaiting:        alert #\(item.id), \(item.reason)" }
                for problem in health.problems { text += "\nPROBLEM: \(problem)" }
                Console.out(text)
            }
            if !health.problems.isEmpty { throw RotaError.silent(ExitStatus.attention.code) }
        }
    }
}
