import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find hours with nobody on call, and things a team lead should look at.",
            discussion: """
            Looks from --from (default: now) over --days (default 28). Exits 1 when a schedule has a gap.
            Warns about handoffs and restriction edges on local times that do not exist or happen twice
            (DST), escalations that page a schedule with gaps, and overrides during leave.
            Examples:
              rota check
              rota check --from 2026-12-20 --days 21 --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Start of the horizon (default: now).", valueName: "time"))
        var from: String?

        @Option(help: ArgumentHelp("Length of the horizon in days (default 28).", valueName: "n"))
        var days: Int = 28

        func validate() throws {
            if !(1...Window.maxDays).contains(days) { throw ValidationError("--days must be from 1 to \(Window.maxDays)") }
        }

        func run() async throws {
            let workspace = try await global.workspace()
            let window = try workspace.window(from: from, to: nil, days: days, defaultDays: days)
            let report = try await workspace.check(window: window)
            if global.json {
                global.print(Documents.check(report))
            } else {
                let span = "\(TimeText.utc(window.from)) – \(TimeText.utc(window.to))"
                if report.gaps.isEmpty {
                    Console.out("No gaps: every schedule has someone on call from \(span).")
                } else {
                    Console.out("\(report.gaps.count) gap(s) with nobody on call, \(span):")
                    var table = Table("SCHEDULE", "FROM", "TO", "HOURS")
                    for gap in report.gaps {
                        let zone = (try? workspace.schedule(gap.schedule).zone) ?? workspace.inputZone
                        let hours = gap.end.timeIntervalSince(gap.start) / 3600
                        table.add(gap.schedule, HumanTime.format(gap.start, in: zone), HumanTime.format(gap.end, in: zone),
                                  String(format: "%.1f", hours))
                    }
                    Console.out(table.rendered())
                }
                for warning in report.warnings {
                    Console.out("warning: \(warning.schedule.map { "[\($0)] " } ?? "")\(warning.message)")
                }
            }
            if !report.gaps.isEmpty { throw RotaError.silent(ExitStatus.attention.code) }
        }
    }
}
