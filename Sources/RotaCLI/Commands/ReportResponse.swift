import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand.Report {
    struct Response: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "response",
            abstract: "How fast people answered: time to acknowledge and resolve, escalation reach, executives, interruptions.",
            discussion: """
            Counts the incidents opened in the window (default: the 30 days before now), beside the
            period of equal length before it. Time to acknowledge runs from level 1's first due
            time to the first acknowledgement by a person (a person's resolve without one counts);
            p50 and p90 are nearest-rank. Incidents never acknowledged are counted apart.
            Interruptions split pages in each person's own zone: business (Mon–Fri 08–18), off
            hours (Mon–Fri 18–22, weekends and holidays 08–22), sleep (22–08). Examples:
              rota report response
              rota report response --from 2026-11-01 --to 2026-12-01 --service social-media --json
              rota report response --csv > response.csv
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("Start (default: 30 days before the end).", valueName: "time")) var from: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("End (default: now).", valueName: "time")) var to: String?
        @Option(help: ArgumentHelp("Only this service's incidents.", valueName: "id")) var service: String?
        @Flag(help: "One row per figure group and period, as CSV.") var csv = false

        func validate() throws {
            if csv && global.json { throw ValidationError("give --json or --csv, not both") }
        }

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let end = try to.map { try workspace.time($0, flag: "--to") } ?? workspace.now
            let start = try from.map { try workspace.time($0, flag: "--from") } ?? end.addingTimeInterval(-30 * 86400)
            let window = try Window(from: start, to: end, zone: workspace.inputZone)
            let report = try await workspace.reports.responseReport(window: window, service: service)
            if global.json {
                global.print(report.json())
            } else if csv {
                Console.out(report.csv())
            } else {
                Console.out(Self.text(report, zone: workspace.shownZone()))
            }
        }

        /// The figures for a person reading a terminal, the previous period in brackets.
        static func text(_ report: ResponseReport, zone: Zone) -> String {
            let now = report.current, before = report.previous
            func spoken(_ seconds: Int?) -> String { seconds.map(IncidentReport.spoken) ?? "—" }
            func summary(_ s: ResponseFigures.Summary?) -> String {
                s.map { "p50 \(spoken($0.p50)), p90 \(spoken($0.p90)), mean \(spoken($0.mean))" } ?? "none"
            }
            var out = "Response from \(HumanTime.format(report.from, in: zone, year: true)) to \(HumanTime.format(report.to, in: zone, year: true))"
            out += report.service.map { " on \(TerminalText.escaped($0))" } ?? ""
            out += " (times in \(zone.identifier)); the previous \(Int((report.to.timeIntervalSince(report.from) / 86400).rounded())) days in brackets.\n\n"
            out += "Incidents:            \(now.incidents) (\(before.incidents)); acknowledged \(now.acknowledged) (\(before.acknowledged)), never acknowledged \(now.unacknowledged) (\(before.unacknowledged))\n"
            out += "Time to acknowledge:  \(summary(now.tta)) (\(summary(before.tta)))\n"
            out += "Time to resolve:      \(summary(now.ttr)) (\(summary(before.ttr)))\n"
            out += "Escalation reach:     " + (now.reach.isEmpty ? "nobody was paged" : now.reach.enumerated().map { "level \($0.offset + 1): \($0.element)" }.joined(separator: ", ")) + "\n"
            let reasons = ResponseIncident.ExecutiveReason.allCases.map { "\(now.executiveByReason[$0] ?? 0) \($0 == .surge ? "surge" : "nobody answered below")" }
            out += "Executives paged:     \(now.executiveIncidents) incidents (\(before.executiveIncidents)), \(now.executivePages) pages: \(reasons.joined(separator: ", "))\n"
            let drills = report.drills
            if !drills.runs.isEmpty {
                out += "Drills (apart):       \(drills.runs.count), answered \(drills.answered); first answer \(summary(drills.firstAnswer))\n"
            }
            if !now.byService.isEmpty {
                var table = Table("SERVICE", "INCIDENTS", "UNACKED", "TTA P50", "TTA P90", "TTR P50")
                for group in now.byService {
                    table.add(group.key, "\(group.incidents)", "\(group.incidents - group.acknowledged)", spoken(group.tta?.p50), spoken(group.tta?.p90), spoken(group.ttr?.p50))
                }
                out += "\n" + table.rendered() + "\n"
            }
            if !now.byPerson.isEmpty {
                var table = Table("PERSON", "PAGES", "BUSINESS", "OFF HOURS", "SLEEP", "PER 100H ON CALL", "ACKS", "TTA P50")
                for row in now.byPerson {
                    table.add(row.person, "\(row.pages)", "\(row.business)", "\(row.offHours)", "\(row.sleep)",
                              row.pagesPer100Hours.map { "\($0)" } ?? "—", "\(row.acks)", spoken(row.tta?.p50))
                }
                out += "\n" + table.rendered() + "\n"
            }
            if !drills.rows.isEmpty {
                var table = Table("DRILL LEVEL", "PERSON", "PAGED", "ANSWERED", "ANSWER P50", "ANSWER P90")
                for row in drills.rows {
                    table.add("\(row.level)", row.person, "\(row.paged)", "\(row.answered)", spoken(row.answerTime?.p50), spoken(row.answerTime?.p90))
                }
                out += "\nDrills, per level and person (answer times from when their level was due):\n" + table.rendered() + "\n"
            }
            if !drills.failed.isEmpty {
                out += "\nContacts that failed in drills (fix them before a real incident):\n"
                for item in drills.failed {
                    out += "- drill #\(item.incident), level \(item.contact.level), \(item.contact.person)'s \(item.contact.contact)"
                        + (item.contact.forGood ? " failed for good" : " failed") + ": \(TerminalText.escaped(item.contact.error))\n"
                }
            }
            return out
        }
    }
}
