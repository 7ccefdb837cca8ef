import ArgumentParser

extension RotaCommand.OverrideGroup {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Overrides that are current or to come (--all: past ones too).",
            discussion: """
            Examples:
              rota override list
              rota override list --schedule infra-primary --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this schedule.", valueName: "id")) var schedule: String?
        @Flag(help: "Include overrides that have ended.") var all = false

        func run() async throws {
            try await CoverListing(kind: .override, global: global).run(all: all, filter: schedule)
        }
    }
}
