import ArgumentParser
import Foundation
import RotaCore
import RotaFormats

extension RotaCommand.AlertGroup {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One alert: its state, every page and its log.",
            discussion: "Examples:\n  rota alert show 7\n  rota alert show 7 --json"
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The alert's id.") var id: Int

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let (alert, pages, log) = try await workspace.alerts.detail(id)
            if global.json {
                global.print(Documents.alert(alert, pages: pages, log: log))
                return
            }
            let zone = workspace.inputZone
            var lines = ["Alert #\(alert.id) on \(alert.service): \(alert.summary)",
                         "Status: \(alert.status.rawValue), severity \(alert.severity), raised \(HumanTime.format(alert.createdAt, in: zone, year: true)), count \(alert.count)"]
            if let at = alert.acknowledgedAt { lines.append("Acknowledged \(HumanTime.format(at, in: zone)) by \(alert.acknowledgedBy ?? "?")") }
            if let at = alert.resolvedAt { lines.append("Resolved \(HumanTime.format(at, in: zone)) by \(alert.resolvedBy ?? "?")") }
            if let waiting = List.waiting(alert, now: workspace.now, zone: zone) { lines.append("Level 1 waits: \(waiting)") }
            let standing = AlertStanding(alert, pages: pages, rota: workspace.rota, now: workspace.now, zone: zone)
            lines.append("Round \(alert.progress.round), level reached \(standing.levelReached.map(String.init) ?? "none yet"); paged: "
                         + (standing.paged.isEmpty ? "nobody yet" : standing.paged.joined(separator: ", ")))
            lines.append("Next: \(standing.next)")
            if let details = alert.details { lines += ["", details] }
            Console.out(lines.joined(separator: "\n"))
            if !pages.isEmpty {
                var table = Table("ROUND", "LEVEL", "PERSON", "CONTACT", "DUE", "STATUS")
                for page in pages {
                    table.add("\(page.round)", "\(page.level)", page.person, page.contactKind, HumanTime.format(page.dueAt, in: zone),
                              page.status.rawValue + (page.late ? " (late)" : ""))
                }
                Console.out("\n" + table.rendered())
            }
            Console.out("\nLog:")
            for event in log { Console.out("  \(HumanTime.format(event.at, in: zone))  \(event.event)  \(HumanTime.rewritingInstants(in: event.detail, zone: zone))") }
        }
    }
}
