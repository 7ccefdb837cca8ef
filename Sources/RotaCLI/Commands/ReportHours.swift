import ArgumentParser
import Foundation
import RotaCore
import RotaFormats

extension RotaCommand.Report {
    struct Hours: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hours",
            abstract: "On-call hours per person: weekday daytime, weekday night, weekend, public holiday; pages.",
            discussion: """
            Hours are split in each schedule's zone: holidays (the holidays list) first, then
            weekends, then weekday daytime (settings.daytime, default 08:00–20:00) and night. The
            four parts add up to the total exactly. Pages count levels that reached the person;
            night pages are those due outside daytime in the person's zone. Examples:
              rota report hours --from 2026-12-01 --to 2027-01-01
              rota report hours --from 2026-12-01 --to 2027-01-01 --format csv
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("Start.", valueName: "time")) var from: String
        @Option(parsing: .unconditional, help: ArgumentHelp("End.", valueName: "time")) var to: String
        @Option(help: "table, json or csv (--json means json).") var format: Format?

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let window = try workspace.window(from: from, to: to, days: nil, defaultDays: 0)
            let rows = try await workspace.schedules.hours(window: window).people
            switch global.json ? .json : (format ?? .table) {
            case .json:
                global.print(Documents.hoursReport(from: window.from, to: window.to, rows))
            case .csv:
                Console.out(CSV.hours(rows))
            case .table:
                var table = Table("PERSON", "HOURS", "WEEKDAY DAY", "WEEKDAY NIGHT", "WEEKEND", "HOLIDAY", "PAGES", "NIGHT")
                for row in rows {
                    let f = HoursTally.figures(row.hours).map { HoursTally.text(units: $0) }
                    table.add(row.person, f[0], f[1], f[2], f[3], f[4], "\(row.pages)", "\(row.nightPages)")
                }
                Console.out(table.rendered())
            }
        }
    }
}
