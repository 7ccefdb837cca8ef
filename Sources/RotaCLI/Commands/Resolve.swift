import ArgumentParser

extension RotaCommand {
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Resolve an alert: terminal, nothing more is paged.",
            discussion: "Examples:\n  rota resolve 7\n  rota resolve 7 --as hugo --json"
        )

        @OptionGroup var options: AnswerOptions

        func run() async throws {
            try await options.answer(verb: "resolved") { try await $0.alerts.resolve(options.id, as: options.actor) }
        }
    }
}
