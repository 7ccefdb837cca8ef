import ArgumentParser

extension RotaCommand {
    struct LeaveGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leave",
            abstract: "Absences: a person on leave is skipped in every rotation meanwhile.",
            subcommands: [Add.self, List.self, Remove.self]
        )
    }
}
