import Foundation

/// Computes who is on call (DESIGN.md §2.1, items 1–6 and 8). Pure: every input is a parameter.
public struct ScheduleEngine: Sendable {
    public let schedule: Schedule
    /// Leave of every person, in any order.
    public let leave: [Leave]
    /// Overrides added from the command line, oldest first; they beat the file's overrides.
    public let extraOverrides: [Override]

    private let leaveByPerson: [String: [(start: Date, end: Date)]]

    public init(schedule: Schedule, leave: [Leave] = [], extraOverrides: [Override] = []) {
        self.schedule = schedule
        self.leave = leave
        self.extraOverrides = extraOverrides
        var byPerson: [String: [(start: Date, end: Date)]] = [:]
        for item in leave where item.start < item.end {
            byPerson[item.person, default: []].append((item.start, item.end))
        }
        self.leaveByPerson = byPerson.mapValues { $0.sorted { $0.start < $1.start } }
    }

    /// The final schedule of `[from, to)`: merged segments, one person each, clipped to the window.
    public func shifts(from: Date, to: Date) -> [Shift] {
        segments(from: from, to: to).map { Shift(schedule: schedule.id, person: $0.person, start: $0.start, end: $0.end) }
    }

    /// Times in `[from, to)` when nobody is on call.
    public func gaps(from: Date, to: Date) -> [Gap] {
        Gap.complement(of: shifts(from: from, to: to), schedule: schedule.id, from: from, to: to)
    }

    /// Who is on call at `instant` and until when (nil: not within a year).
    /// With nobody on call, `until` is when someone next comes on.
    public func onCall(at instant: Date) -> (person: String?, until: Date?) {
        OnCallAnswer.find(at: instant) { shifts(from: instant, to: $0) }
    }

    func segments(from: Date, to: Date) -> [Segment] {
        guard from < to else { return [] }
        var timeline: [Segment] = []
        for layer in schedule.layers {
            timeline = timeline.overlaid(with: layerSegments(layer, from: from, to: to))
        }
        // File overrides first, CLI overrides after: a later override beats an earlier one.
        for override in schedule.overrides + extraOverrides {
            let start = max(override.start, from), end = min(override.end, to)
            guard start < end else { continue }
            timeline = timeline.overlaid(with: [Segment(start: start, end: end, person: override.person)])
        }
        return timeline.merged()
    }

    /// One layer's coverage in `[from, to)`, leave applied, sorted and non-overlapping.
    func layerSegments(_ layer: Layer, from: Date, to: Date) -> [Segment] {
        guard !layer.members.isEmpty else { return [] }
        let zone = schedule.zone
        let layerStart = zone.instant(of: layer.start)
        let lower = max(from, layerStart)
        let upper = layer.end.map { min(to, zone.instant(of: $0)) } ?? to
        guard lower < upper else { return [] }

        let boundary = { (k: Int) in zone.instant(of: layer.shift.boundary(k, from: layer.start)) }
        var k = max(0, Int(lower.timeIntervalSince(layerStart) / Double(layer.shift.nominalSeconds)))
        while k > 0, boundary(k) > lower { k -= 1 }
        while boundary(k + 1) <= lower { k += 1 }

        let windows = layer.restrictions.isEmpty ? nil : Self.windows(layer.restrictions, zone: zone, from: lower, to: upper)
        var result: [Segment] = []
        var shiftStart = boundary(k)
        var windowIndex = 0
        while shiftStart < upper {
            let shiftEnd = max(boundary(k + 1), shiftStart)
            let start = max(shiftStart, lower), end = min(shiftEnd, upper)
            if start < end {
                if let windows {
                    while windowIndex < windows.count, windows[windowIndex].end <= start { windowIndex += 1 }
                    var index = windowIndex
                    while index < windows.count, windows[index].start < end {
                        let pieceStart = max(start, windows[index].start), pieceEnd = min(end, windows[index].end)
                        if pieceStart < pieceEnd { appendCover(layer, shift: k, from: pieceStart, to: pieceEnd, into: &result) }
                        index += 1
                    }
                } else {
                    appendCover(layer, shift: k, from: start, to: end, into: &result)
                }
            }
            k += 1
            shiftStart = shiftEnd
        }
        return result.merged()
    }

    /// Appends who covers shift `k` in `[from, to)`: its owner, or the next member not on leave.
    private func appendCover(_ layer: Layer, shift k: Int, from: Date, to: Date, into result: inout [Segment]) {
        let members = layer.members
        var cuts: [Date] = [from]
        var anyLeave = false
        if !leaveByPerson.isEmpty {
            for member in members {
                for away in leaveByPerson[member] ?? [] where away.start < to && away.end > from {
                    anyLeave = true
                    if away.start > from { cuts.append(away.start) }
                    if away.end < to { cuts.append(away.end) }
                }
            }
        }
        // Nobody of the layer away in the piece: its owner covers it (the common case, no sets).
        guard anyLeave else {
            result.append(Segment(start: from, end: to, person: members[k % members.count]))
            return
        }
        cuts = Array(Set(cuts)).sorted()
        cuts.append(to)
        for index in 0..<(cuts.count - 1) {
            let instant = cuts[index]
            for step in 0..<members.count {
                let member = members[(k + step) % members.count]
                if !isOnLeave(member, at: instant) {
                    result.append(Segment(start: instant, end: cuts[index + 1], person: member))
                    break
                }
            }
        }
    }

    private func isOnLeave(_ person: String, at instant: Date) -> Bool {
        guard let spans = leaveByPerson[person] else { return false }
        return spans.contains { $0.start <= instant && instant < $0.end }
    }

    /// The union of restriction windows that touch `[from, to)`, sorted.
    static func windows(_ restrictions: [Restriction], zone: Zone, from: Date, to: Date) -> [(start: Date, end: Date)] {
        let firstDay = zone.wall(at: from).date.adding(days: -1)
        let lastDay = zone.wall(at: to).date
        var spans: [(start: Date, end: Date)] = []
        var day = firstDay
        while day <= lastDay {
            for restriction in restrictions where restriction.days.contains(day.weekday) {
                let window = restriction.window(on: day)
                let start = zone.instant(of: window.start), end = zone.instant(of: window.end)
                if start < end, end > from, start < to { spans.append((start, end)) }
            }
            day = day.adding(days: 1)
        }
        spans.sort { $0.start < $1.start }
        var union: [(start: Date, end: Date)] = []
        for span in spans {
            if let last = union.last, span.start <= last.end {
                union[union.count - 1].end = max(last.end, span.end)
            } else {
                union.append(span)
            }
        }
        return union
    }
}
