import Foundation

/// What a rota change about to be made puts at risk, in words for the person making it (and the
/// audit log): a schedule left with nobody, who covers for someone on leave, leave that an
/// override of theirs ignores, overrides that overlap, a change reaching into the past. Pure:
/// the timetable after the change is the one before with the change added.
public enum ChangeWarnings {
    public enum Change: Sendable {
        case override(schedule: String, Override)
        case leave(Leave)

        public var start: Date {
            switch self {
            case .override(_, let cover): cover.start
            case .leave(let away): away.start
            }
        }

        public var end: Date {
            switch self {
            case .override(_, let cover): cover.end
            case .leave(let away): away.end
            }
        }
    }

    /// `zone` gives the zone to write a schedule's times in (nil: the person's or the rota's).
    public static func review(_ change: Change, before: Timetable, now: Date, zone: (String?) -> Zone) -> [String] {
        var warnings: [String] = []
        func span(_ start: Date, _ end: Date, _ schedule: String?) -> String {
            "from \(HumanTime.format(start, in: zone(schedule))) to \(HumanTime.format(end, in: zone(schedule)))"
        }
        if change.start < now {
            warnings.append("it starts in the past (\(HumanTime.format(change.start, in: zone(nil)))): on-call hours already worked change in 'rota report hours'")
        }
        let current = before.rota(at: change.start)
        switch change {
        case .override(let id, let cover):
            let file = current.schedule(id)?.overrides ?? []
            for other in file where other.start < cover.end && cover.start < other.end {
                warnings.append("it overlaps \(other.person)'s override in the rota files (\(span(other.start, other.end, id))): command-line overrides win, so \(cover.person) is on call there")
            }
            for other in before.overrides[id] ?? [] where other.start < cover.end && cover.start < other.end {
                let name = other.id.map { "override #\($0)" } ?? "an override"
                warnings.append("it overlaps \(name) (\(other.person) on \(id) \(span(other.start, other.end, id))): the newer one wins, so \(cover.person) is on call \(span(max(cover.start, other.start), min(cover.end, other.end), id))")
            }
        case .leave(let away):
            var overrides = before.overrides
            for schedule in current.schedules { overrides[schedule.id, default: []] += schedule.overrides }
            for (id, list) in overrides.sorted(by: { $0.key < $1.key }) {
                for cover in list where cover.person == away.person && cover.start < away.end && away.start < cover.end {
                    warnings.append("\(away.person) has an override on \(id) \(span(cover.start, cover.end, id)) during this leave: overrides ignore leave, so \(away.person) stays on call then")
                }
            }
            let after = Timetable(revisions: before.revisions, leave: before.leave + [away], overrides: before.overrides)
            for id in before.scheduleIDs {
                let was = before.shifts(schedule: id, from: away.start, to: away.end)
                let will = after.shifts(schedule: id, from: away.start, to: away.end)
                // Who takes over the leaver's stretches.
                for stretch in was where stretch.person == away.person {
                    for cover in will where cover.person != away.person && cover.start < stretch.end && stretch.start < cover.end {
                        warnings.append("on \(id), \(cover.person) covers for \(away.person) \(span(max(cover.start, stretch.start), min(cover.end, stretch.end), id))")
                    }
                }
                // Hours nobody covers any more.
                let gapsBefore = Gap.complement(of: was, schedule: id, from: away.start, to: away.end)
                for gap in Gap.complement(of: will, schedule: id, from: away.start, to: away.end) {
                    for piece in subtract(gap, gapsBefore) {
                        warnings.append("\(span(piece.start, piece.end, id)) \(id) has nobody on call")
                    }
                }
            }
        }
        return warnings
    }

    /// The parts of `gap` that none of `others` (sorted, disjoint) covers.
    static func subtract(_ gap: Gap, _ others: [Gap]) -> [Gap] {
        var pieces: [Gap] = []
        var start = gap.start
        for other in others where other.end > start && other.start < gap.end {
            if other.start > start { pieces.append(Gap(schedule: gap.schedule, start: start, end: other.start)) }
            start = max(start, other.end)
        }
        if start < gap.end { pieces.append(Gap(schedule: gap.schedule, start: start, end: gap.end)) }
        return pieces
    }
}
