import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

extension RotaCommand {
    struct IncidentGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "incident",
            abstract: "Incidents: what escalates and is answered (a storm is one incident). List, show, merge.",
            discussion: """
            Every alert belongs to one incident, named by the id of the alert that opened it; 'rota ack N'
            and 'rota resolve N' with any alert of an incident answer all of it. Crisis mode: an incident
            has a commander and a comms lead, status updates go to its stakeholders, and its report is
            the postmortem draft. Examples:
              rota incident list
              rota incident show 12 --json
              rota incident merge 12 15 16
              rota incident update 12 "Statement published; next update 15:30" --as camille
              rota incident role 12 --commander camille
              rota incident report 12 > postmortem.md
            """,
            subcommands: [List.self, Show.self, Merge.self, Update.self, Role.self, Report.self]
        )
    }
}

extension RotaCommand.IncidentGroup {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Open incidents, most severe first, then oldest; --all adds resolved and merged ones.",
            discussion: "Examples:\n  rota incident list\n  rota incident list --all --json"
        )

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include resolved and merged incidents.") var all = false

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let incidents = try await workspace.incidents.list(all: all)
            if global.json {
                global.print(Documents.incidents(incidents.map { ($0.incident, $0.round, $0.level) }))
                return
            }
            guard !incidents.isEmpty else { Console.out(all ? "No incidents." : "No open incidents."); return }
            let zone = workspace.inputZone
            var table = Table("ID", "STATUS", "SEV", "ALERTS", "SERVICE", "OPENED", "LATEST", "LEVEL", "SUMMARY")
            for view in incidents {
                let incident = view.incident
                let summary = incident.summary.count > 40 ? String(incident.summary.prefix(39)) + "…" : incident.summary
                let status = incident.mergedInto.map { "merged into #\($0)" } ?? incident.status.rawValue
                table.add("\(incident.id)", status, incident.peakSeverity, "\(incident.alertCount)", incident.service,
                          HumanTime.format(incident.createdAt, in: zone), HumanTime.format(incident.lastAlertAt, in: zone),
                          view.level == 0 ? "-" : "r\(view.round) l\(view.level)", summary)
            }
            Console.out(table.rendered())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One incident (named by any of its alerts): its alerts, pages and timeline.",
            discussion: "Examples:\n  rota incident show 12\n  rota incident show 57 --json"
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The id of the incident, or of any of its alerts.") var id: Int

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let detail = try await workspace.incidents.detail(id)
            let incident = detail.view.incident
            let timeline = IncidentTimeline.build(incident: incident.id, events: detail.events)
            if global.json {
                global.print(Documents.incident(incident, round: detail.view.round, level: detail.view.level, alerts: detail.alerts, pages: detail.pages, timeline: timeline,
                                                  crisis: detail.crisis))
                return
            }
            let zone = workspace.inputZone
            let status = incident.mergedInto.map { "merged into incident #\($0)" } ?? incident.status.rawValue
            Console.out("Incident #\(incident.id) on \(incident.service): \(incident.summary)")
            Console.out("Status \(status), severity \(incident.peakSeverity), \(incident.alertCount) alert(s); opened \(HumanTime.format(incident.createdAt, in: zone)), latest \(HumanTime.format(incident.lastAlertAt, in: zone)).")
            if !detail.crisis.roles.isEmpty || detail.crisis.updates > 0 {
                let roles = detail.crisis.roles
                let latest = detail.crisis.lastUpdateAt.map { ", the latest \(HumanTime.format($0, in: zone))" } ?? ""
                Console.out("Commander \(roles.commander ?? "nobody"), comms \(roles.comms ?? "nobody"); \(detail.crisis.updates) status update(s)\(latest).")
            }
            Console.out("")
            var alerts = Table("ALERT", "STATUS", "SEV", "RAISED", "SUMMARY")
            for alert in detail.alerts {
                let summary = alert.summary.count > 50 ? String(alert.summary.prefix(49)) + "…" : alert.summary
                alerts.add("\(alert.id)", alert.ownStatus.rawValue, alert.severity, HumanTime.format(alert.createdAt, in: zone), summary)
            }
            Console.out(alerts.rendered())
            Console.out("")
            var lines = Table("AT", "EVENT", "BY", "WHAT")
            for entry in timeline {
                lines.add(HumanTime.format(entry.at, in: zone), entry.event, entry.actor, entry.text)
            }
            Console.out(lines.rendered())
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Move the alerts of incidents M… into incident N: one incident to answer (logged).",
            discussion: """
            The merged incidents end 'merged'; their pages not yet sent are cancelled, and everyone
            already paged for them is told once. Example:
              rota incident merge 12 15 16 --as camille
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The incident that takes the others (any of its alerts' ids).") var into: Int
        @Argument(help: "The incidents merged into it.") var sources: [Int]
        @Option(name: .customLong("as"), help: ArgumentHelp("Who merges (default: the person whose login is $USER).", valueName: "person")) var actor: String?

        func validate() throws {
            if sources.isEmpty { throw ValidationError("name at least one incident to merge into \(into)") }
        }

        func run() async throws {
            let workspace = try await global.workspace()
            let result = try await workspace.incidents.merge(into: into, sources, as: actor)
            if global.json {
                global.print(.object([("incident", .int(result.incident.id)), ("alerts", .int(result.incident.alertCount)),
                                      ("merged", .array(result.merged.map { .int($0.id) })), ("status", .string(result.incident.incidentStatus))]))
                return
            }
            Console.out("Merged \(result.merged.map { "#\($0.id)" }.joined(separator: ", ")) into incident #\(result.incident.id) (\(result.incident.alertCount) alerts).")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Post a status update: kept in the timeline, sent to the stakeholders, the roles and everyone paged.",
            discussion: """
            The update goes out as a notice (ROTA_NOTICE=update), never as a page, and restarts the
            wait before the commander is reminded (updates_every). Examples:
              rota incident update 12 "Statement published on all channels; next update 15:30" --as camille
              rota incident update 12 "$(cat update.txt)"
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The incident (any of its alerts' ids).") var id: Int
        @Argument(help: "What is known, what is being done, when the next update comes.") var text: String
        @Option(name: .customLong("as"), help: ArgumentHelp("Who posts it (default: the person whose login is $USER).", valueName: "person")) var actor: String?

        func run() async throws {
            let workspace = try await global.workspace()
            let posted = try await workspace.crisis.postUpdate(incident: id, text: text, as: actor)
            if global.json {
                global.print(.object([("incident", .int(posted.incident.id)), ("updates", .int(posted.crisis.updates)),
                                      ("told", .array(posted.told.map { .string($0) }))]))
                return
            }
            let told = posted.told.isEmpty ? "nobody to tell" : "told \(posted.told.joined(separator: ", "))"
            Console.out("Update \(posted.crisis.updates) posted on incident #\(posted.incident.id); \(told).")
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "role",
            abstract: "Give an incident's commander or comms role to someone (logged; they are told).",
            discussion: "Examples:\n  rota incident role 12 --commander camille\n  rota incident role 12 --comms dana --as camille"
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The incident (any of its alerts' ids).") var id: Int
        @Option(help: ArgumentHelp("The new commander.", valueName: "person")) var commander: String?
        @Option(help: ArgumentHelp("The new comms lead.", valueName: "person")) var comms: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who reassigns (default: the person whose login is $USER).", valueName: "person")) var actor: String?

        func validate() throws {
            if (commander == nil) == (comms == nil) { throw ValidationError("name exactly one of --commander P or --comms P") }
        }

        func run() async throws {
            let workspace = try await global.workspace()
            let (role, person) = commander.map { (CrisisRole.commander, $0) } ?? (CrisisRole.comms, comms ?? "")
            let result = try await workspace.crisis.assignRole(role, to: person, incident: id, as: actor)
            if global.json {
                global.print(.object([("incident", .int(result.incident.id)), ("roles", Documents.roles(result.crisis.roles))]))
                return
            }
            Console.out("\(result.crisis.roles[role] ?? person) is now \(role.rawValue) of incident #\(result.incident.id).")
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The incident's postmortem draft: what, the timeline, who was paged when, time to acknowledge and resolve, updates.",
            discussion: """
            Markdown by default (paste it into a wiki; the headings for what happened, why, and what
            changes are left for the team); --json for the same figures as data. Examples:
              rota incident report 12 > postmortem-12.md
              rota incident report 12 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The incident (any of its alerts' ids).") var id: Int
        @Flag(help: "Markdown (the default).") var markdown = false

        func validate() throws {
            if markdown && global.json { throw ValidationError("choose one of --markdown and --json") }
        }

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let report = try await workspace.crisis.incidentReport(id)
            if global.json {
                global.print(report.json())
                return
            }
            Console.out(document: report.markdown(zone: workspace.inputZone))
        }
    }
}
