import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

extension RotaCommand {
    struct Swap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "swap",
            abstract: "Trade on-call time between two people, list the trades, undo one.",
            subcommands: [Add.self, List.self, Remove.self],
            defaultSubcommand: Add.self
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Trade on-call time: in the window, A's time goes to B and B's to A (the default: 'rota swap --schedule …').",
                discussion: """
                One swap, one id: it is stored as overrides (one per stretch traded) that carry the swap's id, \
                so 'rota swap list' shows it whole and 'rota swap remove ID' undoes all of it. Examples:
                  rota swap --schedule community-managers --between camille hugo --from 2026-12-07 --to 2026-12-14
                  rota swap --schedule infra-primary --between antoine chloe --from 'fri 18:00' --for 2d --json
                """
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Option(help: ArgumentHelp("The schedule.", valueName: "id")) var schedule: String
            @Option(parsing: .upToNextOption, help: ArgumentHelp("The two people trading.", valueName: "a b")) var between: [String]
            @OptionGroup var span: SpanOptions

            func validate() throws {
                guard between.count == 2 else { throw ValidationError("--between takes exactly two people: --between A B") }
                guard between[0] != between[1] else { throw ValidationError("--between needs two different people") }
            }

            func run() async throws {
                let workspace = try await global.workspace()
                let window = try workspace.window(from: span.from, to: span.to, for: span.length, days: nil, defaultDays: 0)
                let swapped = try await workspace.covers.swap(schedule: schedule, between: between[0], and: between[1], window: window,
                                                       reason: change.reason, as: change.actor)
                if global.json {
                    global.print(.object([("swap", .int(swapped.swap)), ("ids", .array(swapped.ids.map { .int($0) }))]))
                    return
                }
                let zone = workspace.shownZone(schedule: swapped.schedule.id)
                var table = Table("OVERRIDE", "PERSON", "FROM", "TO")
                for (id, trade) in zip(swapped.ids, swapped.trades) {
                    table.add("#\(id)", trade.person, HumanTime.format(trade.start, in: zone), HumanTime.format(trade.end, in: zone))
                }
                Console.out("Swap #\(swapped.swap): \(between[0]) and \(between[1]) traded \(swapped.trades.count) stretch(es) of \(schedule)"
                            + " (undo it with 'rota swap remove \(swapped.swap)'):\n" + table.rendered())
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "Swaps still running or to come (--all: every one), each with its overrides.",
                discussion: "Examples:\n  rota swap list\n  rota swap list --all --json"
            )

            @OptionGroup var global: GlobalOptions
            @Flag(help: "Include swaps that are over.") var all = false

            func run() async throws {
                let workspace = try await global.workspace(recording: false)
                let swaps = try await workspace.covers.swaps(all: all)
                if global.json {
                    global.print(.object([("swaps", .array(swaps.map { swap in
                        .object([("id", .int(swap.id)), ("schedule", .text(swap.schedule)), ("people", .array(swap.people.map { .string($0) })),
                                 ("from", .instant(swap.start)), ("to", .instant(swap.end)),
                                 ("overrides", .array(swap.overrides.map { .int($0.id) })), ("reason", .text(swap.reason))])
                    }))]))
                    return
                }
                guard !swaps.isEmpty else { Console.out(all ? "No swaps." : "No current or future swaps."); return }
                var table = Table("SWAP", "SCHEDULE", "BETWEEN", "FROM", "TO", "OVERRIDES", "REASON")
                for swap in swaps {
                    let schedule = swap.schedule ?? "?"
                    let zone = workspace.shownZone(schedule: schedule)
                    table.add("#\(swap.id)", schedule, swap.people.joined(separator: " ↔ "),
                              swap.start.map { HumanTime.format($0, in: zone) } ?? "", swap.end.map { HumanTime.format($0, in: zone) } ?? "",
                              swap.overrides.map { "#\($0.id)" }.joined(separator: " "), swap.reason ?? "")
                }
                Console.out(table.rendered())
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove",
                abstract: "Undo a swap: every one of its overrides at once.",
                discussion: "Example:\n  rota swap remove 12"
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Argument(help: "The swap's id (as 'rota swap' and 'rota swap list' print it).") var id: Int

            func run() async throws {
                let workspace = try await global.workspace()
                let removed = try await workspace.covers.removeSwap(id, as: change.actor)
                if global.json {
                    global.print(.object([("swap", .int(id)), ("removed", .array(removed.map { .int($0.id) }))]))
                } else {
                    Console.out("Removed swap #\(id): overrides \(removed.map { "#\($0.id)" }.joined(separator: ", ")).")
                }
            }
        }
    }
}
