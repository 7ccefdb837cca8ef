import Foundation

/// Decides what is due for one alert (DESIGN.md §3). Pure: the store applies its result.
///
/// Due times count from the trigger, never from when a tick ran, so a late or missed cron run
/// neither skips nor shifts a level; a clock that steps backwards finds nothing due.
public enum EscalationPlanner {
    public struct Plan: Hashable, Sendable {
        public var progress: EscalationProgress
        /// Levels due at or before `now`, in due order.
        public var levels: [LevelDue]
        public var events: [EscalationEvent]
    }

    /// Advances `progress` to `now`.
    /// - Parameter onCall: who is on call in a schedule at an instant (nil: nobody).
    public static func advance(_ start: EscalationProgress, policy: EscalationPolicy, ackTimeout: Int?, now: Date,
                               onCall: (String, Date) -> String?) -> Plan {
        var progress = start
        var levels: [LevelDue] = []
        var events: [EscalationEvent] = []

        if progress.status == .acknowledged, let wake = progress.wakeUp(ackTimeout: ackTimeout), wake <= now {
            // Still acknowledged and unresolved after the ack timeout: start over at level 1.
            progress.status = .triggered
            progress.round += 1
            progress.cycleFirstRound = progress.round
            progress.nextLevel = 1
            progress.nextDueAt = wake
            progress.acknowledgedAt = nil
            events.append(.retriggered(at: wake, round: progress.round))
        }
        guard progress.status == .triggered, !policy.levels.isEmpty else { return Plan(progress: progress, levels: [], events: events) }

        // Bounded: every pass advances a level, and rounds are capped by `repeat`.
        let maxSteps = policy.levels.count * (policy.repeatCount + 1) + 1
        var steps = 0
        while let level = progress.nextLevel, let due = progress.nextDueAt, due <= now, steps < maxSteps {
            steps += 1
            let index = level - 1
            guard policy.levels.indices.contains(index) else {
                progress.nextLevel = nil
                progress.nextDueAt = nil
                break
            }
            let resolved = resolve(policy.levels[index].targets, at: due, onCall: onCall)
            let firing = LevelDue(round: progress.round, level: level, dueAt: due, people: resolved.people, emptySchedules: resolved.empty)
            if resolved.people.isEmpty {
                events.append(.levelSkipped(firing))
            } else {
                levels.append(firing)
            }
            // A level with nobody is skipped at once: the next one is due at the same instant.
            let wait = resolved.people.isEmpty ? 0 : policy.levels[index].escalateAfter ?? 0
            let next = due.addingTimeInterval(Double(wait))
            if level < policy.levels.count {
                progress.nextLevel = level + 1
                progress.nextDueAt = next
            } else if progress.round < progress.cycleFirstRound + policy.repeatCount, policy.levels[index].escalateAfter != nil || resolved.people.isEmpty {
                progress.round += 1
                progress.nextLevel = 1
                progress.nextDueAt = next
            } else {
                progress.nextLevel = nil
                progress.nextDueAt = nil
                events.append(.exhausted(at: due))
            }
        }
        return Plan(progress: progress, levels: levels, events: events)
    }

    /// People a level's targets name at `instant`, each once, and the schedules that had nobody.
    static func resolve(_ targets: [Target], at instant: Date, onCall: (String, Date) -> String?) -> (people: [String], empty: [String]) {
        var people: [String] = []
        var empty: [String] = []
        for target in targets {
            switch target {
            case .person(let id):
                if !people.contains(id) { people.append(id) }
            case .schedule(let id):
                if let person = onCall(id, instant) {
                    if !people.contains(person) { people.append(person) }
                } else {
                    empty.append(id)
                }
            }
        }
        return (people, empty)
    }

    /// The whole escalation if nobody answers: every level of every round, from `start`.
    public static func timeline(policy: EscalationPolicy, from start: Date, onCall: (String, Date) -> String?) -> [LevelDue] {
        var progress = EscalationProgress.raised(at: start)
        var all: [LevelDue] = []
        let maxSteps = policy.levels.count * (policy.repeatCount + 1) + 1
        for _ in 0..<maxSteps {
            guard let due = progress.nextDueAt else { break }
            let plan = advance(progress, policy: policy, ackTimeout: nil, now: due, onCall: onCall)
            for event in plan.events { if case .levelSkipped(let skipped) = event { all.append(skipped) } }
            all += plan.levels
            progress = plan.progress
        }
        return all.sorted { ($0.dueAt, $0.round, $0.level) < ($1.dueAt, $1.round, $1.level) }
    }
}
