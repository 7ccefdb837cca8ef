import ArgumentParser
import Foundation
import RotaCore
import RotaFormats

extension RotaCommand.Report {
    struct Fairness: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fairness",
            abstract: "Balance within each schedule: each member's hours, weekend and holiday hours, night pages, and the spread.",
            discussion: """
            With more than one layer, each layer's own rotation (leave applied, before the layers above
            and overrides) is shown too. The window defaults to the next 90 days from now. Examples:
              rota report fairness
              rota report fairness --from 2026-01-01 --to 2026-07-01 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("Start (default: now).", valueName: "time")) var from: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("End (default: 90 days after the start).", valueName: "time")) var to: String?

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let window = try workspace.window(from: from, to: to, days: nil, defaultDays: 90)
            let schedules = try await workspace.schedules.hours(window: window, layers: true).bySchedule
            if global.json {
                global.print(Documents.fairness(from: window.from, to: window.to, schedules))
                return
            }
            for schedule in schedules {
                let total = max(1, schedule.people.reduce(0) { $0 + $1.hours.total })
                var table = Table("PERSON", "HOURS", "SHARE", "WEEKEND", "HOLIDAY", "NIGHT PAGES")
                for row in schedule.people {
                    table.add(row.person, HoursTally.text(row.hours.total), "\(row.hours.total * 100 / total)%",
                              HoursTally.text(row.hours.weekend), HoursTally.text(row.hours.holiday), "\(row.nightPages)")
                }
                let spread = schedule.spread
                Console.out("\(schedule.id) (spread: \(HoursTally.text(spread.hours)) h, weekend \(HoursTally.text(spread.weekend)) h, "
                    + "holiday \(HoursTally.text(spread.holiday)) h, night pages \(spread.nightPages))\n" + table.rendered() + "\n")
                // Each layer's own rotation, when the schedule has more than one: a layer above can hide an unfair one.
                guard schedule.layers.count > 1 else { continue }
                for layer in schedule.layers {
                    var table = Table("  PERSON", "HOURS", "WEEKEND", "HOLIDAY")
                    for row in layer.people {
                        table.add("  " + row.person, HoursTally.text(row.hours.total), HoursTally.text(row.hours.weekend), HoursTally.text(row.hours.holiday))
                    }
                    let spread = layer.spread
                    Console.out("  layer \(layer.id), its own rotation (spread: \(HoursTally.text(spread.hours)) h, weekend \(HoursTally.text(spread.weekend)) h, "
                        + "holiday \(HoursTally.text(spread.holiday)) h)\n" + table.rendered() + "\n")
                }
            }
        }
    }
}
