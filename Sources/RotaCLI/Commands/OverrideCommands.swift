import ArgumentParser
import Foundation
import RotaCore
import RotaStore

/// Options shared by the commands that change on-call time.
struct ChangeOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Who is doing it, for the audit log (default: the person whose login is $USER, else $USER).", valueName: "person"))
    var actor: String?

    @Option(help: ArgumentHelp("Why, for the audit log.", valueName: "text"))
    var reason: String?
}

extension RotaCommand {
    struct OverrideGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "override",
            abstract: "Manual cover: someone takes a schedule for a while, beating every layer.",
            subcommands: [Add.self, List.self, Remove.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Put someone on call for a schedule from one time to another.",
                discussion: """
                Examples:
                  rota override add --schedule community-managers --person lea --from 2026-12-24T18:00 --to 2026-12-26T09:00 --reason "Christmas cover"
                  rota override add --schedule infra-primary --person chloe --from 2026-12-01T10:00+01:00 --to 2026-12-02T10:00+01:00 --json
                """
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Option(help: ArgumentHelp("The schedule.", valueName: "id")) var schedule: String
            @Option(help: ArgumentHelp("Who covers.", valueName: "id")) var person: String
            @Option(help: ArgumentHelp("Start.", valueName: "time")) var from: String
            @Option(help: ArgumentHelp("End.", valueName: "time")) var to: String

            func run() async throws {
                let context = try CommandContext(global)
                let window = try Window(context: context, from: from, to: to, days: nil, defaultDays: 0)
                let schedule = try context.schedule(schedule)
                let person = try context.person(person)
                let actor = try context.actor(as: change.actor)
                var detail = "override: \(person.id) covers \(schedule.id) from \(TimeText.utc(window.from)) to \(TimeText.utc(window.to))"
                if let reason = change.reason { detail += " (\(reason))" }
                let ids = try context.notifyingChanges("override by \(actor)", key: { "override-\($0[0])" }) {
                    try context.database.addOverrides(
                        [NewOverride(schedule: schedule.id, person: person.id, start: window.from, end: window.to, reason: change.reason)],
                        event: "override.add", detail: detail, actor: actor, now: context.now)
                }
                if global.json {
                    context.print(json: .object([("id", .int(ids[0]))]))
                } else {
                    Console.out("Override #\(ids[0]): \(person.id) covers \(schedule.id) from \(HumanTime.format(window.from, in: schedule.zone)) to \(HumanTime.format(window.to, in: schedule.zone)).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Overrides that are current or to come (--all: past ones too).",
                discussion: """
                Examples:
                  rota override list
                  rota override list --schedule infra-primary --json
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("Only this schedule.", valueName: "id")) var schedule: String?
            @Flag(help: "Include overrides that have ended.") var all = false

            func run() async throws {
                let context = try CommandContext(global)
                var rows = try context.database.overrides(endingAfter: all ? nil : context.now)
                if let schedule {
                    rows = rows.filter { $0.schedule == schedule }
                    // A typo must not read as "no overrides".
                    if rows.isEmpty { _ = try context.schedule(schedule) }
                }
                if global.json {
                    let items = rows.map { row -> JSONValue in
                        .object([("id", .int(row.id)), ("schedule", .string(row.schedule)), ("person", .string(row.person)),
                                 ("start", .instant(row.start)), ("end", .instant(row.end)), ("reason", .text(row.reason)),
                                 ("created_by", .string(row.createdBy)), ("created_at", .instant(row.createdAt))])
                    }
                    context.print(json: .object([("overrides", .array(items))]))
                    return
                }
                guard !rows.isEmpty else { Console.out("No overrides."); return }
                var table = Table("ID", "SCHEDULE", "PERSON", "FROM", "TO", "REASON")
                for row in rows {
                    let zone = context.rota.schedule(row.schedule)?.zone ?? context.inputZone
                    table.add("\(row.id)", row.schedule, row.person, HumanTime.format(row.start, in: zone),
                              HumanTime.format(row.end, in: zone), row.reason ?? "")
                }
                Console.out(table.rendered())
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove an override by its id (see 'rota override list').",
                discussion: "Example:\n  rota override remove 12"
            )

            @OptionGroup var removal: RemovalOptions

            func run() async throws {
                try removal.remove("override") { context, actor in
                    let row = try context.database.removeOverride(id: removal.id, actor: actor, now: context.now)
                    return (row.id, "\(row.person) on \(row.schedule)")
                }
            }
        }
    }

    struct LeaveGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leave",
            abstract: "Absences: a person on leave is skipped in every rotation meanwhile.",
            subcommands: [Add.self, List.self, Remove.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record that someone is away; the next member in each rotation covers.",
                discussion: """
                Examples:
                  rota leave add --person camille --from 2026-12-21 --to 2027-01-04 --reason holiday
                  rota leave add --person hugo --from 2026-12-01T13:00 --to 2026-12-01T18:00 --json
                """
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var change: ChangeOptions
            @Option(help: ArgumentHelp("Who is away.", valueName: "id")) var person: String
            @Option(help: ArgumentHelp("Start.", valueName: "time")) var from: String
            @Option(help: ArgumentHelp("End.", valueName: "time")) var to: String

            func run() async throws {
                let context = try CommandContext(global)
                let window = try Window(context: context, from: from, to: to, days: nil, defaultDays: 0)
                let person = try context.person(person)
                let actor = try context.actor(as: change.actor)
                let id = try context.notifyingChanges("leave of \(person.id)", key: { "leave-\($0)" }) {
                    try context.database.addLeave(person: person.id, start: window.from, end: window.to,
                                                  reason: change.reason, actor: actor, now: context.now)
                }
                if global.json {
                    context.print(json: .object([("id", .int(id))]))
                } else {
                    let zone = person.timezone ?? context.inputZone
                    Console.out("Leave #\(id): \(person.id) away from \(HumanTime.format(window.from, in: zone)) to \(HumanTime.format(window.to, in: zone)).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Leave that is current or to come (--all: past leave too).",
                discussion: "Examples:\n  rota leave list\n  rota leave list --person camille --json"
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("Only this person.", valueName: "id")) var person: String?
            @Flag(help: "Include leave that has ended.") var all = false

            func run() async throws {
                let context = try CommandContext(global)
                var rows = try context.database.leave(endingAfter: all ? nil : context.now)
                if let person {
                    rows = rows.filter { $0.person == person }
                    if rows.isEmpty { _ = try context.person(person) }
                }
                if global.json {
                    let items = rows.map { row -> JSONValue in
                        .object([("id", .int(row.id)), ("person", .string(row.person)), ("start", .instant(row.start)),
                                 ("end", .instant(row.end)), ("reason", .text(row.reason)),
                                 ("created_by", .string(row.createdBy)), ("created_at", .instant(row.createdAt))])
                    }
                    context.print(json: .object([("leave", .array(items))]))
                    return
                }
                guard !rows.isEmpty else { Console.out("No leave."); return }
                var table = Table("ID", "PERSON", "FROM", "TO", "REASON")
                for row in rows {
                    let zone = context.rota.person(row.person)?.timezone ?? context.inputZone
                    table.add("\(row.id)", row.person, HumanTime.format(row.start, in: zone), HumanTime.format(row.end, in: zone), row.reason ?? "")
                }
                Console.out(table.rendered())
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove leave by its id (see 'rota leave list').",
                discussion: "Example:\n  rota leave remove 3"
            )

            @OptionGroup var removal: RemovalOptions

            func run() async throws {
                try removal.remove("leave") { context, actor in
                    let row = try context.database.removeLeave(id: removal.id, actor: actor, now: context.now)
                    return (row.id, row.person)
                }
            }
        }
    }
}

/// What `override remove` and `leave remove` share: the id, who does it, and the answer.
struct RemovalOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @Argument(help: "The id (see the list command).") var id: Int

    /// Runs the removal (telling people whose next 7 days it changes), then answers.
    func remove(_ kind: String, _ removal: (CommandContext, String) throws -> (id: Int, what: String)) throws {
        let context = try CommandContext(global)
        let actor = try context.actor(as: change.actor)
        let removed = try context.notifyingChanges("\(kind) #\(id) removed by \(actor)", key: { "\(kind)-removed-\($0.id)" }) {
            try removal(context, actor)
        }
        if global.json {
            context.print(json: .object([("id", .int(removed.id)), ("removed", true)]))
        } else {
            Console.out("Removed \(kind) #\(removed.id) (\(removed.what)).")
        }
    }
}
