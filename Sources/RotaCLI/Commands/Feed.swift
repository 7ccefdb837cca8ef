import ArgumentParser
import Foundation
import RotaKit

extension RotaCommand {
    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "feed",
            abstract: "Calendar feed links that rota serve answers: print one, or revoke them all.",
            subcommands: [URL.self, Revoke.self]
        )

        struct URL: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "url",
                abstract: "Print a person's calendar feed URL (subscribe to it in any calendar app).",
                discussion: "Needs settings.server.public_url and the server secret. Example:\n  rota feed url --person camille"
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("Whose feed.", valueName: "id")) var person: String

            func run() async throws {
                let workspace = try await global.workspace(recording: false)
                let url = try await workspace.feeds.feedURL(person: person)
                if global.json {
                    global.print(.object([("person", .string(person)), ("url", .string(url))]))
                } else {
                    Console.out(url)
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke",
                abstract: "Make every earlier feed URL of a person answer 404 (a leaked link).",
                discussion: "Example:\n  rota feed revoke --person camille"
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Option(help: ArgumentHelp("Whose feeds.", valueName: "id")) var person: String

            func run() async throws {
                let workspace = try await global.workspace()
                try await workspace.feeds.revokeFeeds(person: person, as: change.actor)
                if global.json {
                    global.print(.object([("person", .string(person)), ("revoked", .bool(true))]))
                } else {
                    Console.out("Every earlier calendar feed URL of \(person) now answers 404; 'rota feed url --person \(person)' prints a new one.")
                }
            }
        }
    }
}
