import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Swap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trade on-call time: in the window, A's time goes to B and B's to A.",
            discussion: """
            Stored as overrides (one per stretch traded), so 'rota override list' shows them and
            'rota override remove' undoes them. Examples:
              rota swap --schedule community-managers --between camille hugo --from 2026-12-07 --to 2026-12-14
              rota swap --schedule infra-primary --between antoine chloe --from 2026-12-24T18:00 --to 2026-12-26T09:00 --json
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
            let swapped = try await workspace.swap(schedule: schedule, between: between[0], and: between[1], window: window,
                                                   reason: change.reason, as: change.actor)
            if global.json {
                global.print(Documents.ids(swapped.ids))
            } else {
                var table = Table("OVERRIDE", "PERSON", "FROM", "TO")
                for (id, trade) in zip(swapped.ids, swapped.trades) {
                    table.add("#\(id)", trade.person, HumanTime.format(trade.start, in: workspace.shownZone(schedule: swapped.schedule.id)),
                              HumanTime.format(trade.end, in: workspace.shownZone(schedule: swapped.schedule.id)))
                }
                Console.out("\(between[0]) and \(between[1]) traded \(swapped.trades.count) stretch(es) of \(schedule):\n" + table.rendered())
            }
        }
    }
}
