import ArgumentParser

extension RotaCommand.LeaveGroup {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove leave by its id (see 'rota leave list').",
            discussion: "Example:\n  rota leave remove 3"
        )

        @OptionGroup var removal: RemovalOptions

        func run() async throws {
            try await removal.remove(.leave)
        }
    }
}
