import Foundation
import RotaCore
import RotaStore

/// Schedules: who is on call, shifts, rosters, coverage, hours, and the audit log.
public struct ScheduleUseCases: UseCase {
    public let context: Workspace

    /// Who is on call at `instant` in each schedule (all, or the ones named), and until when.
    public func onCall(at instant: Date, schedules ids: [String]) async throws -> [(schedule: Schedule, person: String?, until: Date?)] {
        let chosen = ids.isEmpty ? rota.schedules : try ids.map { try schedule($0) }
        let timetable = try await timetable(from: instant, to: nil)
        return chosen.map { schedule in
            let answer = timetable.onCall(schedule: schedule.id, at: instant)
            return (schedule, answer.person, answer.until)
        }
    }

    /// The final schedule in a window: every chosen schedule, or one person's shifts. `whole`
    /// gives whole shifts that overlap the window (a calendar keeps each shift's UID) instead of clipping them.
    public func shifts(schedules ids: [String], person: Person?, window: Window, whole: Bool = false) async throws -> [Shift] {
        let chosen = ids.isEmpty ? rota.schedules : try ids.map { try schedule($0) }
        let margin: TimeInterval = whole ? Self.wholeShiftMargin : 0
        let span = (from: window.from.addingTimeInterval(-margin), to: window.to.addingTimeInterval(margin))
        let timetable = try await timetable(from: span.from, to: span.to)
        var shifts = chosen.flatMap { timetable.shifts(schedule: $0.id, from: span.from, to: span.to) }
            .filter { $0.end > window.from && $0.start < window.to }
        if let person { shifts = shifts.filter { $0.person == person.id }.sorted { $0.start < $1.start } }
        return shifts
    }

    /// What a person reads in `rota shifts`: each schedule's whole shifts that touch the window,
    /// and its gaps inside it, in schedule order then time (one timetable for both).
    public func roster(schedules ids: [String], window: Window) async throws -> [(schedule: String, shifts: [Shift], gaps: [Gap])] {
        let named = ids.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let whole = try await shifts(schedules: named, person: nil, window: window, whole: true)
        let chosen = named.isEmpty ? rota.schedules.map(\.id) : named
        return chosen.map { id in
            let mine = whole.filter { $0.schedule == id }
            return (id, mine, Gap.complement(of: mine, schedule: id, from: window.from, to: window.to))
        }
    }

    /// How far beyond a window whole shifts are looked for (a shift longer than this is cut there).
    static let wholeShiftMargin: TimeInterval = 35 * 86400

    /// Gaps and warnings over a window, with open alerts escalating by kept definitions.
    public func check(window: Window) async throws -> CoverageReport {
        let timetable = try await timetable(from: window.from, to: window.to)
        var report = CoverageCheck.run(timetable: timetable, from: window.from, to: window.to)
        // A rule's alert must reach someone: its service's escalation needs a person with a contact,
        // or a schedule with someone on call somewhere in the window.
        func reachesSomeone(_ serviceID: String) -> Bool {
            guard let service = rota.service(serviceID), let policy = rota.escalation(service.escalation) else { return false }
            return policy.levels.flatMap(\.targets).contains { target in
                switch target {
                case .person(let id): !(rota.person(id)?.contacts.isEmpty ?? true)
                case .schedule(let id): !timetable.shifts(schedule: id, from: window.from, to: window.to).isEmpty
                }
            }
        }
        for surge in rota.surges where !reachesSomeone(surge.service) {
            report.warnings.append(CoverageWarning(kind: .ruleReachesNobody, schedule: nil, at: nil,
                                                   message: "surge \(surge.id) raises alerts on \(surge.service), whose escalation reaches nobody"))
        }
        for heartbeat in rota.heartbeats where !reachesSomeone(heartbeat.service) {
            report.warnings.append(CoverageWarning(kind: .ruleReachesNobody, schedule: nil, at: nil,
                                                   message: "heartbeat \(heartbeat.id) raises alerts on \(heartbeat.service), whose escalation reaches nobody"))
        }
        for item in try await context.alerts.alertsOnKeptDefinitions() {
            report.warnings.append(CoverageWarning(kind: .alertOnKeptDefinition, schedule: nil, at: nil, message: "alert #\(item.id) \(item.why)"))
        }
        return report
    }

    /// A person's shift under way or next.
    public func nextShift(of person: Person) async throws -> NextShift? {
        NextShift.find(person: person.id, in: try await timetable(from: now, to: nil), now: now)
    }

    /// On-call hours and pages per person and per schedule over a window.
    /// `layers`: also each layer's own rotation, per schedule (`report fairness`).
    public func hours(window: Window, layers: Bool = false) async throws -> HoursTally {
        let timetable = try await timetable(from: window.from, to: window.to)
        let pages = try await storeCall { try await store.receivedPages(from: window.from, to: window.to) }
            .map { HoursTally.Page(person: $0.person, dueAt: $0.levelDueAt) }
        return HoursTally(timetable: timetable, rota: rota, from: window.from, to: window.to, pages: pages, layers: layers)
    }

    /// The audit log from `since` on.
    public func log(since: Date?) async throws -> [AuditEvent] {
        try await storeCall { try await store.events(since: since) }
    }
}

extension Workspace {
    public var schedules: ScheduleUseCases { ScheduleUseCases(context: self) }
}
