import ArgumentParser
import Foundation
import RotaCore
import RotaStore

extension RotaCommand {
    struct AlertGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alert",
            abstract: "Alerts: raise one, list them, show one with its pages and log.",
            subcommands: [Raise.self, List.self, Show.self]
        )

        struct Raise: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Raise an alert on a service; level 1 of its escalation is paged at once.",
                discussion: """
                An open alert of the same service with the same --dedup-key absorbs the new one: no new
                alert, no new page, its count goes up. Examples:
                  rota alert raise --service twitter-mentions --summary "Hashtag storm about the recall" --severity critical
                  rota alert raise --service website-down --summary "HTTP 503 from the load balancer" --dedup-key lb-503 --json
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("The service the alert comes from.", valueName: "id")) var service: String
            @Option(help: ArgumentHelp("One line saying what is wrong.", valueName: "text")) var summary: String
            @Option(help: ArgumentHelp("More text, quoted in every page.", valueName: "text")) var details: String?
            @Option(help: "critical, high or low (default high).") var severity: Severity = .high
            @Option(name: .customLong("dedup-key"), help: ArgumentHelp("Open alerts with the same key are one alert.", valueName: "key")) var dedupKey: String?
            @Option(name: .customLong("as"), help: ArgumentHelp("Who raises it, for the log.", valueName: "person")) var actor: String?

            func validate() throws {
                if summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--summary must say something") }
                if summary.utf8.count > 1024 { throw ValidationError("--summary is limited to 1024 bytes; put the rest in --details") }
                if let details, details.utf8.count > 65536 { throw ValidationError("--details is limited to 64 KiB") }
            }

            func run() async throws {
                let context = try CommandContext(global)
                guard let service = context.rota.service(service) else {
                    throw RotaFailure.notFound("no service '\(service)'; known: \(context.rota.services.map(\.id).joined(separator: ", "))")
                }
                let actor = try context.actor(as: actor)
                let raised = try context.database.raise(
                    NewAlert(service: service.id, escalation: service.escalation, summary: summary, details: details,
                             severity: severity.rawValue, dedupKey: dedupKey, definition: Runner.definition(for: service, in: context.rota)),
                    actor: actor, now: context.now)
                var failures: [String] = []
                if !raised.deduplicated {
                    // Page level 1 now, as a tick would, for this alert only.
                    let runner = try Runner(context: context)
                    try runner.plan(only: raised.alert.id)
                    let stop = StopRequest()
                    let report = try await runner.deliver(only: raised.alert.id, stop: stop)
                    stop.uninstall()
                    failures = report.failed.map { item in
                        "page to \(item.page.person) (\(item.page.contactKind)) failed"
                            + (item.forGood ? " for good (not retried): \(item.error ?? "")" : ": \(item.error ?? ""); 'rota tick' will retry it")
                    }
                }
                for failure in failures { Console.error("rota: \(failure)") }
                let status = try context.database.alert(id: raised.alert.id).status
                if global.json {
                    context.print(json: .object([("id", .int(raised.alert.id)), ("status", .string(status.rawValue)),
                                                 ("deduplicated", .bool(raised.deduplicated))]))
                } else if raised.deduplicated {
                    Console.out("Alert #\(raised.alert.id) is already open for this (count \(raised.alert.count)); nobody was paged again.")
                } else {
                    Console.out("Alert #\(raised.alert.id) raised on \(service.id). Acknowledge with: rota ack \(raised.alert.id)")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open alerts (triggered or acknowledged); --all adds resolved ones.",
                discussion: "Examples:\n  rota alert list\n  rota alert list --all --json"
            )

            @OptionGroup var global: GlobalOptions
            @Flag(help: "Include resolved alerts.") var all = false

            func run() async throws {
                let context = try CommandContext(global)
                let alerts = try context.database.alerts(includeResolved: all)
                if global.json {
                    context.print(json: .object([("alerts", .array(alerts.map(AlertJSON.summary)))]))
                    return
                }
                guard !alerts.isEmpty else { Console.out(all ? "No alerts." : "No open alerts."); return }
                var table = Table("ID", "STATUS", "SERVICE", "RAISED", "SUMMARY")
                for alert in alerts {
                    let summary = alert.summary.count > 40 ? String(alert.summary.prefix(39)) + "…" : alert.summary
                    table.add("\(alert.id)", alert.status.rawValue, alert.service, HumanTime.format(alert.createdAt, in: context.inputZone), summary)
                }
                Console.out(table.rendered())
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "One alert: its state, every page and its log.",
                discussion: "Examples:\n  rota alert show 7\n  rota alert show 7 --json"
            )

            @OptionGroup var global: GlobalOptions
            @Argument(help: "The alert's id.") var id: Int

            func run() async throws {
                let context = try CommandContext(global)
                let alert = try context.database.alert(id: id)
                let pages = try context.database.pages(alert: id)
                let log = try context.database.events(alert: id)
                if global.json {
                    guard case .object(var fields) = AlertJSON.summary(alert) else { return }
                    fields.append(("pages", .array(pages.map { page in
                        .object([("page_id", .string(page.pageID)), ("round", .int(page.round)), ("level", .int(page.level)), ("person", .string(page.person)),
                                 ("contact", .string(page.contactKind)), ("due_at", .instant(page.dueAt)), ("sent_at", .instant(page.sentAt)),
                                 ("status", .string(page.status == .sending ? "pending" : page.status.rawValue)), ("attempts", .int(page.attempts)),
                                 ("late", .bool(page.late)), ("error", .text(page.lastError))])
                    })))
                    fields.append(("log", .array(log.map { .object([("at", .instant($0.at)), ("event", .string($0.event)), ("detail", .string($0.detail))]) })))
                    context.print(json: .object(fields))
                    return
                }
                let zone = context.inputZone
                var lines = ["Alert #\(alert.id) on \(alert.service): \(alert.summary)",
                             "Status: \(alert.status.rawValue), severity \(alert.severity), raised \(HumanTime.format(alert.createdAt, in: zone, year: true)), count \(alert.count)"]
                if let at = alert.acknowledgedAt { lines.append("Acknowledged \(HumanTime.format(at, in: zone)) by \(alert.acknowledgedBy ?? "?")") }
                if let at = alert.resolvedAt { lines.append("Resolved \(HumanTime.format(at, in: zone)) by \(alert.resolvedBy ?? "?")") }
                if let details = alert.details { lines += ["", details] }
                Console.out(lines.joined(separator: "\n"))
                if !pages.isEmpty {
                    var table = Table("ROUND", "LEVEL", "PERSON", "CONTACT", "DUE", "STATUS")
                    for page in pages {
                        table.add("\(page.round)", "\(page.level)", page.person, page.contactKind, HumanTime.format(page.dueAt, in: zone),
                                  page.status.rawValue + (page.late ? " (late)" : ""))
                    }
                    Console.out("\n" + table.rendered())
                }
                Console.out("\nLog:")
                for event in log { Console.out("  \(HumanTime.format(event.at, in: zone))  \(event.event)  \(event.detail)") }
            }
        }
    }

    /// What `ack` and `resolve` share: the alert and who answers.
    struct AnswerOptions: ParsableArguments {
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The alert's id.") var id: Int
        @Option(name: .customLong("as"), help: ArgumentHelp("Who answers (default: the person whose login is $USER).", valueName: "person")) var actor: String?

        /// Loads the context, runs the answer as the actor, and prints the alert's new status.
        func answer(verb: String, _ change: (CommandContext, String) throws -> StoredAlert) throws {
            let context = try CommandContext(global)
            let alert = try change(context, try context.actor(as: actor))
            AlertJSON.answer(alert, context: context, verb: verb)
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an alert: its escalation stops (until its service's ack_timeout, if any).",
            discussion: "Examples:\n  rota ack 7\n  rota ack 7 --as camille --json"
        )

        @OptionGroup var options: AnswerOptions

        func run() async throws {
            try options.answer(verb: "acknowledged") { context, actor in
                let service = try context.database.alert(id: options.id).service
                return try context.database.acknowledge(id: options.id, actor: actor, now: context.now,
                                                        ackTimeout: context.rota.service(service)?.ackTimeout)
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve an alert: terminal, nothing more is paged.",
            discussion: "Examples:\n  rota resolve 7\n  rota resolve 7 --as hugo --json"
        )

        @OptionGroup var options: AnswerOptions

        func run() async throws {
            try options.answer(verb: "resolved") { context, actor in
                try context.database.resolve(id: options.id, actor: actor, now: context.now)
            }
        }
    }
}

extension Severity: ExpressibleByArgument {}

/// The JSON shapes of alerts (DESIGN.md §4).
enum AlertJSON {
    static func summary(_ alert: StoredAlert) -> JSONValue {
        .object([("id", .int(alert.id)), ("service", .string(alert.service)), ("status", .string(alert.status.rawValue)),
                 ("summary", .string(alert.summary)), ("details", .text(alert.details)), ("severity", .string(alert.severity)),
                 ("dedup_key", .text(alert.dedupKey)), ("count", .int(alert.count)),
                 ("created_at", .instant(alert.createdAt)), ("acknowledged_at", .instant(alert.acknowledgedAt)),
                 ("acknowledged_by", .text(alert.acknowledgedBy)), ("resolved_at", .instant(alert.resolvedAt)),
                 ("resolved_by", .text(alert.resolvedBy)), ("round", .int(alert.progress.round))])
    }

    static func answer(_ alert: StoredAlert, context: CommandContext, verb: String) {
        if context.options.json {
            context.print(json: .object([("id", .int(alert.id)), ("status", .string(alert.status.rawValue))]))
        } else if alert.status.rawValue == verb {
            Console.out("Alert #\(alert.id) is \(alert.status.rawValue).")
        } else {
            Console.out("Alert #\(alert.id) is \(alert.status.rawValue) (unchanged).")
        }
    }
}
