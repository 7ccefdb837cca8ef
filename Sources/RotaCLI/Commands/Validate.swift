import ArgumentParser
import Foundation
import RotaConfig

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
            let environment = ProcessInfo.processInfo.environment
            let directory = CommandContext.rotasDirectory(global, environment)
            switch RotaLoader.load(directory: directory) {
            case .success(let loaded):
                if global.json {
                    Console.out(JSONValue.object([("valid", true), ("errors", .array([]))]).serialized())
                } else {
                    let rota = loaded.rota
                    Console.out("\(directory): valid — \(loaded.sources.count) file(s), \(rota.people.count) people, "
                        + "\(rota.schedules.count) schedule(s), \(rota.escalations.count) escalation(s), \(rota.services.count) service(s)")
                }
            case .failure(let failure):
                if global.json {
                    let errors = failure.diagnostics.map { item -> JSONValue in
                        .object([("file", .string(item.location.file)), ("line", .int(item.location.line)),
                                 ("column", .int(item.location.column)), ("message", .string(item.message))])
                    }
                    Console.out(JSONValue.object([("valid", false), ("errors", .array(errors))]).serialized())
                } else {
                    for item in failure.diagnostics { Console.error(item.description) }
                    Console.error("\(directory): \(failure.diagnostics.count) problem(s)")
                }
                throw RotaFailure.silent(ExitStatus.invalidData)
            }
        }
    }
}
