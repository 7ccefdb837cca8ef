import Foundation
import Logging
import PostgresNIO
import RotaCore
import RotaStore

extension PostgresStore {
    /// Revisions are written one at a time (a transaction-scoped advisory lock), each following the newest.
    static let revisionLockKey: Int64 = 0x726F_7461_7265_76 // "rotarev"
    /// The runner lock, held for a tick by one runner of all hosts.
    static let runnerLockKey: Int64 = 0x726F_7461_7469_6B // "rotatik"

    // MARK: revisions

    public func recordRevision(model: Data, files: [String], fingerprint: String, now: Date, actor: String) async throws(StoreError) -> StoredRevision? {
        // The common case (nothing changed) is one read.
        let newest = try await read { db in
            try await db.rows("SELECT fingerprint FROM revision ORDER BY id DESC LIMIT 1", logger: self.logger).first.map { try $0("fingerprint", as: String.self) }
        }
        if newest == fingerprint { return nil }
        return try await transaction { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.revisionLockKey))", logger: self.logger)
            let last = try await db.rows("SELECT id, effective_at, fingerprint FROM revision ORDER BY id DESC LIMIT 1", logger: self.logger).first
                .map(StoredRevision.init)
            if let last, last.fingerprint == fingerprint { return nil }
            let effective = StoredRevision.effective(now: now, after: last)
            let id = try await db.rows("""
                INSERT INTO revision (effective_at, stored_at, fingerprint, model, follows, host)
                VALUES (\(effective.millis), \(now.millis), \(fingerprint), \(model), \(Int64(last?.id ?? 0)), \(self.host)) RETURNING id
                """, logger: self.logger).first.map { Int(try $0("id", as: Int64.self)) } ?? 0
            try await self.log(db, at: now, actor: actor, .revision(id, files: files, effective: effective))
            return StoredRevision(id: id, effectiveAt: effective, fingerprint: fingerprint)
        }
    }

    public func revisions() async throws(StoreError) -> [StoredRevision] {
        try await read { db in
            try await db.rows("SELECT id, effective_at, fingerprint FROM revision ORDER BY id", logger: self.logger).map(StoredRevision.init)
        }
    }

    public func content(ofRevision id: Int) async throws(StoreError) -> RevisionContent {
        let found: (model: Data?, sources: String)? = try await read { db in
            try await db.rows("SELECT sources, model FROM revision WHERE id = \(Int64(id))", logger: self.logger).first.map {
                (try $0("model", as: Data?.self), try $0("sources", as: String.self))
            }
        }
        guard let found else { throw .notFound("no revision \(id)") }
        return try .stored(revision: id, model: found.model, sources: found.sources)
    }

    // MARK: overrides and leave

    public func addCovers(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date) async throws(StoreError) -> [Int] {
        try await add(items, entry: entry, actor: actor, now: now, swap: false)
    }

    public func addSwap(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date) async throws(StoreError) -> [Int] {
        try await add(items, entry: entry, actor: actor, now: now, swap: true)
    }

    public func removeSwap(_ id: Int, actor: String, now: Date) async throws(StoreError) -> [StoredCover] {
        try await transaction { db in
            let covers = try await db.rows("DELETE FROM override WHERE swap = \(Int64(id)) RETURNING *", logger: self.logger)
                .map { try StoredCover($0, kind: .override) }.sorted { $0.id < $1.id }
            guard !covers.isEmpty else { throw StoreError.notFound("no swap #\(id)") }
            try await self.log(db, at: now, actor: actor, AuditEntry(.swapRemove, StoredSwap(id: id, overrides: covers).removedText))
            return covers
        }
    }

    private func add(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date, swap: Bool) async throws(StoreError) -> [Int] {
        try await transaction { db in
            var ids: [Int] = []
            for item in items {
                let rows: [Cells]
                if let schedule = item.schedule {
                    rows = try await db.rows("""
                        INSERT INTO override (schedule, person, start_at, end_at, reason, created_by, created_at)
                        VALUES (\(schedule), \(item.person), \(item.start.millis), \(item.end.millis), \(item.reason), \(actor), \(now.millis)) RETURNING id
                        """, logger: self.logger)
                } else {
                    rows = try await db.rows("""
                        INSERT INTO leave (person, start_at, end_at, reason, created_by, created_at)
                        VALUES (\(item.person), \(item.start.millis), \(item.end.millis), \(item.reason), \(actor), \(now.millis)) RETURNING id
                        """, logger: self.logger)
                }
                if let id = try rows.first?("id", as: Int64.self) { ids.append(Int(id)) }
            }
            if swap, let first = ids.first {
                try await db.query("UPDATE override SET swap = \(Int64(first)) WHERE id = ANY(\(ids.map(Int64.init)))", logger: self.logger)
            }
            let idText = ids.map { "#\($0)" }.joined(separator: ", ")
            try await self.log(db, at: now, actor: actor, AuditEntry(entry.kind, ids.isEmpty ? entry.detail : "\(entry.detail) (\(idText))"))
            return ids
        }
    }

    public func covers(_ kind: StoredCover.Kind, endingAfter after: Date?) async throws(StoreError) -> [StoredCover] {
        try await read { db in
            try await db.rows("SELECT * FROM \(unescaped: kind.table) WHERE end_at > \(after?.millis ?? Int64.min) ORDER BY id", logger: self.logger)
                .map { try StoredCover($0, kind: kind) }
        }
    }

    public func removeCover(_ kind: StoredCover.Kind, id: Int, actor: String, now: Date,
                            describe: @escaping @Sendable (StoredCover) -> String) async throws(StoreError) -> StoredCover {
        try await transaction { db in
            guard let row = try await db.rows("DELETE FROM \(unescaped: kind.table) WHERE id = \(Int64(id)) RETURNING *", logger: self.logger).first else {
                throw StoreError.notFound("no \(kind.rawValue) #\(id)")
            }
            let cover = try StoredCover(row, kind: kind)
            try await self.log(db, at: now, actor: actor, AuditEntry(kind == .override ? .overrideRemove : .leaveRemove,
                                                                      "removed \(kind.rawValue) #\(id): \(describe(cover))"))
            return cover
        }
    }

    // MARK: the runner

    public func recordTick(now: Date, clock: Date) async throws(StoreError) {
        try await transaction { db in
            try await db.query("""
                INSERT INTO runner (id, last_tick_at, host) VALUES (1, \(now.millis), \(self.host))
                ON CONFLICT (id) DO UPDATE SET
                    last_tick_at = CASE WHEN runner.last_tick_at > \(clock.millis) THEN excluded.last_tick_at
                                        ELSE GREATEST(runner.last_tick_at, excluded.last_tick_at) END,
                    host = excluded.host
                """, logger: self.logger)
        }
    }

    public func probeWrite() async throws(StoreError) {
        try await transaction { db in try await db.query("UPDATE runner SET host = host WHERE id = 1", logger: self.logger) }
    }

    public func runnerStatus(now: Date) async throws(StoreError) -> RunnerStatus {
        try await read { db in
            let runner = try await db.rows("SELECT last_tick_at, host FROM runner WHERE id = 1", logger: self.logger).first
            let counts = try await db.rows("""
                SELECT (SELECT COUNT(*) FROM alert WHERE status <> 'resolved' AND \(unescaped: AlertRules.notDrillSQL)) AS open,
                       (SELECT COUNT(*) FROM page WHERE status IN ('pending', 'sending')) AS pending,
                       (SELECT COUNT(*) FROM page WHERE status = 'failed') AS failed,
                       (SELECT COUNT(*) FROM page LEFT JOIN alert ON alert.id = page.alert_id
                        WHERE page.status = 'failed' AND page.next_attempt_at IS NULL
                          AND (alert.status IN ('triggered', 'acknowledged')
                               OR (page.alert_id IS NULL AND page.due_at >= \(now.addingTimeInterval(-AlertRules.failedNoticeWindow).millis)))) AS for_good
                """, logger: self.logger)[0]
            return RunnerStatus(lastTick: try runner?.instant("last_tick_at"), openAlerts: Int(try counts("open", as: Int64.self)),
                                pagesPending: Int(try counts("pending", as: Int64.self)), pagesFailed: Int(try counts("failed", as: Int64.self)),
                                pagesFailedForGood: Int(try counts("for_good", as: Int64.self)), lastTickHost: try runner?("host", as: String?.self))
        }
    }

    /// A session advisory lock on a connection of its own: a runner that dies or loses its
    /// connection loses the lock with it (its claims come back when their leases lapse).
    public func acquireRunnerLock() async throws(StoreError) -> (any RunnerLock)? {
        let (configuration, logger, key) = (lockConfiguration, self.logger, Self.runnerLockKey)
        let held: PostgresConnection? = try await Self.bounded(address: address, within: deadline) {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
            do {
                let held = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).collect().first?.decode(Bool.self)
                guard held == true else {
                    try? await connection.close()
                    return nil
                }
                return connection
            } catch {
                try? await connection.close()
                throw error
            }
        }
        return held.map { AdvisoryLock(connection: $0) }
    }

    // MARK: calendar feeds

    public func feedGeneration(person: String) async throws(StoreError) -> Int {
        try await read { db in
            Int(try await db.rows("SELECT generation FROM feed WHERE person = \(person)", logger: self.logger).first?("generation", as: Int64.self) ?? 1)
        }
    }

    public func revokeFeeds(person: String, actor: String, now: Date) async throws(StoreError) -> Int {
        try await transaction { db in
            let generation = Int(try await db.rows("""
                INSERT INTO feed (person, generation) VALUES (\(person), 2)
                ON CONFLICT (person) DO UPDATE SET generation = feed.generation + 1 RETURNING generation
                """, logger: self.logger).first?("generation", as: Int64.self) ?? 2)
            try await self.log(db, at: now, actor: actor, .feedsRevoked(person, generation: generation))
            return generation
        }
    }

    // MARK: maintenance

    public func addMaintenance(service: String, start: Date, end: Date, reason: String?, actor: String, now: Date) async throws(StoreError) -> Int {
        try await transaction { db in
            let id = Int(try await db.rows("""
                INSERT INTO maintenance (service, start_at, end_at, reason, created_by, created_at)
                VALUES (\(service), \(start.millis), \(end.millis), \(reason), \(actor), \(now.millis)) RETURNING id
                """, logger: self.logger).first?("id", as: Int64.self) ?? 0)
            try await self.log(db, at: now, actor: actor, .maintenanceAdded(id, service: service, start: start, end: end, reason: reason))
            return id
        }
    }

    public func maintenance(endingAfter after: Date?) async throws(StoreError) -> [StoredMaintenance] {
        try await read { db in
            try await db.rows("SELECT * FROM maintenance WHERE end_at > \(after?.millis ?? Int64.min) ORDER BY id", logger: self.logger)
                .map(StoredMaintenance.init)
        }
    }

    public func removeMaintenance(id: Int, actor: String, now: Date) async throws(StoreError) -> (window: StoredMaintenance, released: Int) {
        let outcome: RemovedWindow = try await transaction { db in
            guard let row = try await db.rows("DELETE FROM maintenance WHERE id = \(Int64(id)) RETURNING *", logger: self.logger).first else {
                throw StoreError.notFound("no maintenance #\(id)")
            }
            let window = try StoredMaintenance(row)
            // Alerts raised in the window whose level 1 still waits for it: due now.
            let released = try await db.count("""
                UPDATE alert SET next_due_at = \(now.millis), wake_at = \(now.millis)
                WHERE service = \(window.service) AND status = 'triggered' AND held_kind = 'maintenance' AND round = 1 AND next_level = 1
                  AND next_due_at > \(now.millis) AND created_at >= \(window.start.millis) AND created_at < \(window.end.millis)
                RETURNING id
                """, logger: self.logger)
            try await self.log(db, at: now, actor: actor, .maintenanceRemoved(id, service: window.service, released: released))
            return RemovedWindow(window: window, released: released)
        }
        return (outcome.window, outcome.released)
    }

    // MARK: heartbeats

    @discardableResult
    public func ping(heartbeat id: String, now: Date) async throws(StoreError) -> Date? {
        try await transaction { db in
            let previous = try await db.rows("SELECT last_ping FROM heartbeat WHERE id = \(id) FOR UPDATE", logger: self.logger).first
                .map { try $0.instant("last_ping") }
            try await db.query("""
                INSERT INTO heartbeat (id, last_ping) VALUES (\(id), \(now.millis))
                ON CONFLICT (id) DO UPDATE SET last_ping = GREATEST(heartbeat.last_ping, excluded.last_ping)
                """, logger: self.logger)
            return previous
        }
    }

    public func lastPings() async throws(StoreError) -> [String: Date] {
        try await read { db in
            var pings: [String: Date] = [:]
            for row in try await db.rows("SELECT id, last_ping FROM heartbeat", logger: self.logger) {
                pings[try row("id", as: String.self)] = try row.instant("last_ping")
            }
            return pings
        }
    }
}

struct RemovedWindow: Sendable {
    var window: StoredMaintenance
    var released: Int
}

/// A held advisory lock: released by closing its session.
final class AdvisoryLock: RunnerLock {
    private let connection: PostgresConnection

    init(connection: PostgresConnection) { self.connection = connection }

    func release() {
        let connection = self.connection
        Task { try? await connection.close() }
    }
}

extension StoredCover.Kind {
    /// The table of each kind (a fixed name, never text from outside).
    var table: String { self == .override ? "override" : "leave" }
}

extension StoredRevision {
    init(_ c: Cells) throws {
        self.init(id: Int(try c("id", as: Int64.self)), effectiveAt: try c.instant("effective_at"), fingerprint: try c("fingerprint"))
    }
}

extension StoredCover {
    init(_ c: Cells, kind: Kind) throws {
        self.init(id: Int(try c("id", as: Int64.self)), kind: kind, schedule: kind == .override ? try c("schedule") : nil, person: try c("person"),
                  start: try c.instant("start_at"), end: try c.instant("end_at"), reason: try c("reason"),
                  createdBy: try c("created_by"), createdAt: try c.instant("created_at"),
                  swap: kind == .override ? try c("swap", as: Int64?.self).map(Int.init) : nil)
    }
}

extension StoredMaintenance {
    init(_ c: Cells) throws {
        self.init(id: Int(try c("id", as: Int64.self)), service: try c("service"), start: try c.instant("start_at"), end: try c.instant("end_at"),
                  reason: try c("reason"), createdBy: try c("created_by"), createdAt: try c.instant("created_at"))
    }
}
