import Foundation
import RotaCore
import RotaEngine
import RotaFormats
import RotaStore

/// An update as posted: the incident after it, and who was told.
public struct PostedUpdate: Sendable {
    public var incident: StoredAlert
    public var crisis: StoredCrisis
    public var told: [String]
}


/// A chain's crisis organisation as it would stand for an incident opening at one instant.
public struct CrisisOrganisation: Sendable {
    public var roles: IncidentRoles
    public var stakeholders: [String]
    public var updatesEvery: Int?
}

/// The crisis organisation (DESIGN §11): roles, updates, reminders, the postmortem draft.
public struct CrisisUseCases: UseCase {
    public let context: Workspace

    /// Who holds the roles of an incident opening now on `service`'s chain (DESIGN §11): nobody
    /// when the chain names no roles (and then no timetable is built).
    func rolesForNewIncident(on service: Service) async throws -> IncidentRoles {
        guard let policy = rota.escalation(service.escalation), !policy.roles.isEmpty else { return IncidentRoles() }
        return Crisis.roles(policy.roles, timetable: try await timetable(from: now, to: nil), at: now)
    }

    /// `rota incident role N --commander P | --comms P`: gives the role to P (logged) and tells P once.
    public func assignRole(_ role: CrisisRole, to personID: String, incident id: Int, as actorName: String?) async throws -> (incident: StoredAlert, crisis: StoredCrisis) {
        let person = try person(personID).id
        let actor = try actor(as: actorName)
        let incident = try await context.incidents.incident(of: id)
        let crisis = try await storeCall { try await store.assignRole(role, to: person, incident: incident.id, actor: actor, now: now) }
        if ActorName.person(actor) != person {
            let notice = ShiftNotices.Notice(
                person: person, key: "role|\(incident.id)|\(role.rawValue)|\(now.millis)|\(person)",
                subject: "You are \(role.rawValue) of incident #\(incident.id)",
                text: "\(actor) made you \(role.rawValue) of incident #\(incident.id) on \(incident.service) (\(incident.summary)) at \(HumanTime.format(now, in: inputZone)).\n"
                    + (role == .commander ? "Post status updates with rota incident update \(incident.id) \"…\".\n" : ""))
            _ = try await storeCall { try await store.enqueue(Engine.entries([notice], rota: rota, now: now)) }
        }
        return (incident, crisis)
    }

    /// `rota incident update N TEXT`: kept in the incident's timeline and sent (`ROTA_NOTICE=update`)
    /// to the chain's stakeholders, the incident's roles and everyone paged for it, not to its poster.
    public func postUpdate(incident id: Int, text raw: String, as actorName: String?) async throws -> PostedUpdate {
        try await postUpdate(incident: id, text: raw, actorID: try actor(as: actorName))
    }

    func postUpdate(incident id: Int, text raw: String, actorID actor: String) async throws -> PostedUpdate {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw RotaError.usage("an update needs some text: what is known, what is being done, when the next update comes") }
        guard text.count <= AlertText.summaryLimit * 4 else {
            throw RotaError.usage("an update is at most \(AlertText.summaryLimit * 4) characters (this one has \(text.count)); link to a document for more")
        }
        let incident = try await context.incidents.incident(of: id)
        guard incident.mergedInto == nil else { throw RotaError.usage("incident #\(incident.id) was merged into #\(incident.mergedInto ?? 0); post the update there") }
        let before = try await storeCall { try await store.crisis(incident: incident.id) }
        let paged = try await storeCall { try await store.pagedPeople(alert: incident.id) }
        let policy = rota.escalation(incident.escalation)
        let stakeholders = try await timetable(from: now, to: nil).people(policy?.stakeholders ?? [], at: now)
        let audience = Crisis.updateAudience(stakeholders: stakeholders, roles: before.roles, paged: paged, poster: ActorName.person(actor))
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        let headline = firstLine.count > 80 ? String(firstLine.prefix(79)) + "…" : firstLine
        let subject = "Incident #\(incident.id) update from \(actor): \(headline)"
        let body = "Status update on incident #\(incident.id) on \(incident.service) (\(incident.summary)), posted by \(actor) at \(HumanTime.format(now, in: inputZone)):\n\n\(text)\n"
        let key = "update|\(incident.id)|\(now.millis)|\(Self.textHash(text))"
        let notices = audience.map { ShiftNotices.Notice(person: $0, key: "\(key)|\($0)", subject: subject, text: body) }
        let crisis = try await storeCall {
            try await store.postUpdate(incident: incident.id, text: text, actor: actor, now: now, notices: Engine.entries(notices, rota: rota, now: now))
        }
        return PostedUpdate(incident: incident, crisis: crisis, told: audience)
    }

    /// A short stable hash (FNV-1a) that tells two updates of the same millisecond apart in their notice keys.
    static func textHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        return String(hash, radix: 16)
    }

    /// The tick's crisis reminders (DESIGN §11, §16): for each open incident on a chain with
    /// `updates_every`, what `Crisis.reminders` says is due, queued once (the outbox keys them,
    /// so concurrent runners and hosts queue each once), its line logged by whoever queued it.
    func queueCrisisReminders(_ snapshot: RotaSnapshot) async throws {
        let chains = Set(rota.escalations.filter { $0.updatesEvery != nil }.map(\.id))
        guard !chains.isEmpty else { return }
        let open = try await storeCall { try await store.incidents(includeClosed: false) }
            .filter { chains.contains($0.escalation) && $0.status != .resolved }
        guard !open.isEmpty else { return }
        let pages = Dictionary(grouping: try await storeCall { try await store.openAlertPages() }, by: { $0.alertID ?? 0 })
        for incident in open {
            guard let policy = rota.escalation(incident.escalation) else { continue }
            let crisis = try await storeCall { try await store.crisis(incident: incident.id) }
            let level = IncidentUseCases.view(incident, pages: pages[incident.id] ?? []).level
            for reminder in Crisis.reminders(incident: incident, crisis: crisis, policy: policy, levelReached: level,
                                             timetable: snapshot.timetable, now: now, zone: inputZone) {
                let entries = Engine.entries(reminder.notices, rota: rota, now: now)
                _ = try await storeCall { try await store.remind(incident: incident.id, entry: reminder.entry, actor: "rota", now: now, notices: entries) }
            }
        }
    }

    /// `rota simulate`: who would hold the roles and be told of updates for an incident opening on
    /// `service` at `instant`; nil when its chain names no crisis organisation.
    public func crisisOrganisation(service id: String, at instant: Date) async throws -> CrisisOrganisation? {
        guard let policy = rota.escalation(try service(id).escalation),
              !policy.roles.isEmpty || !policy.stakeholders.isEmpty || policy.updatesEvery != nil else { return nil }
        let timetable = try await timetable(from: instant, to: nil)
        return CrisisOrganisation(roles: Crisis.roles(policy.roles, timetable: timetable, at: instant),
                                  stakeholders: timetable.people(policy.stakeholders, at: instant), updatesEvery: policy.updatesEvery)
    }

    /// `rota incident report N`: the postmortem draft of the incident alert `id` belongs to.
    public func incidentReport(_ id: Int) async throws -> IncidentReport {
        let detail = try await context.incidents.detail(id)
        return IncidentReport(incident: detail.view.incident, alerts: detail.alerts, pages: detail.pages, events: detail.events,
                              crisis: detail.crisis, people: Set(rota.people.map(\.id)))
    }
}

extension Workspace {
    public var crisis: CrisisUseCases { CrisisUseCases(context: self) }
}
