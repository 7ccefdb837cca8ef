import ArgumentParser
import Foundation
import RotaFormats
import RotaKit
import RotaStore

/// What `ack` and `resolve` share: the alert, who answers, and the answer printed.
struct AnswerOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The alert's id.") var id: Int
    @Option(name: .customLong("as"), help: ArgumentHelp("Who answers (default: the person whose login is $USER).", valueName: "person")) var actor: String?

    func answer(verb: String, _ change: (Workspace) async throws -> StoredAlert) async throws {
        let alert = try await change(try await global.workspace())
        if global.json {
            global.print(Documents.answered(alert))
        } else {
            Console.out("Alert #\(alert.id) is \(alert.status.rawValue)\(alert.status.rawValue == verb ? "" : " (unchanged)").")
        }
    }
}
