import Foundation
import GRDB
import RotaStore
#if canImport(Glibc)
import Glibc
#endif

extension SQLiteStore {
    public func recordTick(now: Date, clock: Date) async throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO runner (id, last_tick_at, host) VALUES (1, ?, ?)
                ON CONFLICT(id) DO UPDATE SET last_tick_at =
                    CASE WHEN last_tick_at > ? THEN excluded.last_tick_at ELSE MAX(last_tick_at, excluded.last_tick_at) END,
                    host = excluded.host
                """, arguments: [now.millis, host.isEmpty ? nil : host, clock.millis])
        }
    }

    public func probeWrite() async throws(StoreError) {
        try write { db in try db.execute(sql: "UPDATE runner SET host = host WHERE id = 1") }
    }

    public func runnerStatus(now: Date) async throws(StoreError) -> RunnerStatus {
        try read { db in
            let runner = try Row.fetchOne(db, sql: "SELECT last_tick_at, host FROM runner WHERE id = 1")
            let last: Int64? = runner?["last_tick_at"]
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alert WHERE status != 'resolved' AND \(AlertRules.notDrillSQL)") ?? 0
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM page WHERE status IN ('pending', 'sending', 'failed') AND status != 'failed'") ?? 0
            let failed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM page WHERE status IN ('pending', 'sending', 'failed') AND status = 'failed'") ?? 0
            let forGood = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE page.status = 'failed' AND page.next_attempt_at IS NULL
                  AND (alert.status IN ('triggered', 'acknowledged') OR (page.alert_id IS NULL AND page.due_at >= ?))
                """, arguments: [now.addingTimeInterval(-AlertRules.failedNoticeWindow).millis]) ?? 0
            return RunnerStatus(lastTick: last.map(Date.init(millis:)), openAlerts: open, pagesPending: pending, pagesFailed: failed,
                                pagesFailedForGood: forGood, lastTickHost: runner?["host"])
        }
    }

    /// A non-blocking `flock` on a file beside the database (never the database itself).
    public func acquireRunnerLock() async throws(StoreError) -> (any RunnerLock)? {
        let path = self.path + ".tick-lock"
        let descriptor = StateFiles.open(path, flags: O_RDWR)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return FileLock(descriptor: descriptor)
    }
}

/// A held `flock`, released once.
final class FileLock: RunnerLock {
    private let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
