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
        let workspace = try await global.workspace(recording: false)
        var rows = try await workspace.covers.list(kind, all: all)
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
            let zone = workspace.shownZone(schedule: row.schedule, person: row.person)
            let cells = ["\(row.id)"] + (row.schedule.map { [$0] } ?? []) + [row.person, HumanTime.format(row.start, in: zone),
                                                                               HumanTime.format(row.end, in: zone), row.reason ?? ""]
            table.add(cells)
        }
        Console.out(table.rendered())
    }
}

/// What `override remove` and `leave remove` share: the ids, who does it, and the answer.
struct RemovalOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: ChangeOptions
    @Argument(help: "The id, or several (see the list command).") var ids: [Int]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give the id of what to remove (see the list command)") }
    }

    /// Removes each id in turn (each its own change in the log); an unknown one does not stop
    /// the others, and makes the command end with 69 naming it.
    func remove(_ kind: StoredCover.Kind) async throws {
        let workspace = try await global.workspace()
        var removed: [StoredCover] = [], missing: [Int] = []
        for id in ids.reduce(into: [Int](), { if !$0.contains($1) { $0.append($1) } }) {
            do {
                removed.append(try await workspace.covers.removeCover(kind, id: id, as: change.actor))
            } catch let error as RotaError where error.exitCode == ExitStatus.notFound.code {
                if ids.count == 1 { throw error }
                missing.append(id)
            }
        }
        if global.json {
            global.print(ids.count == 1 ? Documents.removed(removed[0].id)
                         : .object([("removed", .array(removed.map { .int($0.id) })), ("not_found", .array(missing.map { .int($0) }))]))
        } else {
            for cover in removed {
                let what = cover.schedule.map { "\(cover.person) on \($0)" } ?? cover.person
                Console.out("Removed \(kind.rawValue) #\(cover.id) (\(what)).")
            }
        }
        if !missing.isEmpty {
            throw RotaError.notFound("no \(kind.rawValue) \(missing.map { "#\($0)" }.joined(separator: ", ")); the others were removed")
        }
    }
}
