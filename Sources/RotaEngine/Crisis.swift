import Foundation
import RotaCore
import RotaStore

/// Crisis mode's rules (DESIGN §11, §16), pure: who holds an incident's roles when it opens, who
/// hears a status update, and which reminders are due when nobody posted one.
public enum Crisis {
    /// Who holds each role of an incident opening at `instant` on a chain with `roles`.
    public static func roles(_ roles: CrisisRoles, timetable: Timetable, at instant: Date) -> IncidentRoles {
        var named = IncidentRoles()
        for role in CrisisRole.allCases {
            if let target = roles[role] { named[role] = timetable.people([target], at: instant).first }
        }
        return named
    }

    /// Who hears a status update: the chain's stakeholders, the incident's roles, everyone paged
    /// for it; never the person who posted it.
    public static func updateAudience(stakeholders: [String], roles: IncidentRoles, paged: [String], poster: String?) -> [String] {
        var people: [String] = []
        for person in stakeholders + [roles.commander, roles.comms].compactMap({ $0 }) + paged where person != poster && !people.contains(person) {
            people.append(person)
        }
        return people
    }

    /// A reminder due now, and its audit line.
    public struct Reminder: Sendable, Equatable {
        public var notices: [ShiftNotices.Notice]
        public var entry: AuditEntry
    }

    /// What an open incident on a chain with `updates_every` is owed at `now`: from its first
    /// acknowledgement or its latest update (whichever is later), each full `every` of silence
    /// reminds the commander (else whoever acknowledged it) once, keyed by the silence and its
    /// count, so a second runner, or the next tick, queues nothing new; twice `every` tells the
    /// chain's level above the one reached, once per silence. A runner that was away reminds once
    /// for the silence as it stands, not once per missed period.
    public static func reminders(incident: StoredAlert, crisis: StoredCrisis, policy: EscalationPolicy, levelReached: Int,
                                 timetable: Timetable, now: Date, zone: Zone) -> [Reminder] {
        guard let every = policy.updatesEvery, every > 0, incident.opensIncident, incident.status != .resolved,
              let acknowledged = crisis.firstAcknowledgedAt else { return [] }
        let since = max(acknowledged, crisis.lastUpdateAt ?? acknowledged)
        let silence = now.timeIntervalSince(since)
        let periods = Int((silence / TimeInterval(every)).rounded(.down))
        guard periods >= 1 else { return [] }
        let id = incident.id
        let anchor = since.millis
        let sinceText = "\(HumanTime.format(since, in: zone)) (\(zone.identifier))"
        let silenceText = DurationText.format(seconds: periods * every)
        let subject = "Incident #\(id): no status update for \(silenceText)"
        let silent = "Incident #\(id) on \(incident.service) (\(incident.summary)) has had no status update since \(sinceText).\n"
        var reminders: [Reminder] = []
        let commander = crisis.roles.commander ?? incident.acknowledgedBy.map(ActorName.person)
        if let commander {
            let role = crisis.roles.commander == nil ? "You acknowledged it and it has no commander" : "You are its commander"
            let notice = ShiftNotices.Notice(
                person: commander, key: "remind|\(id)|\(anchor)|\(periods)|\(commander)",
                subject: subject,
                text: silent + "\(role): post one with rota incident update \(id) \"what we know, what we do, when you hear next\".\n")
            reminders.append(Reminder(notices: [notice], entry: .reminded(id, people: [commander], silentSince: since, escalated: false)))
        }
        if periods >= 2, !policy.levels.isEmpty {
            let above = min(levelReached + 1, policy.levels.count)
            let people = timetable.people(policy.levels[above - 1].targets, at: now).filter { $0 != commander }
            let notices = people.map { person in
                ShiftNotices.Notice(
                    person: person, key: "silence|\(id)|\(anchor)|\(person)",
                    subject: subject,
                    text: silent + "Its commander is \(crisis.roles.commander ?? "nobody"). You are told as level \(above) of \(policy.name), "
                        + "the level above the one it reached; you are not paged.\n")
            }
            if !notices.isEmpty {
                reminders.append(Reminder(notices: notices, entry: .reminded(id, people: people, silentSince: since, escalated: true)))
            }
        }
        return reminders
    }
}
