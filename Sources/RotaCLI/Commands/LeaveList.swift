import ArgumentParser

extension RotaCommand.LeaveGroup {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Leave that is current or to come (--all: past leave too).",
            discussion: "Examples:\n  rota leave list\n  rota leave list --person camille --json"
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this person.", valueName: "id")) var person: String?
        @Flag(help: "Include leave that has ended.") var all = false

        func run() async throws {
            try await CoverListing(kind: .leave, global: global).run(all: all, filter: person)
        }
    }
}
