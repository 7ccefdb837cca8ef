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
            let (service, timeline) = try await workspace.alerts.simulate(service: serviceID, at: start, severity: severity)
            let crisis = try await workspace.crisis.crisisOrganisation(service: service.id, at: start)
            if global.json {
                global.print(Documents.simulation(service: service.id, timeline, crisis: crisis.map { ($0.roles, $0.stakeholders, $0.updatesEvery) }))
                return
            }
            var table = Table("AT", "ROUND", "LEVEL", "PAGES")
            for step in timeline {
                let who = step.people.isEmpty ? "nobody (skipped: \(step.emptySchedules.joined(separator: ", ")) empty)" : step.people.joined(separator: ", ")
                table.add(HumanTime.format(step.dueAt, in: workspace.inputZone), "\(step.round)", "\(step.level)", who)
            }
            Console.out("If nobody answers an alert on \(service.id) raised \(HumanTime.format(start, in: workspace.inputZone)):\n" + table.rendered())
            if let crisis {
                var lines = ["", "Its incident's crisis organisation: commander \(crisis.roles.commander ?? "nobody"), comms \(crisis.roles.comms ?? "nobody")."]
                if !crisis.stakeholders.isEmpty { lines.append("Told of every status update, never paged: \(crisis.stakeholders.joined(separator: ", ")).") }
                if let every = crisis.updatesEvery {
                    lines.append("No update for \(DurationText.format(seconds: every)) after the first acknowledgement: the commander is reminded; for \(DurationText.format(seconds: 2 * every)): the level above the one reached is told.")
                }
                Console.out(lines.joined(separator: "\n"))
            }
        }
    }
}
