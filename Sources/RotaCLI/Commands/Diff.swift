import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand {
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "What an edit to the rota files does to people, before it is merged. Writes nothing.",
            discussion: """
            Compares the rota files now with --base (a git revision, rev:N for a stored revision, or a
            directory; default: HEAD when the rotas directory is in git, else the newest stored
            revision) over the next --weeks (default 4), with today's leave and overrides on both
            sides: per person the hours gained and lost and clashes with leave, gaps opened and
            closed, who each escalation level reaches where that changes, each schedule's spread.
            Exits 1 when the edit leaves an hour with nobody on call, 65 when the files are invalid.
            Examples:
              rota diff
              rota diff --base origin/main --markdown > comment.md
              rota diff --base rev:12 --weeks 8 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("A git revision, rev:N or a directory.", valueName: "base")) var base: String?
        @Option(help: ArgumentHelp("How many weeks from now (default 4).", valueName: "n")) var weeks: Int = 4
        @Flag(help: "A pull-request comment, in Markdown.") var markdown = false

        func validate() throws {
            if !(1...52).contains(weeks) { throw ValidationError("--weeks must be from 1 to 52") }
            if markdown && global.json { throw ValidationError("give --json or --markdown, not both") }
        }

        func run() async throws {
            let workspace = try await global.workspace(recording: false)
            let window = try Window(from: workspace.now, to: workspace.now.addingTimeInterval(Double(weeks) * 7 * 86400), zone: workspace.inputZone)
            let (name, diff) = try await workspace.diffs.diff(base: DiffBase.parse(base), window: window)
            let zone = workspace.shownZone()
            if global.json {
                global.print(DiffDocument.json(diff, base: name))
            } else if markdown {
                Console.out(DiffDocument.markdown(diff, base: name, zone: zone))
            } else {
                Console.out(Self.text(diff, base: name, zone: zone))
            }
            if diff.opensGap { throw RotaError.silent(ExitStatus.attention.code) }
        }

        static func text(_ diff: RotaDiff, base: String, zone: Zone) -> String {
            func when(_ instant: Date) -> String { HumanTime.format(instant, in: zone) }
            var out = "Against \(TerminalText.escaped(base)), from \(when(diff.from)) to \(when(diff.to)):\n"
            if diff.people.isEmpty && diff.gapsOpened.isEmpty && diff.gapsClosed.isEmpty && diff.reach.isEmpty {
                return out + "nothing changes for anyone.\n"
            }
            if !diff.gapsOpened.isEmpty {
                var table = Table("GAP OPENED IN", "FROM", "TO")
                for gap in diff.gapsOpened { table.add(gap.schedule, when(gap.start), when(gap.end)) }
                out += "\n" + table.rendered() + "\n"
            }
            if !diff.gapsClosed.isEmpty { out += "\n\(diff.gapsClosed.count) gap(s) closed.\n" }
            if !diff.people.isEmpty {
                var table = Table("PERSON", "GAINED", "LOST", "WEEKEND GAINED", "WEEKEND LOST", "LEAVE CLASHES")
                for change in diff.people {
                    table.add(change.person, HoursTally.text(change.hoursGained.total) + " h", HoursTally.text(change.hoursLost.total) + " h",
                              HoursTally.text(change.hoursGained.weekend) + " h", HoursTally.text(change.hoursLost.weekend) + " h",
                              "\(change.leaveClashes.count)")
                }
                out += "\n" + table.rendered() + "\n"
            }
            if !diff.reach.isEmpty {
                var table = Table("ESCALATION", "LEVEL", "FROM", "TO", "BEFORE", "AFTER")
                for reach in diff.reach {
                    table.add(reach.escalation, "\(reach.level)", when(reach.start), when(reach.end),
                              reach.before.isEmpty ? "nobody" : reach.before.joined(separator: ", "), reach.after.isEmpty ? "nobody" : reach.after.joined(separator: ", "))
                }
                out += "\n" + table.rendered() + "\n"
            }
            return out
        }
    }
}
