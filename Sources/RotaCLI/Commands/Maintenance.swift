import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Maintenance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "maintenance",
            abstract: "Maintenance windows: alerts on a service meanwhile are kept, and page at the window's end.",
            subcommands: [Add.self, List.self, Remove.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Open a window on a service: alerts raised in it wait for its end (resolved before, they page nobody).",
                discussion: "Example:\n  rota maintenance add --service website-down --from 2026-12-01T22:00 --to 2026-12-02T01:00 --reason upgrade"
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Option(help: ArgumentHelp("The service.", valueName: "id")) var service: String
            @OptionGroup var span: SpanOptions

            func run() async throws {
                let workspace = try await global.workspace()
                let window = try workspace.window(from: span.from, to: span.to, for: span.length, days: nil, defaultDays: 0)
                let id = try await workspace.maintenance.add(service: service, window: window, reason: change.reason, as: change.actor)
                if global.json {
                    global.print(Documents.id(id))
                } else {
                    Console.out("Maintenance #\(id): alerts on \(service) from \(HumanTime.format(window.from, in: workspace.inputZone)) "
                        + "to \(HumanTime.format(window.to, in: workspace.inputZone)) page at its end.")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "Windows that are current or to come (--all: past ones too).",
                discussion: "Example:\n  rota maintenance list --json"
            )

            @OptionGroup var global: GlobalOptions
            @Flag(help: "Include windows that have ended.") var all = false

            func run() async throws {
                let workspace = try await global.workspace(recording: false)
                let windows = try await workspace.maintenance.list(all: all)
                if global.json {
                    global.print(Documents.maintenance(windows))
                    return
                }
                guard !windows.isEmpty else { Console.out("No maintenance windows."); return }
                var table = Table("ID", "SERVICE", "FROM", "TO", "REASON")
                for window in windows {
                    table.add("\(window.id)", window.service, HumanTime.format(window.start, in: workspace.inputZone),
                              HumanTime.format(window.end, in: workspace.inputZone), window.reason ?? "")
                }
                Console.out(table.rendered())
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove",
                abstract: "Close a window: the alerts it held page at once.",
                discussion: "Example:\n  rota maintenance remove 3"
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Argument(help: "The window's id (see 'rota maintenance list').") var id: Int

            func run() async throws {
                let workspace = try await global.workspace()
                let removed = try await workspace.maintenance.remove(id: id, as: change.actor)
                if global.json {
                    global.print(.object([("id", .int(id)), ("removed", .bool(true)), ("released", .int(removed.released))]))
                } else {
                    Console.out("Removed maintenance #\(id) of \(removed.window.service); \(removed.released) alert(s) it held page at the next tick.")
                }
            }
        }
    }
}
