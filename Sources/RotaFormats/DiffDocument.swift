import Foundation
import RotaCore

/// `rota diff`'s documents (DESIGN §14): JSON, and Markdown for a pull-request comment.
public enum DiffDocument {
    static func hours(_ hours: OnCallHours) -> JSONValue {
        let f = HoursTally.figures(hours).map { Documents.hours(units: $0) }
        return .object([("hours", f[0]), ("weekday_day", f[1]), ("weekday_night", f[2]), ("weekend", f[3]), ("holiday", f[4])])
    }

    static func stretches(_ list: [RotaDiff.Stretch]) -> JSONValue {
        .array(list.map { .object([("schedule", .string($0.schedule)), ("start", .instant($0.start)), ("end", .instant($0.end))]) })
    }

    static func gaps(_ list: [Gap]) -> JSONValue {
        .array(list.map { .object([("schedule", .string($0.schedule)), ("start", .instant($0.start)), ("end", .instant($0.end))]) })
    }

    public static func json(_ diff: RotaDiff, base: String) -> JSONValue {
        .object([
            ("base", .string(base)), ("from", .instant(diff.from)), ("to", .instant(diff.to)), ("opens_gap", .bool(diff.opensGap)),
            ("people", .array(diff.people.map { change in
                .object([("person", .string(change.person)), ("gained", stretches(change.gained)), ("lost", stretches(change.lost)),
                         ("hours_gained", hours(change.hoursGained)), ("hours_lost", hours(change.hoursLost)),
                         ("leave_clashes", stretches(change.leaveClashes))])
            })),
            ("gaps_opened", gaps(diff.gapsOpened)), ("gaps_closed", gaps(diff.gapsClosed)),
            ("reach", .array(diff.reach.map { reach in
                .object([("escalation", .string(reach.escalation)), ("level", .int(reach.level)), ("start", .instant(reach.start)),
                         ("end", .instant(reach.end)), ("before", .array(reach.before.map { .string($0) })), ("after", .array(reach.after.map { .string($0) }))])
            })),
            ("fairness", .array(diff.spread.map { entry in
                .object([("schedule", .string(entry.schedule)), ("spread_before", Documents.hours(seconds: entry.before)),
                         ("spread_after", Documents.hours(seconds: entry.after))])
            })),
        ])
    }

    /// The change as a pull-request comment; times in `zone`, every name escaped for Markdown.
    public static func markdown(_ diff: RotaDiff, base: String, zone: Zone) -> String {
        func when(_ instant: Date) -> String { HumanTime.format(instant, in: zone) }
        func esc(_ text: String) -> String { IncidentReport.escape(text) }
        func h(_ seconds: Int) -> String { HoursTally.text(seconds) }
        var out = "### rota diff against \(esc(base))\n\n"
        out += "From \(when(diff.from)) to \(when(diff.to)) (times in \(zone.identifier)).\n\n"
        if diff.opensGap {
            out += "**This change leaves nobody on call \(diff.gapsOpened.count) time(s):**\n\n| Schedule | From | To |\n|---|---|---|\n"
            for gap in diff.gapsOpened { out += "| \(esc(gap.schedule)) | \(when(gap.start)) | \(when(gap.end)) |\n" }
            out += "\n"
        }
        if !diff.gapsClosed.isEmpty { out += "It closes \(diff.gapsClosed.count) gap(s).\n\n" }
        out += "#### People\n\n"
        if diff.people.isEmpty {
            out += "Nobody's shifts move.\n\n"
        } else {
            out += "| Person | Hours gained | Hours lost | Weekend ± | Holiday ± | Clashes with leave |\n|---|---|---|---|---|---|\n"
            for change in diff.people {
                let weekend = change.hoursGained.weekend - change.hoursLost.weekend, holiday = change.hoursGained.holiday - change.hoursLost.holiday
                out += "| \(esc(change.person)) | \(h(change.hoursGained.total)) | \(h(change.hoursLost.total)) | \(weekend >= 0 ? "+" : "-")\(h(abs(weekend))) | "
                    + "\(holiday >= 0 ? "+" : "-")\(h(abs(holiday))) | \(change.leaveClashes.isEmpty ? "—" : change.leaveClashes.map { when($0.start) }.joined(separator: ", ")) |\n"
            }
            out += "\n"
        }
        out += "#### Escalations\n\n"
        if diff.reach.isEmpty {
            out += "Every level reaches the same people.\n\n"
        } else {
            out += "| Escalation | Level | From | To | Before | After |\n|---|---|---|---|---|---|\n"
            for reach in diff.reach {
                out += "| \(esc(reach.escalation)) | \(reach.level) | \(when(reach.start)) | \(when(reach.end)) | \(reach.before.isEmpty ? "nobody" : reach.before.map(esc).joined(separator: ", ")) | \(reach.after.isEmpty ? "nobody" : reach.after.map(esc).joined(separator: ", ")) |\n"
            }
            out += "\n"
        }
        let moved = diff.spread.filter { $0.before != $0.after }
        if !moved.isEmpty {
            out += "#### Fairness (spread of hours within each schedule)\n\n| Schedule | Before | After |\n|---|---|---|\n"
            for entry in moved { out += "| \(esc(entry.schedule)) | \(h(entry.before)) h | \(h(entry.after)) h |\n" }
            out += "\n"
        }
        return out
    }
}
