import Foundation
import RotaConfig
import RotaCore
import RotaStore

extension Engine {
    /// The decision for one alert at `now`: the pure planner's answer, turned into rows for the
    /// store and lines for its log. Runs inside the store's transaction: no I/O.
    public static func decide(_ alert: StoredAlert, snapshot: RotaSnapshot, now: Date) -> AlertDecision? {
        let rota = snapshot.rota
        let service = rota.service(alert.service)
        let kept = alert.definition.flatMap(RotaModelCodec.decode)
        let current = rota.escalation(alert.escalation) ?? service.flatMap({ rota.escalation($0.escalation) })
        let choice = AlertDefinition.choose(current: current, kept: kept?.escalations.first, id: alert.escalation)
        guard var policy = choice.policy else {
            // An alert raised before definitions were kept, whose escalation left the files.
            guard alert.progress.nextDueAt != nil || alert.status == .acknowledged else { return nil }
            var stopped = alert.progress
            stopped.nextLevel = nil
            stopped.nextDueAt = nil
            return AlertDecision(progress: stopped, wakeAt: nil, pages: [], log: [AuditEntry(.escalationMissing,
                "escalation '\(alert.escalation)' is no longer in the rota files and this alert kept no copy of it; nobody more will be paged — acknowledge or resolve it by hand")])
        }
        let ackTimeout = service?.ackTimeout
        // A drill pages every level once (DESIGN §16: repeats skipped).
        if alert.isDrill { policy.repeatCount = 0 }
        if alert.isDrill, alert.progress.nextLevel == nil, alert.status == .triggered {
            return drillEnd(alert, now: now)
        }
        var plan = EscalationPlanner.advance(alert.progress, policy: policy, ackTimeout: ackTimeout, now: now) { schedule, instant in
            snapshot.timetable.person(schedule: schedule, at: instant)
        }
        if alert.isDrill, plan.progress.nextLevel == nil, let last = plan.events.lazy.compactMap(\.exhaustedAt).first {
            // Open for answers a while after its last level, then it ends by itself (`drillEnd`).
            plan.progress.nextDueAt = Drill.end(start: alert.createdAt, exhausted: last, lastWait: policy.levels.last?.escalateAfter)
        }
        let wake = plan.progress.wakeUp(ackTimeout: ackTimeout)
        // Keep the definition the files give now, so a later cut falls back on the newest whole one.
        var definition: Data?
        if choice.note == nil {
            let captured = RotaModelCodec.encode(AlertDefinition.capture(policy, from: rota, keeping: kept))
            if captured != alert.definition { definition = captured }
        }
        guard plan.progress != alert.progress || !plan.levels.isEmpty || !plan.events.isEmpty else {
            return definition.map { AlertDecision(progress: alert.progress, wakeAt: wake, pages: [], log: [], definition: $0) }
        }

        var pages: [OutboxEntry] = []
        var log: [AuditEntry] = []
        if let note = choice.note { log.append(AuditEntry(.definitionKept, note)) }
        for event in plan.events {
            switch event {
            case .retriggered(let at, let round):
                let acked = (alert.acknowledgedBy.map { " by \($0)" } ?? "") + (alert.progress.acknowledgedAt.map { " at \(TimeText.utc($0))" } ?? "")
                let timeout = ackTimeout.map { " of \(DurationText.format(seconds: $0))" } ?? ""
                log.append(AuditEntry(.alertRetriggered, "acknowledged\(acked) and still unresolved when its ack_timeout\(timeout) ran out at \(TimeText.utc(at)): "
                                      + "escalating again from level 1 (round \(round): every pass through the chain counts as a round)"))
            case .levelSkipped(let level):
                log.append(AuditEntry(.levelSkipped, "round \(level.round), level \(level.level) due at \(TimeText.utc(level.dueAt)) skipped: nobody on call in \(level.emptySchedules.map { "schedule \($0)" }.joined(separator: ", "))"))
            case .exhausted(let at) where alert.isDrill:
                log.append(AuditEntry(.escalationExhausted, "the drill's last level was due at \(TimeText.utc(at)); it takes answers until \(TimeText.utc(plan.progress.nextDueAt ?? at)), then ends"))
            case .exhausted(let at):
                log.append(AuditEntry(.escalationExhausted, "the last level of the last round was due at \(TimeText.utc(at)); no more pages until someone acknowledges"))
            }
        }
        for level in plan.levels {
            var paged: [String] = []
            for person in level.people {
                let reach = AlertDefinition.contacts(of: person, in: rota, kept: kept)
                if let note = reach.note { log.append(AuditEntry(.definitionKept, note)) }
                guard !reach.contacts.isEmpty else {
                    log.append(AuditEntry(.pageUnreachable, "round \(level.round), level \(level.level): \(person) has no contacts in the rota files"))
                    continue
                }
                paged.append(person)
                for (index, contact) in reach.contacts.enumerated() {
                    let due = level.dueAt.addingTimeInterval(Double(contact.afterSeconds))
                    pages.append(OutboxEntry(delivery: .page(round: level.round, level: level.level, levelDueAt: level.dueAt), person: person,
                                             contact: index, contactKind: contact.channel.kind, contactKey: contact.key, dueAt: due,
                                             late: LatePolicy.isLate(dueAt: due, queuedAt: now)))
                }
            }
            var detail = "round \(level.round), level \(level.level) due at \(TimeText.utc(level.dueAt)): paging \(paged.joined(separator: ", "))"
            if !level.emptySchedules.isEmpty { detail += " (nobody on call in \(level.emptySchedules.joined(separator: ", ")))" }
            log.append(AuditEntry(.levelDue, detail))
        }
        return AlertDecision(progress: plan.progress, wakeAt: wake, pages: pages, log: log, definition: definition)
    }

    /// A drill past its last level: it ends (resolved by `drill`) once its answer window is over.
    static func drillEnd(_ alert: StoredAlert, now: Date) -> AlertDecision? {
        let end = alert.progress.nextDueAt ?? now
        guard end <= now else { return nil }
        var progress = alert.progress
        progress.nextDueAt = nil
        progress.status = .resolved
        return AlertDecision(progress: progress, wakeAt: nil, pages: [], resolved: (end, "drill"),
                             log: [AuditEntry(.drillEnded, "drill ended: every level was paged and its answer window is over")])
    }
}
