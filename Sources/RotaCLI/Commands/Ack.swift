import ArgumentParser

extension RotaCommand {
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an alert: its escalation stops (until its service's ack_timeout, if any).",
            discussion: "Examples:\n  rota ack 7\n  rota ack 7 --as camille --json"
        )

        @OptionGroup var options: AnswerOptions

        func run() async throws {
            try await options.answer(verb: "acknowledged") { try await $0.alerts.acknowledge(options.id, as: options.actor) }
        }
    }
}
