import Foundation
import RotaCore
import RotaEngine
import RotaStore

/// Where the runner stands, and what needs someone's attention.
public struct RunnerHealth: Sendable {
    public var status: RunnerStatus
    public var problems: [String]
    /// Open alerts whose level 1 still waits (a maintenance window, daytime), with what they wait for.
    public var held: [(id: Int, reason: String)]
}

/// The runner (DESIGN §8): one tick for cron and serve alike, its dry run and its health.
public struct RunnerUseCases: UseCase {
    public let context: Workspace

    /// One tick: planning under the runner lock (nil when another runner holds it), then
    /// delivery outside it, so a delivery stuck on a slow peer never keeps the next tick (cron's,
    /// or another host's) from planning and paging; claims with leases keep each page to one
    /// runner. `useLock` false lets ticks run truly at once (tests of the outbox).
    public func tick(useLock: Bool = true, shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> DeliveryReport? {
        if context.isPreview {
            logger.warning("--now \(HumanTime.format(now, in: inputZone, year: true)) is ahead of the system clock: real pages go out for everything due until then, and no revision of the rota files is recorded (use --dry-run to only look)")
        }
        guard let planned = try await planTick(useLock: useLock, watching: false) else { return nil }
        return try await storeCall { try await planned.deliver(shouldStop: shouldStop) }
    }

    /// The planning half of a tick, the one way both `rota tick` and `rota serve`'s runner plan:
    /// under the runner lock, missed heartbeats are raised, the snapshot read, admins' alarms
    /// queued (`watching`: a server's runner also checks the tick mark), and the plan applied at
    /// this workspace's `now` (so `--now` holds for serve as for tick).
    public func planTick(useLock: Bool = true, watching: Bool) async throws -> PlannedTick? {
        let engine = engine()
        return try await storeCall {
            try await engine.planTick(now: now, clock: clock, useLock: useLock) {
                try await context.heartbeats.raiseMissedHeartbeats()
                try await context.drills.raiseDueDrills()
                let snapshot = try await context.snapshot()
                try await queueAdminAlarms(snapshot, engine: engine, checkTick: watching)
                try await context.crisis.queueCrisisReminders(snapshot)
                return snapshot
            }
        }
    }

    /// Queues what admins must hear (DESIGN §15): pages failed for good, rota files invalid for
    /// 10 minutes, and, for a server's runner (`checkTick`), a tick mark over 5 minutes old.
    @discardableResult
    public func queueAdminAlarms(_ snapshot: RotaSnapshot, engine: Engine, checkTick: Bool) async throws -> [AdminAlarm] {
        guard !rota.settings.admins.isEmpty else { return [] }
        let failing = try await storeCall { try await store.failingPages(now: now) }
        let lastTick = checkTick ? try await storeCall { try await store.runnerStatus(now: now) }.lastTick : nil
        let alarms = AdminAlarm.alarms(failing: failing, invalidSince: context.invalidFiles ? filesChangedAt() : nil, lastTick: lastTick,
                                       now: now, clock: clock, zone: inputZone)
        try await storeCall { try await engine.queueAdminAlarms(alarms, snapshot: snapshot, now: now) }
        return alarms
    }

    /// When the rota files were last changed: the newest modification time among them.
    func filesChangedAt() -> Date? {
        let directory = URL(fileURLWithPath: rotasDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: rotasDirectory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.compactMap {
            (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent($0).path))?[.modificationDate] as? Date
        }.max()
    }

    /// What a tick would page now; changes nothing.
    public func dryRun() async throws -> [StoredPage] {
        let snapshot = try await context.snapshot()
        return try await storeCall { try await engine().preview(snapshot, now: now) }
    }

    /// The runner's health at `now`, with each problem said.
    public func health() async throws -> RunnerHealth {
        let status = try await storeCall { try await store.runnerStatus(now: now) }
        var problems: [String] = []
        switch TickMark.judge(status.lastTick, now: now, staleAfter: 180) {
        case .none: problems.append("no tick has run: is cron running 'rota tick'?")
        case .stale(let age): problems.append("the last tick is \(age)s old: is cron running 'rota tick'?")
        case .ahead(let seconds):
            problems.append("the last tick is \(seconds)s in the future (a tick ran with a future --now?): cron's own ticks are hidden until it is replaced")
        case .fresh: break
        }
        if status.pagesFailedForGood > 0 {
            problems.append("\(status.pagesFailedForGood) page(s) failed for good (see 'rota alert show' and fix the contact)")
        }
        // A page still retrying after 5 minutes: someone has not been reached, whatever the backoff says.
        let failing = try await storeCall { try await store.failingPages(now: now) }
            .filter { $0.nextAttemptAt != nil && $0.alertID != nil && now.timeIntervalSince($0.dueAt) >= 300 }
        for page in failing {
            problems.append("the page to \(page.person) for alert #\(page.alertID ?? 0) (\(page.contactKind)) has failed since "
                + "\(HumanTime.format(page.dueAt, in: inputZone)) and is retried: \(page.lastError ?? "no reason recorded")")
        }
        if let standIn = context.standIn { problems.append(standIn) }
        if let problem = secrets.linkProblem { problems.append(problem) }
        for item in try await context.alerts.alertsOnKeptDefinitions() { problems.append("alert #\(item.id) \(item.why)") }
        let held = try await context.alerts.list(includeResolved: false).compactMap { alert -> (Int, String)? in
            guard alert.status == .triggered, alert.progress.round == 1, alert.progress.nextLevel == 1,
                  let due = alert.progress.nextDueAt, due > now, let reason = alert.held else { return nil }
            return (alert.id, reason)
        }
        return RunnerHealth(status: status, problems: problems, held: held)
    }
}

extension Workspace {
    public var runner: RunnerUseCases { RunnerUseCases(context: self) }
}
