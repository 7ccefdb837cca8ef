import ArgumentParser
import Foundation
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check the rota files and report every problem with file:line:column.",
            discussion: """
            Exits 0 when the files are valid, 65 when they are not. Examples:
              rota validate
              rota validate --rotas /etc/rota --json
            """
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let directory = global.workspaceOptions.directory
            switch Validation.of(global.workspaceOptions) {
            case .valid(let files, let rota, let warnings):
                for warning in warnings where !global.json { Console.error("warning: \(warning)") }
                if global.json {
                    global.print(Documents.validation(errors: [], warnings: warnings))
                } else {
                    Console.out("\(directory): valid — \(files) file(s), \(rota.people.count) people, "
                        + "\(rota.schedules.count) schedule(s), \(rota.escalations.count) escalation(s), \(rota.services.count) service(s)")
                }
            case .invalid(let diagnostics):
                if global.json {
                    global.print(Documents.validation(errors: diagnostics.map {
                        ($0.location.file, $0.location.line, $0.location.column, $0.message)
                    }))
                } else {
                    for item in diagnostics { Console.error(item.description) }
                    Console.error("\(directory): \(diagnostics.count) problem(s)")
                }
                throw RotaError.silent(ExitStatus.invalidData.code)
            }
        }
    }
}
