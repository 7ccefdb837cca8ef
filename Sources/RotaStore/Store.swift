import Foundation
import RotaCore

// The store contract: one protocol per noun, each saying what must hold when several
// processes (cron's tick, a person's `rota ack`, a server, other hosts) call it at once.
// Async, so that a networked backend can implement it; every method that reads then
// writes does so atomically. `Tests/RotaStoreTests/StoreConformance.swift` checks any
// backend against it.

/// Revisions of the rota files.
///
/// Concurrency: history is linear. Two callers recording the same change at once store it
/// once; two recording different changes store both, one after the other, each effective no
/// earlier than the one before it.
public protocol RevisionStore: Sendable {
    /// Stores a revision when `fingerprint` differs from the newest one; nil when nothing changed.
    /// Effective from `now`, or from the newest revision's start when `now` is earlier.
    func recordRevision(model: Data, files: [String], fingerprint: String, now: Date, actor: String) async throws(StoreError) -> StoredRevision?
    /// Every revision, oldest first, without content.
    func revisions() async throws(StoreError) -> [StoredRevision]
    func content(ofRevision id: Int) async throws(StoreError) -> RevisionContent
}

/// Overrides and leave added from the command line.
///
/// Concurrency: every add gets its own id and is never lost; a removal removes one row once
/// (a second removal of the same id is `notFound`).
public protocol CoverStore: Sendable {
    /// Adds covers in one transaction (one for an override or leave, several for a swap), logged as `entry`.
    func addCovers(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date) async throws(StoreError) -> [Int]
    /// Adds the overrides of one swap: each records the swap's id (its first override's id).
    func addSwap(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date) async throws(StoreError) -> [Int]
    /// Removes every override of a swap at once, logged; `StoreError.notFound` when there is none.
    func removeSwap(_ id: Int, actor: String, now: Date) async throws(StoreError) -> [StoredCover]
    /// Covers of one kind that end after `after` (all when nil), oldest first: a later one wins.
    func covers(_ kind: StoredCover.Kind, endingAfter after: Date?) async throws(StoreError) -> [StoredCover]
    /// Removes one cover, logged with `describe`'s text.
    func removeCover(_ kind: StoredCover.Kind, id: Int, actor: String, now: Date,
                     describe: @escaping @Sendable (StoredCover) -> String) async throws(StoreError) -> StoredCover
}

/// Alerts and their escalation state.
///
/// Concurrency: raising with a dedup key while an open alert has it counts into that alert,
/// even when many raise at once (one open alert per service and key). Acknowledging or
/// resolving is atomic with cancelling the pages not yet sent. `advanceAlerts` decides and
/// writes each alert in one transaction that sees every committed ack, so a page is never
/// queued for an alert acknowledged first, and two runners advancing at once queue each page once.
public protocol AlertStore: Sendable {
    func raise(_ new: NewAlert, actor: String, now: Date) async throws(StoreError) -> (alert: StoredAlert, deduplicated: Bool)
    /// Moves a triggered alert to acknowledged (its runner looks again at `wakeAt`: the ack timeout).
    /// `notices` (to those already paged) are queued in the same transaction, only if the state changed.
    func acknowledge(id: Int, actor: String, now: Date, wakeAt: Date?, notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert
    func resolve(id: Int, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> StoredAlert
    /// Advances every alert whose wake-up time has come (or only `alertID`). `decide` is pure:
    /// it runs inside the transaction and must do no I/O.
    @discardableResult
    func advanceAlerts(now: Date, only alertID: Int?, actor: String,
                       decide: @escaping @Sendable (StoredAlert) -> AlertDecision?) async throws(StoreError) -> Int
    func alert(id: Int) async throws(StoreError) -> StoredAlert
    /// The open (triggered or acknowledged) alert of a service with this dedup key, if any.
    func openAlert(service: String, dedupKey: String) async throws(StoreError) -> StoredAlert?
    func alerts(includeResolved: Bool) async throws(StoreError) -> [StoredAlert]
    /// Alerts whose wake-up time has come, read without writing (dry runs).
    func dueAlerts(now: Date) async throws(StoreError) -> [StoredAlert]
    func pages(alert id: Int) async throws(StoreError) -> [StoredPage]
    /// The pages of every open alert in one read (the board's "who was paged"), by alert then due time.
    func openAlertPages() async throws(StoreError) -> [StoredPage]
    /// Arrivals (raises, new or deduplicated) on these services at or after `since`.
    func arrivals(services: [String], since: Date) async throws(StoreError) -> Int
    /// Everyone paged (or being paged) for an alert, first paged first.
    func pagedPeople(alert id: Int) async throws(StoreError) -> [String]
    func events(alert id: Int) async throws(StoreError) -> [AuditEvent]
    /// Levels that reached someone with their level due in `[from, to)`, one per (alert, round, level, person).
    func receivedPages(from: Date, to: Date) async throws(StoreError) -> [ReceivedPage]
}

/// Incidents (DESIGN §10): alerts grouped into the incident that escalates for them. An incident
/// lives on the alert that opened it; acknowledge and resolve (above) take any alert of an
/// incident and answer all of it.
///
/// Concurrency: raises that would open the same group at once open it once (the others join it);
/// a merge and an answer of the same incident are serialised, and a merge never takes an
/// incident answered or merged meanwhile.
public protocol IncidentStore: Sendable {
    /// Resolves one alert on its own (an integration's resolve). When it was the incident's last
    /// open alert the whole incident resolves, `notices` queued with it; else only the alert does.
    func resolveAlone(id: Int, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> (alert: StoredAlert, incidentResolved: Bool)
    /// Moves the alerts of open incidents into `target`: the sources end `merged`, their pages not
    /// yet sent are cancelled. Returns what was merged, with who had been paged for each.
    func mergeIncidents(into target: Int, _ sources: MergeSources, actor: String, now: Date) async throws(StoreError) -> [MergedIncident]
    /// Incidents, newest first: the open ones, or (`includeClosed`) every one.
    func incidents(includeClosed: Bool) async throws(StoreError) -> [StoredAlert]
    /// The alerts of an incident, oldest first; with `latest`, only the newest that many, newest first.
    func incidentAlerts(id: Int, latest: Int?) async throws(StoreError) -> [StoredAlert]
    /// The audit lines of every alert of an incident, oldest first.
    func incidentEvents(id: Int) async throws(StoreError) -> [AuditEvent]
}

/// Crisis mode (DESIGN §11): an incident's roles and status updates.
///
/// Concurrency: a role assignment and an update are each one transaction; two updates at once
/// are both kept, in order; the newest assignment of a role wins.
public protocol CrisisStore: Sendable {
    /// The incident's record (empty when none was kept), with its first acknowledgement from the log.
    func crisis(incident id: Int) async throws(StoreError) -> StoredCrisis
    /// Gives `role` to `person`, logged with what `entry` makes of the previous holder.
    func assignRole(_ role: CrisisRole, to person: String, incident id: Int, actor: String, now: Date) async throws(StoreError) -> StoredCrisis
    /// Posts a status update: its line in the incident's log, the latest update's time, and
    /// `notices` queued, in one transaction.
    func postUpdate(incident id: Int, text: String, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> StoredCrisis
    /// Queues a reminder's notices; when any was new (not queued by another runner before), logs
    /// `entry` on the incident in the same transaction. True when it was new.
    func remind(incident id: Int, entry: AuditEntry, actor: String, now: Date, notices: [OutboxEntry]) async throws(StoreError) -> Bool
}

/// Which incidents a merge takes.
public enum MergeSources: Sendable {
    /// These incidents (a person's `rota incident merge`).
    case incidents([Int])
    /// A surge's absorption: the triggered (unacknowledged) incidents of these services opened at or after `since`.
    case absorbing(services: [String], since: Date)
}

/// One incident a merge took.
public struct MergedIncident: Sendable, Hashable {
    public var id: Int
    public var alerts: Int
    /// Everyone paged (or being paged) for it before the merge.
    public var paged: [String]

    public init(id: Int, alerts: Int, paged: [String]) {
        self.id = id
        self.alerts = alerts
        self.paged = paged
    }
}

/// The outbox: one row per delivery, each delivered once.
///
/// Concurrency: a row is claimed by one caller at a time: a claim marks it sending with a
/// lease and an attempt number, and no other caller can claim it until the lease lapses
/// (then the next claim takes it over with a new attempt number). A finish is recorded only
/// by the holder of the current attempt; a finish from a lapsed claim changes nothing.
/// Queuing the same entry twice (same alert, round, level, person and contact key; or same
/// notice key and contact key) queues it once.
public protocol OutboxStore: Sendable {
    /// Claims up to `limit` due rows (or rows whose claim lapsed), oldest due first, leaving
    /// alone the rows of the contact keys in `excluding` (addresses already busy). Rows of
    /// alerts no longer triggered are cancelled instead.
    func claimPages(now: Date, lease: TimeInterval, limit: Int, only alertID: Int?, excluding: Set<String>) async throws(StoreError) -> [(page: StoredPage, alert: StoredAlert?)]
    /// Records how claimed deliveries went, in one transaction.
    func finishPages(_ results: [FinishedPage], now: Date) async throws(StoreError)
    /// Queues notices; returns how many were new.
    @discardableResult
    func enqueue(_ entries: [OutboxEntry]) async throws(StoreError) -> Int
    /// Rows a claim would take now, read without writing (dry runs).
    func duePages(now: Date) async throws(StoreError) -> [StoredPage]
    /// Rows whose last attempt failed (retrying, or for good) of open alerts, and notices of the
    /// last day that failed: what the watcher tells admins about. Oldest due first.
    func failingPages(now: Date) async throws(StoreError) -> [StoredPage]
}

/// The runner's own state: when it last ticked, and the lock that keeps ticks from overlapping.
///
/// Concurrency: the mark never moves backwards, except over a mark ahead of the caller's
/// system clock. The runner lock is held by one runner at a time; it only saves work, since
/// the outbox alone keeps each page single.
public protocol RunnerStore: Sendable {
    func recordTick(now: Date, clock: Date) async throws(StoreError)
    func runnerStatus(now: Date) async throws(StoreError) -> RunnerStatus
    /// A small write that changes nothing (the tick mark rewritten as it is), so a health check
    /// learns whether the database can be written at all (a full disk, a read-only mount).
    func probeWrite() async throws(StoreError)
    /// The runner lock, or nil when another runner holds it. Released by `RunnerLock.release()`.
    func acquireRunnerLock() async throws(StoreError) -> (any RunnerLock)?
}

/// A held runner lock.
public protocol RunnerLock: Sendable {
    func release()
}

/// Calendar feeds: each person's feed URLs carry a generation; revoking moves it on.
///
/// Concurrency: a revocation is never lost, and a URL made before it answers 404 after it.
public protocol FeedStore: Sendable {
    func feedGeneration(person: String) async throws(StoreError) -> Int
    /// Moves the person's generation on (every earlier URL stops working); returns the new one.
    func revokeFeeds(person: String, actor: String, now: Date) async throws(StoreError) -> Int
}

/// Maintenance windows.
///
/// Concurrency: every add is kept; removing a window releases, in the same transaction, the
/// alerts it held (their level 1 becomes due at once), so none waits for a window that is gone.
public protocol MaintenanceStore: Sendable {
    func addMaintenance(service: String, start: Date, end: Date, reason: String?, actor: String, now: Date) async throws(StoreError) -> Int
    /// Windows that end after `after` (all when nil), oldest first.
    func maintenance(endingAfter after: Date?) async throws(StoreError) -> [StoredMaintenance]
    /// Removes a window; the alerts raised in it that still wait become due at `now`. Returns the window and how many it released.
    func removeMaintenance(id: Int, actor: String, now: Date) async throws(StoreError) -> (window: StoredMaintenance, released: Int)
}

/// When each heartbeat last pinged.
///
/// Concurrency: a ping is never lost, and the time kept never moves backwards.
public protocol HeartbeatStore: Sendable {
    /// Records a ping at `now`; returns the ping before it, if any.
    @discardableResult
    func ping(heartbeat id: String, now: Date) async throws(StoreError) -> Date?
    func lastPings() async throws(StoreError) -> [String: Date]
}

/// The audit log: append-only.
///
/// Concurrency: lines are only ever added; nothing updates or deletes one.
public protocol AuditLog: Sendable {
    /// Lines from `since` on, oldest first.
    func events(since: Date?) async throws(StoreError) -> [AuditEvent]
    /// Adds one line (what a person did that no other write records, e.g. a test page, an
    /// answer to a drill), on an alert's log when `alert` is given.
    func append(_ entry: AuditEntry, actor: String, now: Date, alert: Int?) async throws(StoreError)
}

extension AuditLog {
    public func append(_ entry: AuditEntry, actor: String, now: Date) async throws(StoreError) {
        try await append(entry, actor: actor, now: now, alert: nil)
    }
}

/// Everything rota keeps.
extension OutboxStore {
    public func claimPages(now: Date, lease: TimeInterval, limit: Int, only alertID: Int?) async throws(StoreError) -> [(page: StoredPage, alert: StoredAlert?)] {
        try await claimPages(now: now, lease: lease, limit: limit, only: alertID, excluding: [])
    }
}

public protocol Store: RevisionStore, CoverStore, AlertStore, IncidentStore, CrisisStore, ReportStore, OutboxStore, RunnerStore, FeedStore, MaintenanceStore, HeartbeatStore, AuditLog {
    /// Where it is, for messages (never with a password).
    var location: String { get }
    /// Where this host keeps its own files for this store (the address book, the compiled rota),
    /// as a path prefix: beside the SQLite file, or under the state directory for PostgreSQL.
    var localPath: String { get }
    /// True when other hosts may share the store (PostgreSQL): then a host whose rota files are an
    /// earlier revision's never records them again (DESIGN §7).
    var isShared: Bool { get }
}
