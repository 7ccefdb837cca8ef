import ArgumentParser
import Foundation
import RotaCore
import RotaStore

extension RotaCommand {
    struct Swap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trade on-call time: in the window, A's time goes to B and B's to A.",
            discussion: """
            Stored as overrides (one per stretch traded), so 'rota override list' shows them and
            'rota override remove' undoes them. Examples:
              rota swap --schedule community-managers --between camille hugo --from 2026-12-07 --to 2026-12-14
              rota swap --schedule infra-primary --between antoine chloe --from 2026-12-24T18:00 --to 2026-12-26T09:00 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var change: ChangeOptions
        @Option(help: ArgumentHelp("The schedule.", valueName: "id")) var schedule: String
        @Option(parsing: .upToNextOption, help: ArgumentHelp("The two people trading.", valueName: "a b")) var between: [String]
        @Option(help: ArgumentHelp("Start of the window.", valueName: "time")) var from: String
        @Option(help: ArgumentHelp("End of the window.", valueName: "time")) var to: String

        func validate() throws {
            guard between.count == 2 else { throw ValidationError("--between takes exactly two people: --between A B") }
            guard between[0] != between[1] else { throw ValidationError("--between needs two different people") }
        }

        func run() async throws {
            let context = try CommandContext(global)
            let window = try Window(context: context, from: from, to: to, days: nil, defaultDays: 0)
            let schedule = try context.schedule(schedule)
            let first = try context.person(between[0]), second = try context.person(between[1])
            let actor = try context.actor(as: change.actor)
            let shifts = try context.timetable(from: window.from, to: window.to)
                .shifts(schedule: schedule.id, from: window.from, to: window.to)
            let trades = shifts.compactMap { shift -> NewOverride? in
                let taker = shift.person == first.id ? second.id : shift.person == second.id ? first.id : nil
                return taker.map { NewOverride(schedule: schedule.id, person: $0, start: shift.start, end: shift.end, reason: change.reason) }
            }
            guard !trades.isEmpty else {
                throw RotaFailure.invalidData("neither \(first.id) nor \(second.id) is on call in \(schedule.id) between \(TimeText.utc(window.from)) and \(TimeText.utc(window.to)); nothing to swap")
            }
            var detail = "swap: \(first.id) and \(second.id) trade \(schedule.id) from \(TimeText.utc(window.from)) to \(TimeText.utc(window.to))"
            if let reason = change.reason { detail += " (\(reason))" }
            let ids = try context.notifyingChanges("swap between \(first.id) and \(second.id)", key: { "swap-\($0.map(String.init).joined(separator: "-"))" }) {
                try context.database.addOverrides(trades, event: "swap", detail: detail, actor: actor, now: context.now)
            }
            if global.json {
                context.print(json: .object([("ids", .array(ids.map { .int($0) }))]))
            } else {
                var table = Table("OVERRIDE", "PERSON", "FROM", "TO")
                for (id, trade) in zip(ids, trades) {
                    table.add("#\(id)", trade.person, HumanTime.format(trade.start, in: schedule.zone), HumanTime.format(trade.end, in: schedule.zone))
                }
                Console.out("\(first.id) and \(second.id) traded \(trades.count) stretch(es) of \(schedule.id):\n" + table.rendered())
            }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The audit log: revisions, overrides, leave, swaps and alert events, oldest first.",
            discussion: """
            Nothing in rota edits or deletes it. Examples:
              rota log --since 2026-12-01
              rota log --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only events from this time on.", valueName: "time")) var since: String?

        func run() async throws {
            let context = try CommandContext(global)
            let events = try context.database.events(since: try since.map { try context.time($0, flag: "--since") })
            if global.json {
                let items = events.map { event -> JSONValue in
                    .object([("at", .instant(event.at)), ("actor", .string(event.actor)), ("event", .string(event.event)),
                             ("detail", .string(event.detail))])
                }
                context.print(json: .object([("events", .array(items))]))
                return
            }
            guard !events.isEmpty else { Console.out("The log is empty."); return }
            var table = Table("AT", "ACTOR", "EVENT", "DETAIL")
            for event in events {
                table.add(HumanTime.format(event.at, in: context.inputZone, year: true), event.actor, event.event, event.detail)
            }
            Console.out(table.rendered())
        }
    }
}
