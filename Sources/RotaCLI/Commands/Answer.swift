import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// What `ack` and `resolve` share: the alert, who answers, and the answer printed.
struct AnswerOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The alert's id.") var id: Int
    @Option(name: .customLong("as"), help: ArgumentHelp("Who answers (default: the person whose login is $USER).", valueName: "person")) var actor: String?

    func answer(verb: String, _ change: (Workspace) async throws -> StoredAlert) async throws {
        let workspace = try await global.workspace()
        let before = try await workspace.incidents.incident(of: id)
        let alert = try await change(workspace)
        if global.json {
            global.print(Documents.answered(id: id, incident: alert))
            return
        }
        if alert.isDrill, alert.status != .resolved {
            Console.out("Drill #\(alert.id): your answer is recorded (\(verb)); a drill goes on through every level and ends by itself.")
            return
        }
        // A second answer says who answered first, and when.
        guard before.status == alert.status, alert.status != .triggered else {
            if alert.alertCount > 1 || alert.id != id {
                Console.out("Alert #\(id): \(alert.status.rawValue) incident #\(alert.id) (\(alert.alertCount) alert\(alert.alertCount == 1 ? "" : "s")).")
            } else {
                Console.out("Alert #\(alert.id) is \(alert.status.rawValue).")
            }
            return
        }
        let (who, when) = alert.status == .resolved ? (alert.resolvedBy, alert.resolvedAt) : (alert.acknowledgedBy, alert.acknowledgedAt)
        let by = who.map { " by \($0)" } ?? ""
        let at = when.map { " at \(HumanTime.format($0, in: workspace.inputZone))" } ?? ""
        let nothing = alert.status.rawValue == verb ? "" : "; nothing to do"
        let subject = alert.alertCount > 1 || alert.id != id ? "Incident #\(alert.id) (of alert #\(id))" : "Alert #\(alert.id)"
        Console.out("\(subject) was already \(alert.status.rawValue)\(by)\(at)\(nothing).")
    }
}
