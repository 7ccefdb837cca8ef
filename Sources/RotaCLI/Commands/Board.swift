import ArgumentParser
import Foundation
import RotaCore
import RotaKit

extension RotaCommand {
    struct Board: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "board",
            abstract: "Links to the board that rota serve shows (who is on call, the next weeks, open alerts).",
            subcommands: [URL.self]
        )

        struct URL: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "url",
                abstract: "Print a sign-in link to the board, or with --person that person's own page.",
                discussion: """
                The sign-in link works for 7 days; opening it signs that browser in for 30 days. A person's \
                page (their next shifts, the alerts that paged them with Acknowledge and Resolve buttons) \
                uses the same token as their calendar feed: 'rota feed revoke --person P' revokes both.
                Needs settings.server.public_url and the server secret.
                Examples:
                  rota board url
                  rota board url --person camille
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("Print this person's own page instead.", valueName: "id")) var person: String?

            func run() async throws {
                let workspace = try await global.workspace(recording: false)
                if let person {
                    let url = try await workspace.feeds.personPageURL(person: person)
                    if global.json {
                        global.print(.object([("person", .string(person)), ("url", .string(url))]))
                    } else {
                        Console.out(url)
                    }
                    return
                }
                let link = try workspace.board.boardSignInURL()
                if global.json {
                    global.print(.object([("url", .string(link.url)), ("expires", .instant(link.expires))]))
                } else {
                    Console.out(link.url)
                    Console.error("Valid until \(HumanTime.format(link.expires, in: workspace.inputZone)); opening it signs that browser in for 30 days.")
                }
            }
        }
    }
}
