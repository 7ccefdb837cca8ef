import ArgumentParser
import Foundation
import RotaCore

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
            if !(1...3660).contains(days) { throw ValidationError("--days must be from 1 to 3660") }
        }

        func run() async throws {
            let context = try CommandContext(global)
            let window = try Window(context: context, from: from, to: nil, days: days, defaultDays: days)
            var report = CoverageCheck.run(timetable: try context.timetable(from: window.from, to: window.to), from: window.from, to: window.to)
            for item in try context.alertsOnKeptDefinitions() {
                report.warnings.append(CoverageWarning(kind: .alertOnKeptDefinition, schedule: nil, at: nil, message: "alert #\(item.id) \(item.why)"))
            }
            if global.json {
                let gaps = report.gaps.map { gap -> JSONValue in
                    .object([("schedule", .string(gap.schedule)), ("start", .instant(gap.start)), ("end", .instant(gap.end))])
                }
                let warnings = report.warnings.map { warning -> JSONValue in
                    .object([("kind", .string(warning.kind.rawValue)), ("schedule", .text(warning.schedule)),
                             ("at", .instant(warning.at)), ("message", .string(warning.message))])
                }
                context.print(json: .object([("gaps", .array(gaps)), ("warnings", .array(warnings))]))
            } else {
                let span = "\(TimeText.utc(window.from)) – \(TimeText.utc(window.to))"
                if report.gaps.isEmpty {
                    Console.out("No gaps: every schedule has someone on call from \(span).")
                } else {
                    Console.out("\(report.gaps.count) gap(s) with nobody on call, \(span):")
                    var table = Table("SCHEDULE", "FROM", "TO", "HOURS")
                    for gap in report.gaps {
                        let zone = (try? context.schedule(gap.schedule).zone) ?? context.inputZone
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
            if !report.gaps.isEmpty { throw RotaFailure.silent(ExitStatus.gapsFound) }
        }
    }
}
