import ArgumentParser
import Foundation
import RotaKit
import RotaStore

/// The `rota` command: its subcommands live in Commands/, one file each.
public struct RotaCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rota",
        abstract: "On-call rotas and escalations, from YAML files, with state in one SQLite file.",
        discussion: """
        Rota files live in ./rotas (or --rotas DIR, or $ROTA_DIR); state in one
        SQLite file (--db PATH, or $ROTA_DB, else ~/.local/state/rota/rota.db).
        Examples:
          rota validate
          rota now
          rota shifts --me --days 14
          rota check --days 28
          rota alert raise --service website-down --summary "503s"
          * * * * * rota --rotas /etc/rota tick      (a crontab line)

        \(ExitStatus.summary)
        """,
        version: "rota 0.1.0",
        subcommands: [Validate.self, Now.self, Shifts.self, Next.self, Check.self, OverrideGroup.self, LeaveGroup.self, Swap.self,
                      AlertGroup.self, IncidentGroup.self, Ack.self, Resolve.self, Tick.self, Simulate.self, Status.self, Report.self, Log.self,
                      Serve.self, Feed.self, Board.self, Maintenance.self, TestPage.self, HeartbeatGroup.self, Migrate.self, Diff.self, Drill.self]
    )

    public init() {}
}

/// Global options may come before the command (`rota --rotas /etc/rota tick`, as a crontab
/// line reads best) as well as after it; the parser wants them after, so move them there.
func movingGlobalOptions(_ arguments: [String]) -> [String] {
    let withValue: Set<String> = ["--rotas", "--db", "--now", "--tz"]
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
        if argument == "--json" {
            leading.append(argument)
            index += 1
        } else if withValue.contains(name) {
            leading.append(argument)
            if !argument.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        } else {
            break
        }
    }
    guard !leading.isEmpty, index < arguments.count else { return arguments }
    let rest = Array(arguments[index...])
    // Keep anything after a "--" separator last.
    if let separator = rest.firstIndex(of: "--") {
        return Array(rest[..<separator]) + leading + Array(rest[separator...])
    }
    return rest + leading
}

/// Runs the command line and turns every failure into its message and exit status.
public enum RotaMain {
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        // A pager command that exits without reading its stdin, or `rota … | head -1`, must not
        // kill rota with SIGPIPE: writes then fail with EPIPE, which Console handles.
        signal(SIGPIPE, SIG_IGN)
        // Swift would repair invalid UTF-8 with U+FFFD, silently changing a summary or a name.
        for index in 1..<Int(CommandLine.argc) {
            if let raw = CommandLine.unsafeArgv[index], String(validatingCString: raw) == nil {
                leave(RotaError.usage("argument \(index) is not valid UTF-8 text"))
            }
        }
        // `rota --version` answers before the parser builds its tree of some sixty commands
        // (issue 26: the parser's reflection is most of a short command's start-up).
        if arguments == ["--version"] {
            Console.out(RotaCommand.configuration.version)
            leave(nil)
        }
        do {
            var command = try RotaCommand.parseAsRoot(movingGlobalOptions(arguments))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            leave(nil)
        } catch let error as StoreError {
            leave(RotaError.store(error))
        } catch let failure as RotaError {
            leave(failure)
        } catch {
            RotaCommand.exit(withError: error)
        }
    }

    /// Exits with the failure's status, or 74 when stdout could not be written (a full disk).
    private static func leave(_ failure: RotaError?) -> Never {
        if let failure, !failure.description.isEmpty { Console.error("rota: \(failure.description)") }
        if let problem = Console.outputFailure {
            Console.error("rota: \(problem)")
            exit(ExitStatus.ioError.code)
        }
        exit(failure?.exitCode ?? ExitStatus.success.code)
    }
}
