import ArgumentParser

extension RotaCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Reports for team leads: on-call hours for pay, and fairness within each schedule.",
            subcommands: [Hours.self, Fairness.self]
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }
    }
}
