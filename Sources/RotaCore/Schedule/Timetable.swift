import Foundation

/// Everything needed to answer "who is on call" at any instant: the revisions of the rota
/// files (DESIGN.md §2.1 item 7), leave, and command-line overrides. Pure.
public struct Timetable: Sendable {
    /// A revision of the rota, in force from `from` until the next one.
    public struct Revision: Sendable {
        public var from: Date
        public var rota: Rota

        public init(from: Date, rota: Rota) {
            self.from = from
            self.rota = rota
        }
    }

    /// Oldest first; the first also answers for all earlier instants.
    public let revisions: [Revision]
    public let leave: [Leave]
    /// Command-line overrides by schedule, oldest first.
    public let overrides: [String: [Override]]

    public init(revisions: [Revision], leave: [Leave] = [], overrides: [String: [Override]] = [:]) {
        precondition(!revisions.isEmpty, "a timetable needs at least one revision")
        self.revisions = revisions.sorted { $0.from < $1.from }
        self.leave = leave
        self.overrides = overrides
    }

    /// A timetable with one rota for all time.
    public init(rota: Rota, leave: [Leave] = [], overrides: [String: [Override]] = [:]) {
        self.init(revisions: [Revision(from: .distantPast, rota: rota)], leave: leave, overrides: overrides)
    }

    /// The revision in force at `instant`.
    public func rota(at instant: Date) -> Rota {
        (revisions.last { $0.from <= instant } ?? revisions[0]).rota
    }

    /// The newest revision.
    public var current: Rota { revisions[revisions.count - 1].rota }

    /// Schedule ids in every revision, newest revision's order first.
    public var scheduleIDs: [String] {
        var ids: [String] = []
        for revision in revisions.reversed() {
            for schedule in revision.rota.schedules where !ids.contains(schedule.id) { ids.append(schedule.id) }
        }
        return ids
    }

    /// `[from, to)` cut at revision boundaries, each piece with the rota in force.
    public func pieces(from: Date, to: Date) -> [(from: Date, to: Date, rota: Rota)] {
        var result: [(from: Date, to: Date, rota: Rota)] = []
        for (index, revision) in revisions.enumerated() {
            let start = index == 0 ? from : max(from, revision.from)
            let end = index + 1 < revisions.count ? min(to, revisions[index + 1].from) : to
            if start < end { result.append((start, end, revision.rota)) }
        }
        return result
    }

    /// The engine of one schedule in one revision.
    public func engine(_ schedule: Schedule) -> ScheduleEngine {
        ScheduleEngine(schedule: schedule, leave: leave, extraOverrides: overrides[schedule.id] ?? [])
    }

    /// The final schedule of `[from, to)`, each part computed with the revision in force.
    public func shifts(schedule id: String, from: Date, to: Date) -> [Shift] {
        var segments: [Segment] = []
        for piece in pieces(from: from, to: to) {
            guard let schedule = piece.rota.schedule(id) else { continue }
            segments += engine(schedule).segments(from: piece.from, to: piece.to)
        }
        return segments.merged().map { Shift(schedule: id, person: $0.person, start: $0.start, end: $0.end) }
    }

    public func gaps(schedule id: String, from: Date, to: Date) -> [Gap] {
        Gap.complement(of: shifts(schedule: id, from: from, to: to), schedule: id, from: from, to: to)
    }

    /// Who is on call in a schedule at `instant` (nil: nobody, or no such schedule then).
    public func person(schedule id: String, at instant: Date) -> String? {
        shifts(schedule: id, from: instant, to: instant.addingTimeInterval(1)).first?.person
    }

    /// Who is on call at `instant` and until when (see `ScheduleEngine.onCall`).
    public func onCall(schedule id: String, at instant: Date) -> (person: String?, until: Date?) {
        OnCallAnswer.find(at: instant) { shifts(schedule: id, from: instant, to: $0) }
    }

    /// The people `targets` name at `instant`, in order, each once: a person, or whoever is on call
    /// on a schedule (nobody when it has a gap). Admins, roles, stakeholders, a level told.
    public func people(_ targets: [Target], at instant: Date) -> [String] {
        var people: [String] = []
        for target in targets {
            let person: String? = switch target {
            case .person(let id): id
            case .schedule(let id): onCall(schedule: id, at: instant).person
            }
            if let person, !people.contains(person) { people.append(person) }
        }
        return people
    }
}

extension Gap {
    /// The stretches of `[from, to)` that `shifts` (sorted, merged; they may reach past either end) leave uncovered.
    public static func complement(of shifts: [Shift], schedule: String, from: Date, to: Date) -> [Gap] {
        var gaps: [Gap] = []
        var cursor = from
        for shift in shifts {
            if shift.start > cursor { gaps.append(Gap(schedule: schedule, start: cursor, end: shift.start)) }
            cursor = max(cursor, shift.end)
        }
        if cursor < to { gaps.append(Gap(schedule: schedule, start: cursor, end: to)) }
        return gaps
    }
}

/// "Who is on call now and until when", from any source of shifts.
enum OnCallAnswer {
    /// Looks ahead in growing horizons (a day, a week, …, a year) so the common case stays cheap.
    static func find(at instant: Date, shifts: (Date) -> [Shift]) -> (person: String?, until: Date?) {
        let horizons: [Double] = [1, 8, 40, 400]
        for days in horizons {
            let horizon = instant.addingTimeInterval(days * 86400)
            let window = shifts(horizon)
            let isLast = days == horizons.last
            if let first = window.first, first.start <= instant {
                if first.end < horizon { return (first.person, first.end) }
                if isLast { return (first.person, nil) }
            } else if let first = window.first {
                return (nil, first.start)
            } else if isLast {
                return (nil, nil)
            }
        }
        return (nil, nil)
    }
}
