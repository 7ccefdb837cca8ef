import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Find hours with nobody on call, and things a team lead should look at.",
            discussion: """
            Looks from --from (default: now) over --days (default 28). Exits 1 when a schedule has a gap;
            the gaps of a schedule with expect_gaps: true (business hours only) are listed as information.
            A gap that comes back at the same wall times (every night 00:00–07:00) is one line with its
            count; --json lists every gap, and the series under "recurring". Warns about handoffs and restriction edges on local times that do not exist or happen twice
            (DST), escalations that page a schedule with gaps, and overrides during leave.
            Examples:
              rota check
              rota check --from 2026-12-20 --days 21 --json
              rota check --schedule community-managers
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: ArgumentHelp("Start of the horizon (default: now).", valueName: "time"))
        var from: String?

        @Option(help: ArgumentHelp("Length of the horizon in days (default 28).", valueName: "n"))
        var days: Int = 28

        @Option(help: ArgumentHelp("Look at this schedule only.", valueName: "id"))
        var schedule: String?

        func validate() throws {
            if !(1...Window.maxDays).contains(days) { throw ValidationError("--days must be from 1 to \(Window.maxDays)") }
        }

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let window = try workspace.window(from: from, to: nil, days: days, defaultDays: days)
            var report = try await workspace.schedules.check(window: window)
            if let schedule { report = report.only(schedule: try workspace.schedule(schedule).id) }
            if global.json {
                global.print(Documents.check(report, zone: { workspace.shownZone(schedule: $0) }))
            } else {
                let span = "from \(HumanTime.format(window.from, in: workspace.inputZone)) to \(HumanTime.format(window.to, in: workspace.inputZone))"
                // A gap that comes back at the same wall times is one line with its count (every night 00:00–07:00).
                func table(_ gaps: [Gap]) -> String {
                    var table = Table("SCHEDULE", "FROM", "TO", "HOURS")
                    for line in GapLine.lines(gaps, zone: { workspace.shownZone(schedule: $0) }) {
                        switch line {
                        case .once(let gap):
                            let zone = workspace.shownZone(schedule: gap.schedule)
                            table.add(gap.schedule, HumanTime.format(gap.start, in: zone), HumanTime.format(gap.end, in: zone),
                                      String(format: "%.1f", gap.end.timeIntervalSince(gap.start) / 3600))
                        case .recurring(let series):
                            let zone = workspace.shownZone(schedule: series.schedule)
                            let first = series.gaps[0], last = series.gaps[series.count - 1]
                            table.add(series.schedule, "\(series.from) \(series.daysText), \(series.count) times",
                                      "\(series.to) (\(HumanTime.format(first.start, in: zone)) to \(HumanTime.format(last.end, in: zone)))",
                                      String(format: "%.1f in all", Double(series.seconds) / 3600))
                        }
                    }
                    return table.rendered()
                }
                if !report.gaps.isEmpty {
                    Console.out("\(report.gaps.count) gap(s) with nobody on call, \(span):\n" + table(report.gaps))
                } else if report.expectedGaps.isEmpty {
                    Console.out("No gaps: every schedule has someone on call \(span).")
                } else {
                    Console.out("No unexpected gaps \(span).")
                }
                if !report.expectedGaps.isEmpty {
                    Console.out("\(report.expectedGaps.count) expected gap(s) in schedules that cover business hours only (expect_gaps: true):\n"
                                + table(report.expectedGaps))
                }
                for warning in report.warnings {
                    Console.out("warning: \(warning.schedule.map { "[\($0)] " } ?? "")\(warning.message)")
                }
            }
            if !report.gaps.isEmpty { throw RotaError.silent(ExitStatus.attention.code) }
        }
    }
}
