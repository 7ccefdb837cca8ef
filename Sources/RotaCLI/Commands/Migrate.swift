import ArgumentParser
import Foundation
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy the whole state from a SQLite file into a new PostgreSQL database.",
            discussion: """
            Alerts, pages, overrides, leave, revisions, feeds, maintenance, heartbeats and the audit
            log are copied with their ids, in one transaction, and each table's row count is checked.
            The target must be empty. Stop cron's 'rota tick' (and 'rota serve') first, then point
            every host at the new database with --db or ROTA_DB.
            Examples:
              rota migrate --from sqlite:/var/lib/rota/rota.db --to postgres://rota@db.example.net/rota
              PGPASSWORD=… rota migrate --from sqlite:rota.db --to postgres://rota@127.0.0.1/rota --json
            """
        )

        @Option(help: ArgumentHelp("The SQLite database to copy.", valueName: "sqlite:path")) var from: String
        @Option(help: ArgumentHelp("The empty PostgreSQL database to copy into.", valueName: "postgres://USER@HOST[:PORT]/DBNAME")) var to: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who is doing it, for the audit log (default: $USER).", valueName: "person"))
        var actor: String?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let outcome = try await StateMigration.copy(from: from, to: to, environment: ProcessInfo.processInfo.environment, actor: actor)
            if json {
                var bytes: [UInt8] = []
                JSONValue.object([("target", .string(outcome.target)),
                                  ("copied", .object(outcome.counts.map { ($0.table, .int($0.rows)) }))]).write(to: &bytes)
                Console.out(bytes: bytes)
            } else {
                var table = Table("TABLE", "ROWS")
                for item in outcome.counts { table.add(item.table, String(item.rows)) }
                Console.out("copied into \(outcome.target):\n" + table.rendered())
            }
        }
    }
}
