import Foundation

/// "Your shift starts in 1h" and "your next 7 days changed": who gets which notice. Pure: the
/// engine queues them in the outbox, which sends each once.
public enum ShiftNotices {
    /// A notice for one person (sent through each of their contacts).
    public struct Notice: Hashable, Sendable {
        public var person: String
        /// Stable and unique: the outbox queues a key once.
        public var key: String
        public var subject: String
        public var text: String

        public init(person: String, key: String, subject: String, text: String) {
            self.person = person
            self.key = key
            self.subject = subject
            self.text = text
        }
    }

    /// Shifts starting after `now` and within `before`, each told in full to the person taking it.
    public static func starting(timetable: Timetable, rota: Rota, now: Date, before: Int) -> [Notice] {
        let horizon = now.addingTimeInterval(TimeInterval(before))
        var notices: [Notice] = []
        for id in timetable.scheduleIDs {
            // A shift that began before now is not "starting"; look from just after now.
            for clipped in timetable.shifts(schedule: id, from: now.addingTimeInterval(-1), to: horizon) where clipped.start > now {
                guard let person = rota.person(clipped.person) else { continue }
                // The window cuts the shift at the horizon: find where it really ends.
                let shift = timetable.shifts(schedule: id, from: clipped.start, to: clipped.start.addingTimeInterval(35 * 86400)).first ?? clipped
                let zone = person.timezone ?? timetable.current.schedule(id)?.zone ?? rota.settings.zone
                let minutes = Int(shift.start.timeIntervalSince(now) / 60)
                let subject = "Your \(id) shift starts in \(minutes >= 60 && minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes) min")"
                let text = "\(subject): \(zone.wall(at: shift.start)) to \(zone.wall(at: shift.end)) (\(zone.identifier)).\n"
                    + "Taking over from \(timetable.person(schedule: id, at: shift.start.addingTimeInterval(-1)) ?? "nobody (a gap)").\n"
                notices.append(Notice(person: person.id, key: "start|\(id)|\(person.id)|\(TimeText.utc(shift.start))", subject: subject, text: text))
            }
        }
        return notices
    }

    /// Everyone whose shifts in the next 7 days differ between two timetables, told their new shifts.
    /// `what` says what changed; `key` names the change (stable, unique).
    public static func changed(before: Timetable, after: Timetable, rota: Rota, now: Date, what: String, key: String) -> [Notice] {
        let horizon = now.addingTimeInterval(7 * 86400)
        func mine(_ table: Timetable) -> [String: [Shift]] {
            var byPerson: [String: [Shift]] = [:]
            for id in table.scheduleIDs {
                for shift in table.shifts(schedule: id, from: now, to: horizon) { byPerson[shift.person, default: []].append(shift) }
            }
            return byPerson
        }
        let old = mine(before), new = mine(after)
        return rota.people.filter { old[$0.id] ?? [] != new[$0.id] ?? [] }.map { person in
            let zone = person.timezone ?? rota.settings.zone
            let subject = "Your on-call shifts for the next 7 days changed"
            let text = "\(subject) (\(what)).\nYour shifts now:\n"
                + ShiftNotice.describe((new[person.id] ?? []).sorted { $0.start < $1.start }, zone: zone) + "\n"
            return Notice(person: person.id, key: "changes|\(key)|\(person.id)", subject: subject, text: text)
        }
    }
}

/// When a queued page counts as late: cron runs every minute, so a page queued more than two
/// minutes after it was due means the runner was behind, and the page says so.
public enum LatePolicy {
    public static let after: TimeInterval = 120

    public static func isLate(dueAt: Date, queuedAt: Date) -> Bool { queuedAt.timeIntervalSince(dueAt) > after }
}

/// When a failed page is tried again: 30 s, 1 min, 2 min, … capped at 30 min.
public enum RetryPolicy {
    public static func backoff(attempt: Int) -> TimeInterval {
        min(1800, 30 * pow(2, Double(max(0, attempt - 1))))
    }
}
