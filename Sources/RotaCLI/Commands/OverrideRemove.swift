import ArgumentParser

extension RotaCommand.OverrideGroup {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove an override by its id (see 'rota override list').",
            discussion: "Example:\n  rota override remove 12"
        )

        @OptionGroup var removal: RemovalOptions

        func run() async throws {
            try await removal.remove(.override)
        }
    }
}
