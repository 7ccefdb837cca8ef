import ArgumentParser
import RotaCore

extension RotaCommand {
    struct AlertGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alert",
            abstract: "Alerts: raise one, list them, show one with its pages and log.",
            subcommands: [Raise.self, List.self, Show.self]
        )
    }
}

extension Severity: ExpressibleByArgument {}
