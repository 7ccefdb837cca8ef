import Foundation

/// Something `rota check` wants a team lead to look at; not an error.
public struct CoverageWarning: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// A handoff falls on a local time that does not exist (spring forward).
        case nonexistentHandoff = "nonexistent_handoff"
        /// A handoff falls on a local time that occurs twice (fall back).
        case ambiguousHandoff = "ambiguous_handoff"
        /// A restriction window opens or closes on a nonexistent local time.
        case nonexistentRestrictionEdge = "nonexistent_restriction_edge"
        /// A restriction window opens or closes on a local time that occurs twice.
        case ambiguousRestrictionEdge = "ambiguous_restriction_edge"
        /// An escalation pages a schedule that has gaps.
        case escalationScheduleHasGaps = "escalation_schedule_has_gaps"
        /// An override puts someone on call while they are on leave.
        case overrideDuringLeave = "override_during_leave"
        /// Over the next 90 days someone gets more than 1.5× the mean weekend hours of their layer.
        case unfairWeekends = "unfair_weekends"
        /// An open alert escalates by a definition the rota files no longer hold.
        case alertOnKeptDefinition = "alert_on_kept_definition"
        /// A surge or heartbeat raises alerts on a service whose escalation can reach nobody.
        case ruleReachesNobody = "rule_reaches_nobody"
    }

    public var kind: Kind
    public var schedule: String?
    public var at: Date?
    public var message: String

    public init(kind: Kind, schedule: String?, at: Date?, message: String) {
        self.kind = kind
        self.schedule = schedule
        self.at = at
        self.message = message
    }
}

/// What `rota check` finds over a horizon.
public struct CoverageReport: Sendable {
    /// Gaps of schedules that should always have someone: each one a failure.
    public var gaps: [Gap]
    public var warnings: [CoverageWarning]
    /// Gaps of schedules that cover business hours only (`expect_gaps: true`): information.
    public var expectedGaps: [Gap] = []

    /// The report about one schedule: its gaps, and the warnings that name it.
    public func only(schedule id: String) -> CoverageReport {
        CoverageReport(gaps: gaps.filter { $0.schedule == id }, warnings: warnings.filter { $0.schedule == id },
                       expectedGaps: expectedGaps.filter { $0.schedule == id })
    }
}

public enum CoverageCheck {
    /// Gaps of every schedule in `[from, to)`, and warnings about wall times, escalations and leave.
    /// Gaps follow the revisions in force; warnings look at the newest rota.
    public static func run(timetable: Timetable, from: Date, to: Date) -> CoverageReport {
        let rota = timetable.current
        var gaps: [Gap] = [], expectedGaps: [Gap] = []
        var warnings: [CoverageWarning] = []
        var gapCount: [String: Int] = [:]
        let expecting = Set(rota.schedules.filter(\.expectGaps).map(\.id))
        for id in timetable.scheduleIDs {
            let found = timetable.gaps(schedule: id, from: from, to: to)
            if expecting.contains(id) { expectedGaps += found } else { gaps += found }
            gapCount[id] = found.count
        }
        for schedule in rota.schedules {
            warnings += weekendWarnings(schedule, timetable: timetable, from: from)
            warnings += wallTimeWarnings(schedule, from: from, to: to)
            warnings += leaveWarnings(schedule, overrides: schedule.overrides + (timetable.overrides[schedule.id] ?? []),
                                      leave: timetable.leave, from: from, to: to)
        }
        for policy in rota.escalations {
            var named: [String] = []
            for level in policy.levels {
                for case .schedule(let id) in level.targets where !named.contains(id) { named.append(id) }
            }
            for id in named {
                guard let count = gapCount[id], count > 0 else { continue }
                warnings.append(CoverageWarning(
                    kind: .escalationScheduleHasGaps, schedule: id, at: nil,
                    message: "escalation '\(policy.id)' pages schedule '\(id)', which has nobody on call in \(count) gap(s); "
                        + "those levels will be skipped"))
            }
        }
        return CoverageReport(gaps: gaps, warnings: warnings, expectedGaps: expectedGaps)
    }

    /// Handoffs and restriction edges in `[from, to)` that fall on nonexistent or ambiguous local times.
    public static func wallTimeWarnings(_ schedule: Schedule, from: Date, to: Date) -> [CoverageWarning] {
        let zone = schedule.zone
        var warnings: [CoverageWarning] = []
        func note(_ wall: LocalDateTime, layer: Layer, what: String, nonexistent: CoverageWarning.Kind, ambiguous: CoverageWarning.Kind) {
            switch zone.kind(of: wall) {
            case .normal: break
            case .nonexistent:
                let instant = zone.instant(of: wall)
                warnings.append(CoverageWarning(
                    kind: nonexistent, schedule: schedule.id, at: instant,
                    message: "layer '\(layer.name)': \(what) at \(wall) does not exist in \(zone) (clocks go forward); "
                        + "it happens at \(zone.wall(at: instant)) instead"))
            case .ambiguous:
                warnings.append(CoverageWarning(
                    kind: ambiguous, schedule: schedule.id, at: zone.instant(of: wall),
                    message: "layer '\(layer.name)': \(what) at \(wall) happens twice in \(zone) (clocks go back); "
                        + "the first one is used"))
            }
        }
        let firstDay = zone.wall(at: from).date, lastDay = zone.wall(at: to).date
        for layer in schedule.layers where !layer.members.isEmpty {
            // Handoffs: shift boundaries inside the horizon and the layer's life (a lone member hands off to nobody).
            let layerStart = zone.instant(of: layer.start)
            let layerEnd = layer.end.map(zone.instant(of:))
            var k = max(0, Int(from.timeIntervalSince(layerStart) / Double(layer.shift.nominalSeconds)) - 1)
            while true {
                let wall = layer.shift.boundary(k, from: layer.start)
                let instant = zone.instant(of: wall)
                if instant >= to || (layerEnd.map { instant >= $0 } ?? false) { break }
                if instant >= from, Set(layer.members).count > 1 {
                    note(wall, layer: layer, what: "the handoff", nonexistent: .nonexistentHandoff, ambiguous: .ambiguousHandoff)
                }
                k += 1
            }
            // Restriction edges on each day of the horizon.
            var day = firstDay
            while day <= lastDay {
                for restriction in layer.restrictions where restriction.days.contains(day.weekday) {
                    let window = restriction.window(on: day)
                    for (edge, what) in [(window.start, "the restriction window opening"), (window.end, "the restriction window closing")] {
                        let instant = zone.instant(of: edge)
                        guard instant >= from, instant < to, instant >= layerStart else { continue }
                        note(edge, layer: layer, what: what, nonexistent: .nonexistentRestrictionEdge, ambiguous: .ambiguousRestrictionEdge)
                    }
                }
                day = day.adding(days: 1)
            }
        }
        return warnings
    }

    /// Members of a layer whose weekend hours in that layer's own rotation (leave applied) over
    /// the next 90 days exceed 1.5× the layer's mean. The layer's own rotation, not the final
    /// schedule: a weekend layer above a round-the-clock one is not unfair to the latter.
    static func weekendWarnings(_ schedule: Schedule, timetable: Timetable, from: Date) -> [CoverageWarning] {
        let to = from.addingTimeInterval(90 * 86400)
        let rota = timetable.current
        let calendar = PayCalendar(zone: schedule.zone, holidays: rota.holidays(of: schedule.id),
                                   daytimeFrom: rota.settings.daytimeFrom, daytimeTo: rota.settings.daytimeTo)
        let engine = timetable.engine(schedule)
        var warnings: [CoverageWarning] = []
        var warned: Set<String> = []
        for layer in schedule.layers {
            let members = Array(Set(layer.members))
            guard members.count > 1 else { continue }
            var weekend: [String: Int] = [:]
            for segment in engine.layerSegments(layer, from: from, to: to) {
                weekend[segment.person, default: 0] += calendar.split(from: segment.start, to: segment.end).weekend
            }
            let mean = Double(members.reduce(0) { $0 + (weekend[$1] ?? 0) }) / Double(members.count)
            guard mean > 0 else { continue }
            for member in members.sorted() where Double(weekend[member] ?? 0) > 1.5 * mean && !warned.contains(member) {
                warned.insert(member)
                let hours = Double(weekend[member] ?? 0) / 3600
                warnings.append(CoverageWarning(
                    kind: .unfairWeekends, schedule: schedule.id, at: nil,
                    message: "\(member) has \(Int(hours.rounded())) weekend hours in layer '\(layer.name)' over the next 90 days, "
                        + "more than 1.5× the layer's mean (\(Int((mean / 3600).rounded())) h)"))
            }
        }
        return warnings
    }

    /// Overrides ignore leave (DESIGN.md §2.1 item 6); say so when they meet.
    static func leaveWarnings(_ schedule: Schedule, overrides: [Override], leave: [Leave], from: Date, to: Date) -> [CoverageWarning] {
        var warnings: [CoverageWarning] = []
        for override in overrides where override.end > from && override.start < to {
            for away in leave where away.person == override.person && away.start < override.end && away.end > override.start {
                let start = max(away.start, override.start)
                warnings.append(CoverageWarning(
                    kind: .overrideDuringLeave, schedule: schedule.id, at: start,
                    message: "'\(override.person)' covers schedule '\(schedule.id)' by an override from \(TimeText.utc(override.start)) "
                        + "to \(TimeText.utc(override.end)) but is on leave from \(TimeText.utc(away.start)) to \(TimeText.utc(away.end))"))
            }
        }
        return warnings
    }
}
