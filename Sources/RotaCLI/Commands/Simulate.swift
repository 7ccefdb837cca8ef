import ArgumentParser
import Foundation
import RotaFormats
import RotaKit
import RotaCore

extension RotaCommand {
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "The escalation timeline of a service if nobody answers: who is paged when.",
            discussion: """
            Levels whose schedules have nobody on call show no people (they are skipped at once).
            Examples:
              rota simulate --service twitter-mentions
              rota simulate --service website-down --at "2026-12-27T03:00" --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The service.", valueName: "id")) var service: String?
        @Option(help: ArgumentHelp("The surge whose alert to simulate (its service's chain).", valueName: "id")) var surge: String?
        @Option(help: "critical, high or low: a low alert on a low_severity: daytime service starts at daytime.") var severity: Severity = .high

        func validate() throws {
            if (service == nil) == (surge == nil) { throw ValidationError("give --service or --surge") }
        }
        @Option(parsing: .unconditional, help: ArgumentHelp("When the alert is raised (default: now).", valueName: "time")) var at: String?

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let start = try at.map { try workspace.time($0, flag: "--at") } ?? workspace.now
            let serviceID: String
            if let surge {
                guard let found = workspace.rota.surges.first(where: { $0.id == surge }) else {
                    throw RotaError.notFound("no surge '\(surge)'; known: \(workspace.rota.surges.map(\.id).joined(separator: ", "))")
                }
                serviceID = found.service
            } else {
                serviceID = service ?? ""
            }
            let (service, timeline) = try await workspace.simulate(service: serviceID, at: start, severity: severity)
            if global.json {
                global.print(Documents.simulation(service: service.id, timeline))
                return
            }
            var table = Table("AT", "ROUND", "LEVEL", "PAGES")
            for step in timeline {
                let who = step.people.isEmpty ? "nobody (skipped: \(step.emptySchedules.joined(separator: ", ")) empty)" : step.people.joined(separator: ", ")
                table.add(HumanTime.format(step.dueAt, in: workspace.inputZone), "\(step.round)", "\(step.level)", who)
            }
            Console.out("If nobody answers an alert on \(service.id) raised \(HumanTime.format(start, in: workspace.inputZone)):\n" + table.rendered())
        }
    }
}
