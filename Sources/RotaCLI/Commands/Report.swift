import ArgumentParser

extension RotaCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Reports: on-call hours for pay, fairness within each schedule, how fast people answered.",
            subcommands: [Hours.self, Fairness.self, Response.self]
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }
    }
}
