import Foundation
import RotaCore
import RotaFormats
import RotaStore

extension Workspace {
    /// `rota report response` (DESIGN §12): the incidents opened in `window` (on `service` when
    /// given) and in the period of equal length before it, with everyone's time on call in each.
    public func responseReport(window: Window, service: String?) async throws -> ResponseReport {
        if let service { _ = try self.service(service) }
        let previousFrom = window.from.addingTimeInterval(-window.to.timeIntervalSince(window.from))
        let records = try await storeCall { try await store.responseRecords(openedFrom: previousFrom, to: window.to, service: service) }
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
                              previous: await previous, drills: ResponsePeriod([]))
    }

    /// The incidents opened in `[from, to)` as the response figures read them (DESIGN §16), for
    /// /metrics' time-to-acknowledge histograms: the rules of the report, the current files' people.
    public func responseIncidents(openedFrom from: Date, to: Date) async throws -> [ResponseIncident] {
        let records = try await storeCall { try await store.responseRecords(openedFrom: from, to: to, service: nil) }
        return ResponseReport.incidents(records, timetable: Timetable(rota: rota))
    }
}
