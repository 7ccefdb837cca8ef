import ArgumentParser
import Foundation
import RotaCore
import RotaFormats

extension RotaCommand {
    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "My next shift: when it starts (in my own zone), who hands over to me and to whom I hand over.",
            discussion: """
            The shift under way when I am on call now, else the next one to start, across every schedule,
            looking a year ahead. Examples:
              rota next --me
              rota next --person camille --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Whose next shift (default: --me).", valueName: "id")) var person: String?
        @Flag(help: "The person whose login is $USER.") var me = false

        func validate() throws {
            if person != nil && me { throw ValidationError("give --person or --me, not both") }
        }

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let who = try person.map { try workspace.person($0) } ?? workspace.me()
            let found = try await workspace.schedules.nextShift(of: who)
            if global.json {
                global.print(Documents.next(person: who.id, found))
                return
            }
            guard let found else {
                Console.out("\(who.name) has no shift in the coming year.")
                return
            }
            let zone = workspace.shownZone(person: who.id)
            let verb = found.shift.start <= workspace.now ? "is on call" : "is next on call"
            Console.out(["\(who.name) \(verb) for \(found.shift.schedule):",
                         "  from  \(HumanTime.format(found.shift.start, in: zone, year: true))",
                         "  to    \(HumanTime.format(found.shift.end, in: zone, year: true))",
                         "  taking over from \(found.fromPerson ?? "nobody (a gap)"), handing over to \(found.toPerson ?? "nobody (a gap)")"]
                .joined(separator: "\n"))
        }
    }
}
