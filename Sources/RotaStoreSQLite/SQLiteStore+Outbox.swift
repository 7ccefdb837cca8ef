import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore {
    /// Inserts outbox rows; a row already queued under the same key is left alone. Returns how many were new.
    static func insert(_ entries: [OutboxEntry], alertID: Int?, into db: Database) throws -> Int {
        var added = 0
        for entry in entries {
            let c = entry.columns
            try db.execute(sql: """
                INSERT OR IGNORE INTO page (alert_id, notice_key, notice_subject, notice_text, round, level, person, contact, contact_kind,
                                            contact_key, level_due_at, due_at, status, next_attempt_at, late)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                """, arguments: [c.noticeKey == nil ? alertID : nil, c.noticeKey, c.noticeSubject, c.noticeText, c.round, c.level, entry.person,
                                 entry.contact, entry.contactKind, entry.contactKey, c.levelDueAt.millis, entry.dueAt.millis, entry.dueAt.millis,
                                 entry.late])
            added += db.changesCount
        }
        return added
    }

    @discardableResult
    public func enqueue(_ entries: [OutboxEntry]) async throws(StoreError) -> Int {
        guard !entries.isEmpty else { return 0 }
        return try write { db in try Self.insert(entries, alertID: nil, into: db) }
    }

    public func claimPages(now: Date, lease: TimeInterval, limit: Int, only alertID: Int?, excluding: Set<String>) async throws(StoreError) -> [(page: StoredPage, alert: StoredAlert?)] {
        try write { db in
            // Two index-backed queries (due rows, lapsed claims) rather than one OR that scans history.
            var filter = ""
            var extra: StatementArguments = []
            if let alertID {
                filter = "AND alert_id = ?"
                extra = [alertID]
            }
            if !excluding.isEmpty {
                filter += " AND (contact_key IS NULL OR contact_key NOT IN (\(Array(repeating: "?", count: excluding.count).joined(separator: ", "))))"
                extra += StatementArguments(excluding.sorted())
            }
            let due = try StoredPage.fetchAll(db, sql: """
                SELECT * FROM page WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? \(filter) ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [now.millis] + extra + [limit])
            let lapsed = try StoredPage.fetchAll(db, sql: """
                SELECT * FROM page WHERE status = 'sending' AND lease_until <= ? \(filter) ORDER BY lease_until, id LIMIT ?
                """, arguments: [now.millis] + extra + [limit])
            let candidates = due + lapsed
            var alerts: [Int: StoredAlert] = [:]
            for id in Set(candidates.compactMap(\.alertID)) { alerts[id] = try Self.alert(db, id) }
            let decided = AlertRules.claims(candidates, alerts: alerts, limit: limit)
            for id in decided.cancel {
                try db.execute(sql: "UPDATE page SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL WHERE id = ?", arguments: [id])
            }
            // The WHERE repeats what makes a row claimable, so a claim cannot be taken twice
            // even by a backend without a single writer.
            return try decided.claim.filter { claimed in
                try db.execute(sql: """
                    UPDATE page SET status = 'sending', attempts = attempts + 1, lease_until = ?
                    WHERE id = ? AND attempts = ?
                      AND ((status IN ('pending', 'failed') AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?))
                    """, arguments: [now.addingTimeInterval(lease).millis, claimed.page.id, claimed.page.attempts - 1, now.millis, now.millis])
                return db.changesCount == 1
            }
        }
    }

    public func finishPages(_ results: [FinishedPage], now: Date) async throws(StoreError) {
        guard !results.isEmpty else { return }
        try write { db in
            for finished in results {
                let page = finished.page
                // Only the holder of the current attempt records; a lapsed claim taken over by another runner changes nothing.
                switch finished.result {
                case .delivered:
                    try db.execute(sql: """
                        UPDATE page SET status = 'sent', sent_at = ?, lease_until = NULL, next_attempt_at = NULL, last_error = NULL
                        WHERE id = ? AND status = 'sending' AND attempts = ?
                        """, arguments: [now.millis, page.id, page.attempts])
                case .retry(let error), .permanent(let error):
                    let retryAt: Date? = if case .retry = finished.result { finished.retryAt } else { nil }
                    try db.execute(sql: """
                        UPDATE page SET status = 'failed', lease_until = NULL, next_attempt_at = ?, last_error = ?
                        WHERE id = ? AND status = 'sending' AND attempts = ?
                        """, arguments: [retryAt?.millis, error, page.id, page.attempts])
                }
                if db.changesCount == 1 {
                    try Self.log(db, at: now, actor: "rota", finished.log, alertID: page.alertID)
                }
            }
        }
    }

    public func duePages(now: Date) async throws(StoreError) -> [StoredPage] {
        try read { db in
            try StoredPage.fetchAll(db, sql: """
                SELECT page.* FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE ((page.status IN ('pending', 'failed') AND page.next_attempt_at <= ?) OR (page.status = 'sending' AND page.lease_until <= ?))
                  AND (page.alert_id IS NULL OR alert.status = 'triggered')
                ORDER BY page.due_at, page.id
                """, arguments: [now.millis, now.millis])
        }
    }

    public func failingPages(now: Date) async throws(StoreError) -> [StoredPage] {
        try read { db in
            try StoredPage.fetchAll(db, sql: """
                SELECT page.* FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE page.status = 'failed'
                  AND (alert.status IN ('triggered', 'acknowledged') OR (page.alert_id IS NULL AND page.due_at >= ?))
                ORDER BY page.due_at, page.id
                """, arguments: [now.addingTimeInterval(-AlertRules.failedNoticeWindow).millis])
        }
    }
}
