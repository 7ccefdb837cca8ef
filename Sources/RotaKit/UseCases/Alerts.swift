import Foundation
import RotaNotify
import RotaConfig
import RotaCore
import RotaEngine
import RotaStore

/// What raising did: the alert (new or the open one that absorbed it) and the level-1 pages that failed.
public struct RaiseOutcome: Sendable {
    public var alert: StoredAlert
    public var deduplicated: Bool
    public var failures: [DeliveryReport.Item]
    /// Why the alert, recorded, was not paged at once (the store failed after it was written); the next tick pages it.
    public var deferred: String?
    /// True when, as a surge's alert, its incident took in others.
    var absorbed = false

    /// True when it joined an open incident (paging nobody) instead of opening its own.
    public var joined: Bool { !alert.opensIncident }
}

/// Alerts: raise, answer, look up (DESIGN §5, §8), and the rules a raise applies.
public struct AlertUseCases: UseCase {
    public let context: Workspace

    /// Raises an alert and pages its level 1 at once (as a tick would, for that alert only).
    public func raise(service id: String, summary: String, details: String?, severity: Severity, dedupKey: String?,
                      labels: [String: String] = [:], as person: String?,
                      shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> RaiseOutcome {
        try await raise(service: id, summary: summary, details: details, severity: severity, dedupKey: dedupKey, labels: labels,
                        actorID: try actor(as: person), pageNow: true, shouldStop: shouldStop)
    }

    /// Raises as `actor`; with `pageNow` false the runner pages level 1 (a server triggers it at once).
    /// A raise that joins an open incident (its group, an Alertmanager group, an open surge) pages nobody.
    func raise(service id: String, summary: String, details: String?, severity: Severity, dedupKey: String?, labels: [String: String] = [:],
               groupKey: String? = nil, actorID actor: String, pageNow: Bool, absorbing surge: Surge? = nil,
               shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> RaiseOutcome {
        let service = try service(id)
        let roles = try await context.crisis.rolesForNewIncident(on: service)
        let raised = try await storeCall {
            try await store.raise(NewAlert(service: service.id, escalation: service.escalation, summary: summary, details: details,
                                           severity: severity.rawValue, dedupKey: dedupKey,
                                           definition: Engine.definition(for: service, in: rota), firstPage: firstPageRule(for: service),
                                           join: joinRule(for: service, labels: labels, groupKey: groupKey), roles: roles),
                                  actor: actor, now: now)
        }
        // The alert is durable from here on: a store that fails now (locked, cut, moved by `rota migrate`) must not make
        // the raise look failed (a caller would raise it again); the next tick pages what this one could not.
        var failures: [DeliveryReport.Item] = []
        var alert = raised.alert
        var deferred: String?
        var absorbed = false
        do {
            if let surge, surge.absorb, !raised.deduplicated, raised.alert.opensIncident {
                // A surge's incident takes the storm in before it pages, so its first page names the storm's size.
                let since = now.addingTimeInterval(-TimeInterval(surge.within))
                let merged = try await storeCall {
                    try await store.mergeIncidents(into: raised.alert.id, .absorbing(services: surge.services, since: since), actor: actor, now: now)
                }
                try await queueMergeNotices(merged, into: raised.alert.id)
                absorbed = !merged.isEmpty
            }
            if try await checkSurges(after: service, pageNow: pageNow) {
                // A surge took the storm in, perhaps this alert with it.
                alert = try await storeCall { try await store.alert(id: raised.alert.id) }
            }
            if !raised.deduplicated && alert.opensIncident && pageNow {
                (alert, failures) = try await pageAtOnce(raised.alert.id, shouldStop: shouldStop)
            }
        } catch {
            // A sender over HTTP (or the runner) tries again, and keys make that safe; a person at a shell would not.
            guard pageNow else { throw error }
            deferred = "\(error)"
        }
        return RaiseOutcome(alert: alert, deduplicated: raised.deduplicated, failures: failures, deferred: deferred, absorbed: absorbed)
    }

    /// Plans and delivers one new alert's level 1 at once, as a tick would for it alone; the alert
    /// as it stands after (its state may have moved on: an escalation with nobody on call).
    func pageAtOnce(_ id: Int, shouldStop: @escaping @Sendable () -> Bool) async throws -> (StoredAlert, [DeliveryReport.Item]) {
        let engine = engine()
        let snapshot = try await context.snapshot()
        try await storeCall { try await engine.plan(snapshot, now: now, only: id) }
        let failures = try await storeCall { try await engine.deliver(snapshot, now: now, only: id, shouldStop: shouldStop) }.failed
        return (try await storeCall { try await store.alert(id: id) }, failures)
    }

    /// Where a new alert on `service` may join an open incident (DESIGN §10): the open surge
    /// incidents that absorb arrivals on it, its Alertmanager group, its service's `group`.
    func joinRule(for service: Service, labels: [String: String], groupKey: String?) -> JoinRule? {
        let surges = rota.surges.filter { $0.absorb && $0.services.contains(service.id) }
            .map { JoinRule.SurgeIncident(service: $0.service, dedupKey: $0.dedupKey) }
        let group = service.group.map { JoinRule.GroupMatch(key: $0.key(labels: labels), within: TimeInterval($0.within)) }
        guard !surges.isEmpty || groupKey != nil || group != nil else { return nil }
        return JoinRule(surges: surges, alertmanagerGroup: groupKey, group: group)
    }

    /// Acknowledges the incident of alert `id` (all of it): nothing more becomes due until the
    /// service's ack_timeout, if any. Returns the incident.
    public func acknowledge(_ id: Int, as person: String?) async throws -> StoredAlert {
        try await acknowledge(id, actorID: try actor(as: person))
    }

    func acknowledge(_ id: Int, actorID actor: String) async throws -> StoredAlert {
        let incident = try await context.incidents.incident(of: id)
        if incident.isDrill { return try await context.drills.answer(incident, verb: "acknowledged", actor: actor) }
        let ackTimeout = rota.service(incident.service)?.ackTimeout
        let wake = EscalationProgress.acknowledged(at: now).wakeUp(ackTimeout: ackTimeout)
        let notices = try await answerNotices(incident, verb: "acknowledged", actor: actor)
        return try await storeCall { try await store.acknowledge(id: incident.id, actor: actor, now: now, wakeAt: wake, notices: notices) }
    }

    /// Resolves the incident of alert `id` (all of it): terminal, nothing more is paged.
    public func resolve(_ id: Int, as person: String?) async throws -> StoredAlert {
        let actor = try actor(as: person)
        return try await resolve(id, actorID: actor)
    }

    func resolve(_ id: Int, actorID actor: String) async throws -> StoredAlert {
        let incident = try await context.incidents.incident(of: id)
        if incident.isDrill { return try await context.drills.answer(incident, verb: "resolved", actor: actor) }
        let notices = try await answerNotices(incident, verb: "resolved", actor: actor)
        return try await storeCall { try await store.resolve(id: incident.id, actor: actor, now: now, notices: notices) }
    }

    /// An integration's resolve: its own alert resolves; the incident does when that was its last open alert.
    func resolveAlone(_ id: Int, actorID actor: String) async throws -> StoredAlert {
        let incident = try await context.incidents.incident(of: id)
        if incident.isDrill { return try await context.drills.answer(incident, verb: "resolved", actor: actor) }
        let notices = try await answerNotices(incident, verb: "resolved", actor: actor)
        return try await storeCall { try await store.resolveAlone(id: id, actor: actor, now: now, notices: notices) }.alert
    }

    public func alert(_ id: Int) async throws -> StoredAlert {
        do {
            return try await store.alert(id: id)
        } catch .notFound(let what) {
            throw RotaError.notFound("\(what); 'rota alert list --all' shows them")
        } catch {
            throw RotaError.store(error)
        }
    }

    public func list(includeResolved: Bool) async throws -> [StoredAlert] {
        try await storeCall { try await store.alerts(includeResolved: includeResolved) }
    }

    /// One alert with every page and its log.
    public func detail(_ id: Int) async throws -> (alert: StoredAlert, pages: [StoredPage], log: [AuditEvent]) {
        let alert = try await alert(id)
        return (alert, try await storeCall { try await store.pages(alert: id) }, try await storeCall { try await store.events(alert: id) })
    }

    /// Open alerts that escalate by a definition the rota files no longer hold (`status`, `check`).
    public func alertsOnKeptDefinitions() async throws -> [(id: Int, why: String)] {
        try await list(includeResolved: false).compactMap { alert in
            let kept = alert.definition.flatMap(RotaModelCodec.decode)?.escalations.first
            let current = rota.escalation(alert.escalation)
            guard let note = AlertDefinition.choose(current: current, kept: kept, id: alert.escalation).note else {
                return current == nil ? (alert.id, "has no escalation in the rota files ('\(alert.escalation)'): nobody more is paged for it") : nil
            }
            return (alert.id, "escalates by a definition no longer in the rota files: \(note)")
        }
    }

    /// The escalation timeline of a service if nobody answers an alert raised at `start`.
    /// A `low` alert on a `low_severity: daytime` service starts at the next daytime start.
    public func simulate(service id: String, at raisedAt: Date, severity: Severity = .high) async throws -> (service: Service, timeline: [LevelDue]) {
        let service = try service(id)
        guard let policy = rota.escalation(service.escalation) else {
            throw RotaError.notFound("no escalation '\(service.escalation)'")
        }
        let start = firstPageRule(for: service).hold(raisedAt: raisedAt, severity: severity, maintenance: [])?.until ?? raisedAt
        let timetable = try await timetable(from: start, to: nil)
        return (service, EscalationPlanner.timeline(policy: policy, from: start) { timetable.person(schedule: $0, at: $1) })
    }

    // MARK: the rules a raise applies

    /// What decides a new alert's first page on `service` besides its maintenance windows (which the
    /// store reads in the raise's transaction): low severity waits for daytime, in the zone of the
    /// escalation's first schedule, else the settings zone.
    func firstPageRule(for service: Service) -> FirstPage.Rule {
        let policy = rota.escalation(service.escalation)
        let firstSchedule = policy?.levels.flatMap(\.targets).compactMap { target -> Schedule? in
            if case .schedule(let id) = target { return rota.schedule(id) }
            return nil
        }.first
        let daytime = FirstPage.Daytime(zone: firstSchedule?.zone ?? rota.settings.zone, from: rota.settings.daytimeFrom, to: rota.settings.daytimeTo)
        return FirstPage.Rule(lowWaitsForDaytime: service.lowSeverityDaytime, daytime: daytime)
    }

    /// "Alert #7 acknowledged by hugo at …" for everyone already paged for it, once each (the
    /// outbox keys them), through their contacts (or those the alert kept).
    func answerNotices(_ alert: StoredAlert, verb: String, actor: String) async throws -> [OutboxEntry] {
        guard alert.status != .resolved, verb == "resolved" || alert.status == .triggered else { return [] }
        let paged = try await storeCall { try await store.pagedPeople(alert: alert.id) }
        let kept = alert.definition.flatMap(RotaModelCodec.decode)
        let subject = alert.alertCount > 1 ? "Incident #\(alert.id) (\(alert.alertCount) alerts) \(verb) by \(actor)" : "Alert #\(alert.id) \(verb) by \(actor)"
        let text = "\(subject) at \(HumanTime.format(now, in: inputZone)): \(alert.summary)\nNothing more is paged for it\(verb == "acknowledged" ? " while it stays acknowledged" : "").\n"
        // Whoever answered knows already, whatever the door ("ann", "ann (link)", "ann (slack)", "ann (sms)").
        let answerer = ActorName.person(actor)
        return paged.filter { $0 != answerer }.flatMap { person in
            AlertDefinition.contacts(of: person, in: rota, kept: kept).contacts.enumerated().map { index, contact in
                OutboxEntry(delivery: .notice(key: "answer|\(alert.id)|\(verb)|\(person)", subject: subject, text: text), person: person,
                            contact: index, contactKind: contact.channel.kind, contactKey: contact.key, dueAt: now)
            }
        }
    }

    /// After an arrival on `service`: every surge watching it that now has enough arrivals
    /// within its window raises its own alert (deduplicated by `surge:ID`, so many raisers at
    /// once still make one; while it is open, more arrivals only raise its count).
    /// With `absorb`, a surge that fires takes in the open, unacknowledged incidents of its
    /// services from its window (DESIGN §10); true when it did.
    func checkSurges(after service: Service, pageNow: Bool) async throws -> Bool {
        var absorbed = false
        for surge in rota.surges where surge.services.contains(service.id) {
            let since = now.addingTimeInterval(-TimeInterval(surge.within))
            let count = try await storeCall { try await store.arrivals(services: surge.services, since: since) }
            guard count >= surge.alerts, rota.service(surge.service) != nil else { continue }
            let raised = try await raise(service: surge.service, summary: surge.summary(count: count),
                                         details: "Raised by the surge \(surge.id): \(surge.alerts) or more arrivals within \(surge.within / 60) min.",
                                         severity: .critical, dedupKey: surge.dedupKey, actorID: "surge:\(surge.id)", pageNow: pageNow,
                                         absorbing: surge)
            absorbed = absorbed || raised.absorbed
        }
        return absorbed
    }

    /// "Incident #3 merged into incident #9" for everyone already paged for a merged incident,
    /// once per person and merge however many incidents it took (a storm's desk gets one notice,
    /// not one per complaint), through their contacts (`ROTA_NOTICE=merged`).
    func queueMergeNotices(_ merged: [MergedIncident], into target: Int) async throws {
        var people: [String] = []
        for incident in merged { for person in incident.paged where !people.contains(person) { people.append(person) } }
        let notices = people.map { person in
            let theirs = merged.filter { $0.paged.contains(person) }
            let names = theirs.count == 1 ? "Incident #\(theirs[0].id)" : "Incidents " + theirs.map { "#\($0.id)" }.joined(separator: ", ")
            let alerts = theirs.reduce(0) { $0 + $1.alerts }
            return ShiftNotices.Notice(person: person, key: "merged|\(target)|\(theirs.map { String($0.id) }.joined(separator: ","))|\(person)",
                                       subject: "\(names) merged into incident #\(target)",
                                       text: "\(names) (\(alerts) alert(s)), for which you were paged, \(theirs.count == 1 ? "was" : "were") merged into incident #\(target) at \(HumanTime.format(now, in: inputZone)).\nPages not yet sent for \(theirs.count == 1 ? "it" : "them") are cancelled; incident #\(target) escalates for them from now on.\n")
        }
        guard !notices.isEmpty else { return }
        _ = try await storeCall { try await store.enqueue(Engine.entries(notices, rota: rota, now: now)) }
    }

}

extension Workspace {
    public var alerts: AlertUseCases { AlertUseCases(context: self) }
}
