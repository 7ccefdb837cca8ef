import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct HeartbeatGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "heartbeat",
            abstract: "Heartbeats: jobs that must check in, or someone is paged.",
            subcommands: [Ping.self, List.self]
        )

        struct Ping: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "ping",
                abstract: "Check in for a job; resolves its 'missed' alert if one is open.",
                discussion: "Example (at the end of a nightly job):\n  rota heartbeat ping nightly-backup"
            )

            @OptionGroup var global: GlobalOptions
            @Argument(help: "The heartbeat's id.") var id: String

            func run() async throws {
                let workspace = try await global.workspace()
                let at = try await workspace.heartbeats.ping(heartbeat: id)
                if global.json {
                    global.print(Documents.pinged(heartbeat: id, at: at))
                } else {
                    Console.out("Heartbeat \(id) pinged at \(HumanTime.format(at, in: workspace.inputZone)).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "Every heartbeat: its last ping and whether it is inactive, ok or missed.",
                discussion: "Example:\n  rota heartbeat list --json"
            )

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let workspace = try await global.workspace(recording: false)
                let rows = try await workspace.heartbeats.list()
                func state(_ state: Heartbeat.State) -> (String, Date?) {
                    switch state {
                    case .inactive: ("inactive", nil)
                    case .ok(let until): ("ok", until)
                    case .missed(let since): ("missed", since)
                    }
                }
                if global.json {
                    global.print(.object([("heartbeats", .array(rows.map { row in
                        let (name, at) = state(row.state)
                        return .object([("heartbeat", .string(row.heartbeat.id)), ("service", .string(row.heartbeat.service)),
                                        ("last_ping", .instant(row.lastPing)), ("state", .string(name)),
                                        (name == "missed" ? "missed_since" : "due_by", .instant(at))])
                    }))]))
                    return
                }
                guard !rows.isEmpty else { Console.out("No heartbeats in the rota files."); return }
                var table = Table("HEARTBEAT", "SERVICE", "LAST PING", "STATE")
                for row in rows {
                    let (name, at) = state(row.state)
                    let when = at.map { " (\(name == "missed" ? "since" : "next by") \(HumanTime.format($0, in: workspace.inputZone)))" } ?? ""
                    table.add(row.heartbeat.id, row.heartbeat.service, row.lastPing.map { HumanTime.format($0, in: workspace.inputZone) } ?? "never",
                              name + when)
                }
                Console.out(table.rendered())
            }
        }
    }
}
