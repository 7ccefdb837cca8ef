import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaStore

extension RotaCommand.AlertGroup {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Open alerts (triggered or acknowledged); --all adds resolved ones.",
            discussion: "Examples:\n  rota alert list\n  rota alert list --all --json"
        )

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include resolved alerts.") var all = false

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let alerts = try await workspace.alerts.list(includeResolved: all)
            if global.json {
                global.print(Documents.alerts(alerts))
                return
            }
            guard !alerts.isEmpty else { Console.out(all ? "No alerts." : "No open alerts."); return }
            let zone = workspace.inputZone
            var table = Table("ID", "STATUS", "SEV", "COUNT", "SERVICE", "RAISED", "SUMMARY", "NEXT")
            for alert in alerts {
                let summary = alert.summary.count > 40 ? String(alert.summary.prefix(39)) + "…" : alert.summary
                let status = alert.status.rawValue + (Self.waiting(alert, now: workspace.now, zone: zone).map { " (\($0))" } ?? "")
                table.add("\(alert.id)", status, alert.severity, "\(alert.count)", alert.service, HumanTime.format(alert.createdAt, in: zone),
                          summary, AlertStanding.next(alert, rota: workspace.rota, now: workspace.now, zone: zone).words)
            }
            Console.out(table.rendered())
        }

        /// What a triggered alert's level 1 still waits for (a maintenance window, daytime), if anything.
        static func waiting(_ alert: StoredAlert, now: Date, zone: Zone) -> String? {
            guard alert.status == .triggered, alert.progress.round == 1, alert.progress.nextLevel == 1,
                  let due = alert.progress.nextDueAt, due > now, let held = alert.held else { return nil }
            return HumanTime.rewritingInstants(in: held, zone: zone)
        }
    }
}
