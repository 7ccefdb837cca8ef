import ArgumentParser
import Foundation
import RotaConfig
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
            switch RotaLoader.load(directory: directory) {
            case .success(let loaded):
                // Programs that cannot run here: a typo in a pager path must not wait for an incident to show.
                let warnings = Workspace.missingPrograms(in: loaded.rota, environment: global.workspaceOptions.environment)
                for warning in warnings where !global.json { Console.error("warning: \(warning)") }
                if global.json {
                    global.print(Documents.validation(errors: [], warnings: warnings))
                } else {
                    let rota = loaded.rota
                    Console.out("\(directory): valid — \(loaded.sources.count) file(s), \(rota.people.count) people, "
                        + "\(rota.schedules.count) schedule(s), \(rota.escalations.count) escalation(s), \(rota.services.count) service(s)")
                }
            case .failure(let failure):
                if global.json {
                    global.print(Documents.validation(errors: failure.diagnostics.map {
                        ($0.location.file, $0.location.line, $0.location.column, $0.message)
                    }))
                } else {
                    for item in failure.diagnostics { Console.error(item.description) }
                    Console.error("\(directory): \(failure.diagnostics.count) problem(s)")
                }
                throw RotaError.silent(ExitStatus.invalidData.code)
            }
        }
    }
}
