import ArgumentParser
import Foundation
import RotaCore
import RotaKit

extension RotaCommand {
    struct TestPage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-page",
            abstract: "Send a test page through each of a person's contacts now, and say how each went.",
            discussion: """
            A typo in a pager path should show before an incident does. Exits 75 if a contact failed.
            Examples:
              rota test-page --person camille
              rota test-page --person camille --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: ArgumentHelp("Whose contacts.", valueName: "id")) var person: String

        func run() async throws {
            let workspace = try await global.workspace()
            let outcomes = try await workspace.contacts.testPage(person: person, as: change.actor)
            func text(_ result: DeliveryResult) -> (status: String, error: String?) {
                switch result {
                case .delivered: ("delivered", nil)
                case .retry(let error), .permanent(let error): ("failed", error)
                }
            }
            if global.json {
                global.print(.object([("person", .string(person)), ("contacts", .array(outcomes.map { outcome in
                    .object([("contact", .string(outcome.contact)), ("status", .string(text(outcome.result).status)),
                             ("error", .text(text(outcome.result).error))])
                }))]))
            } else if outcomes.isEmpty {
                Console.out("\(person) has no contacts: nobody can page them.")
            } else {
                var table = Table("CONTACT", "OUTCOME")
                for outcome in outcomes {
                    let shown = text(outcome.result)
                    table.add(outcome.contact, shown.error.map { "failed: \($0)" } ?? shown.status)
                }
                Console.out(table.rendered())
            }
            if outcomes.contains(where: { $0.result != .delivered }) || outcomes.isEmpty {
                throw RotaError.silent(ExitStatus.pagesRetrying.code)
            }
        }
    }
}
