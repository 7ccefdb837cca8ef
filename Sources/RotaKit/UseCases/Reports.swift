import Foundation
import RotaCore
import RotaFormats
import RotaStore

/// `rota report response` and the figures `/metrics` observes.
public struct ReportUseCases: UseCase {
    public let context: Workspace

    /// `rota report response` (DESIGN §12): the incidents opened in `window` (on `service` when
    /// given) and in the period of equal length before it, with everyone's time on call in each.
    public func responseReport(window: Window, service: String?) async throws -> ResponseReport {
        if let service { _ = try self.service(service) }
        let previousFrom = window.from.addingTimeInterval(-window.to.timeIntervalSince(window.from))
        let read = try await storeCall { try await store.responseRecords(openedFrom: previousFrom, to: window.to, service: service) }
        // Drills are counted apart, never as incidents (DESIGN §12).
        let records = read.filter { !Drill.isDrill(service: $0.service) }
        let drills = try await drillRuns(read.filter { Drill.isDrill(service: $0.service) && $0.createdAt >= window.from })
        let timetable = try await timetable(from: previousFrom, to: window.to)
        let incidents = ResponseReport.incidents(records, timetable: timetable)
        let zones = Dictionary(rota.people.compactMap { person in person.timezone.map { (person.id, $0) } }, uniquingKeysWith: { a, _ in a })
        @Sendable func period(_ from: Date, _ to: Date) -> ResponsePeriod {
            let onCall = HoursTally(timetable: timetable, rota: rota, from: from, to: to, pages: []).people
            let people = ResponsePeriod.People(zones: zones, defaultZone: rota.settings.zone, holidays: Set(rota.holidays),
                                               onCall: Dictionary(onCall.map { ($0.person, $0.hours.total) }, uniquingKeysWith: +))
            return ResponsePeriod(incidents.filter { $0.openedAt >= from && $0.openedAt < to }, people: people)
        }
        // The two periods are independent: computed side by side.
        async let current = period(window.from, window.to)
        async let previous = period(previousFrom, window.from)
        return ResponseReport(from: window.from, to: window.to, service: service, current: await current,
                              previous: await previous, drills: DrillFigures(drills))
    }

    /// The drills' pages, answers and failed contacts, read drill by drill (a handful a month).
    func drillRuns(_ records: [ResponseRecord]) async throws -> [DrillRun] {
        var runs: [DrillRun] = []
        for record in records {
            // Answers never cancel a drill's pages: every page was due (a retry cancelled by its end failed all the same).
            let pages = try await storeCall { try await store.pages(alert: record.id) }
            let events = try await storeCall { try await store.events(alert: record.id) }
            runs.append(DrillRun(
                incident: record.id, drill: Drill.id(ofService: record.service), escalation: record.escalation, openedAt: record.createdAt,
                paged: pages.map { DrillRun.Paged(person: $0.person, level: $0.level, dueAt: $0.levelDueAt) },
                answers: events.filter { $0.event == AuditKind.drillAnswered.rawValue }.map { DrillRun.Answer(person: ActorName.person($0.actor), at: $0.at) },
                failed: pages.filter { $0.status != .sent && $0.lastError != nil }.map {
                    DrillRun.FailedContact(person: $0.person, level: $0.level, contact: $0.contactKind, error: $0.lastError ?? "", forGood: $0.status == .failed && $0.nextAttemptAt == nil)
                }))
        }
        return runs
    }

    /// The incidents opened in `[from, to)` as the response figures read them (DESIGN §16), for
    /// /metrics' time-to-acknowledge histograms: the rules of the report, the current files' people.
    public func responseIncidents(openedFrom from: Date, to: Date) async throws -> [ResponseIncident] {
        let records = try await storeCall { try await store.responseRecords(openedFrom: from, to: to, service: nil) }
        return ResponseReport.incidents(records.filter { !Drill.isDrill(service: $0.service) }, timetable: Timetable(rota: rota))
    }
}

extension Workspace {
    public var reports: ReportUseCases { ReportUseCases(context: self) }
}
