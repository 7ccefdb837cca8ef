import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// What `override list` and `leave list` share: current rows (or all), one name to filter by, the answer.
struct CoverListing {
    let kind: StoredCover.Kind
    let global: GlobalOptions

    func run(all: Bool, filter: String?) async throws {
        let workspace = try await global.workspace()
        var rows = try await workspace.covers(kind, all: all)
        if let filter {
            rows = rows.filter { (kind == .override ? $0.schedule : $0.person) == filter }
            // A typo must not read as "none".
            if rows.isEmpty { _ = try kind == .override ? workspace.schedule(filter).id : workspace.person(filter).id }
        }
        if global.json {
            global.print(Documents.covers(kind, rows))
            return
        }
        guard !rows.isEmpty else { Console.out(kind == .override ? "No overrides." : "No leave."); return }
        var table = kind == .override ? Table("ID", "SCHEDULE", "PERSON", "FROM", "TO", "REASON") : Table("ID", "PERSON", "FROM", "TO", "REASON")
        for row in rows {
            let zone = row.schedule.flatMap { workspace.rota.schedule($0)?.zone } ?? workspace.rota.person(row.person)?.timezone ?? workspace.inputZone
            let cells = ["\(row.id)"] + (row.schedule.map { [$0] } ?? []) + [row.person, HumanTime.format(row.start, in: zone),
                                                                               HumanTime.format(row.end, in: zone), row.reason ?? ""]
            table.add(cells)
        }
        Console.out(table.rendered())
    }
}

/// What `override remove` and `leave remove` share: the id, who does it, and the answer.
struct RemovalOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @Argument(help: "The id (see the list command).") var id: Int

    func remove(_ kind: StoredCover.Kind) async throws {
        let workspace = try await global.workspace()
        let removed = try await workspace.removeCover(kind, id: id, as: change.actor)
        if global.json {
            global.print(Documents.removed(removed.id))
        } else {
            let what = removed.schedule.map { "\(removed.person) on \($0)" } ?? removed.person
            Console.out("Removed \(kind.rawValue) #\(removed.id) (\(what)).")
        }
    }
}
