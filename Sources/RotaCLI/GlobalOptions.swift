import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

/// The options every command takes (DESIGN.md §4).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("rotas"), help: ArgumentHelp("The rotas directory (default: $ROTA_DIR, else ./rotas).", valueName: "dir"))
    var rotasDirectory: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("The state: a SQLite file, or postgres://USER@HOST[:PORT]/DBNAME shared by several hosts (default: $ROTA_DB, else ~/.local/state/rota/rota.db).", valueName: "path|url"))
    var database: String?

    @Option(name: .customLong("now"), parsing: .unconditional, help: ArgumentHelp("The clock, for dry runs, replays and tests (default: $ROTA_NOW, else the system clock).", valueName: "time"))
    var now: String?

    @Option(name: .customLong("tz"), help: ArgumentHelp("Zone for times typed without an offset (default: settings.timezone).", valueName: "zone"))
    var zone: String?

    @Flag(name: .customLong("json"), help: "Machine output on stdout (instants in UTC).")
    var json = false

    var workspaceOptions: WorkspaceOptions {
        WorkspaceOptions(rotasDirectory: rotasDirectory, databasePath: database, now: now, zone: zone)
    }

    /// The workspace these options name, loaded (and its revision recorded, unless `recording` is false).
    func workspace(recording: Bool = true) async throws -> Workspace {
        try await WorkspaceLoader.open(workspaceOptions, recording: recording)
    }

    /// Prints a JSON document on stdout, on one line.
    func print(_ document: JSONValue) {
        var bytes: [UInt8] = []
        document.write(to: &bytes)
        Console.out(bytes: bytes)
    }
}

/// The window of a change: --from and --to.
struct SpanOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Start: a time, or now, +2h, today 18:00, tomorrow 09:00, sat 09:00.", valueName: "time")) var from: String
    @Option(parsing: .unconditional, help: ArgumentHelp("End (or give --for).", valueName: "time")) var to: String?
    @Option(name: .customLong("for"), help: ArgumentHelp("How long instead of --to: 30m, 2h, 1d (days on the wall clock), 1w.", valueName: "duration"))
    var length: String?

    func validate() throws {
        guard (to == nil) != (length == nil) else { throw ValidationError("give --to or --for (one of them)") }
    }
}

/// Options shared by the commands that change on-call time.
struct ChangeOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Who is doing it, for the audit log (default: the person whose login is $USER, else $USER).", valueName: "person"))
    var actor: String?

    @Option(help: ArgumentHelp("Why, for the audit log.", valueName: "text"))
    var reason: String?
}

