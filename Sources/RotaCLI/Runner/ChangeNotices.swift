import Foundation
import RotaCore
import RotaStore

extension CommandContext {
    /// Runs a change (override, leave, swap) and, when settings.shift_notices.changes is on,
    /// queues "your next 7 days changed" for everyone whose shifts in the next 7 days it
    /// altered; `rota tick` delivers them once each. `key` names the change (stable, unique).
    func notifyingChanges<T>(_ what: String, key: (T) -> String, _ change: () throws -> T) throws -> T {
        guard rota.settings.noticeChanges else { return try change() }
        let horizon = now.addingTimeInterval(7 * 86400)
        let before = try timetable(from: now, to: horizon)
        let result = try change()
        let after = try timetable(from: now, to: horizon)
        func mine(_ table: Timetable) -> [String: [Shift]] {
            var byPerson: [String: [Shift]] = [:]
            for id in table.scheduleIDs {
                for shift in table.shifts(schedule: id, from: now, to: horizon) { byPerson[shift.person, default: []].append(shift) }
            }
            return byPerson
        }
        let old = mine(before), new = mine(after)
        var notices: [NewNotice] = []
        for person in rota.people where old[person.id] ?? [] != new[person.id] ?? [] {
            let zone = person.timezone ?? rota.settings.zone
            let subject = "Your on-call shifts for the next 7 days changed"
            let text = "\(subject) (\(what)).\nYour shifts now:\n"
                + ShiftNotice.describe((new[person.id] ?? []).sorted { $0.start < $1.start }, zone: zone) + "\n"
            notices += Runner.notices(for: person, key: "changes|\(key(result))|\(person.id)", dueAt: now, subject: subject, text: text)
        }
        try database.enqueueNotices(notices)
        return result
    }
}
