import Foundation
import Logging
import PostgresNIO
import RotaCore
import RotaStore

extension StoredPage {
    init(_ c: Cells) throws {
        self.init(id: Int(try c("id", as: Int64.self)), alertID: try c("alert_id", as: Int64?.self).map(Int.init), noticeKey: try c("notice_key"),
                  noticeSubject: try c("notice_subject"), noticeText: try c("notice_text"), round: Int(try c("round", as: Int64.self)),
                  level: Int(try c("level", as: Int64.self)), person: try c("person"), contact: Int(try c("contact", as: Int64.self)),
                  contactKind: try c("contact_kind"), contactKey: try c("contact_key"), levelDueAt: try c.instant("level_due_at"),
                  dueAt: try c.instant("due_at"), status: Status(rawValue: try c("status")) ?? .pending,
                  attempts: Int(try c("attempts", as: Int64.self)), nextAttemptAt: try c.optionalInstant("next_attempt_at"),
                  sentAt: try c.optionalInstant("sent_at"), late: try c("late"), lastError: try c("last_error"))
    }
}

extension PostgresStore {
    /// Inserts outbox rows; a row already queued under the same key is left alone. Returns how many were new.
    func insert(_ entries: [OutboxEntry], alertID: Int?, into db: PostgresConnection) async throws -> Int {
        try await insert(entries.map { OutboxRow(entry: $0, alertID: alertID) }, into: db)
    }

    func insert(_ rows: [OutboxRow], into db: PostgresConnection) async throws -> Int {
        try await db.batched("""
            INSERT INTO page (alert_id, notice_key, notice_subject, notice_text, round, level, person, contact, contact_kind,
                              contact_key, level_due_at, due_at, status, next_attempt_at, late)
            VALUES_LIST ON CONFLICT DO NOTHING RETURNING id
            """, rows: rows.map(\.values), types: [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "BOOLEAN"],
            logger: logger).count
    }

    @discardableResult
    public func enqueue(_ entries: [OutboxEntry]) async throws(StoreError) -> Int {
        guard !entries.isEmpty else { return 0 }
        return try await transaction { db in try await self.insert(entries, alertID: nil, into: db) }
    }

    /// Locks claimable rows with `FOR UPDATE SKIP LOCKED` (another runner's rows are passed
    /// over, not waited for), then reads their alerts: an answer committed before that read
    /// cancels the row; one committed after it waits for this claim, and finds the row sending.
    public func claimPages(now: Date, lease: TimeInterval, limit: Int, only alertID: Int?, excluding: Set<String>) async throws(StoreError) -> [(page: StoredPage, alert: StoredAlert?)] {
        let claimed: [ClaimedPage] = try await transaction { db in
            // The alert filter folds away when nil (statements are planned with their values).
            let only = alertID.map(Int64.init)
            let busy = excluding.sorted()
            let due = try await db.rows("""
                SELECT * FROM page WHERE status IN ('pending', 'failed') AND next_attempt_at <= \(now.millis)
                  AND (\(only)::BIGINT IS NULL OR alert_id = \(only)) AND (contact_key IS NULL OR NOT (contact_key = ANY(\(busy))))
                  ORDER BY next_attempt_at, id LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            let lapsed = try await db.rows("""
                SELECT * FROM page WHERE status = 'sending' AND lease_until <= \(now.millis)
                  AND (\(only)::BIGINT IS NULL OR alert_id = \(only)) AND (contact_key IS NULL OR NOT (contact_key = ANY(\(busy))))
                  ORDER BY lease_until, id LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            let candidates = try (due + lapsed).map(StoredPage.init)
            let alertIDs = Array(Set(candidates.compactMap(\.alertID))).map(Int64.init)
            var alerts: [Int: StoredAlert] = [:]
            if !alertIDs.isEmpty {
                for row in try await db.rows("SELECT * FROM alert WHERE id = ANY(\(alertIDs))", logger: self.logger) {
                    let alert = try StoredAlert(row)
                    alerts[alert.id] = alert
                }
            }
            let decided = AlertRules.claims(candidates, alerts: alerts, limit: limit)
            let claim = decided.claim.map { Int64($0.page.id) }, cancel = decided.cancel.map(Int64.init)
            let result = decided.claim.map { ClaimedPage(page: $0.page, alert: $0.alert) }
            if !cancel.isEmpty {
                try await db.query("UPDATE page SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL WHERE id = ANY(\(cancel))",
                                   logger: self.logger)
            }
            if !claim.isEmpty {
                try await db.query("""
                    UPDATE page SET status = 'sending', attempts = attempts + 1, lease_until = \(now.addingTimeInterval(lease).millis) WHERE id = ANY(\(claim))
                    """, logger: self.logger)
            }
            return result
        }
        return claimed.map { ($0.page, $0.alert) }
    }

    /// Records how deliveries went in a few statements: only the holder of the current attempt
    /// records (a lapsed claim taken over by another runner changes nothing), and only what
    /// changed is logged.
    public func finishPages(_ results: [FinishedPage], now: Date) async throws(StoreError) {
        guard !results.isEmpty else { return }
        try await transaction { db in
            var delivered: [[TransferValue]] = [], failed: [[TransferValue]] = []
            for finished in results {
                let key: [TransferValue] = [.int(Int64(finished.page.id)), .int(Int64(finished.page.attempts))]
                switch finished.result {
                case .delivered: delivered.append(key)
                case .retry(let error): failed.append(key + [TransferValue(finished.retryAt), .text(error)])
                case .permanent(let error): failed.append(key + [.null, .text(error)])
                }
            }
            var changed = Set(try await db.batched("""
                UPDATE page SET status = 'sent', sent_at = \(now.millis), lease_until = NULL, next_attempt_at = NULL, last_error = NULL
                FROM (VALUES_LIST) AS v(id, attempts) WHERE page.id = v.id AND page.status = 'sending' AND page.attempts = v.attempts
                RETURNING page.id
                """, rows: delivered, types: ["BIGINT", "BIGINT"], logger: self.logger).map { try $0("id", as: Int64.self) })
            changed.formUnion(try await db.batched("""
                UPDATE page SET status = 'failed', lease_until = NULL, next_attempt_at = v.retry_at, last_error = v.error
                FROM (VALUES_LIST) AS v(id, attempts, retry_at, error) WHERE page.id = v.id AND page.status = 'sending' AND page.attempts = v.attempts
                RETURNING page.id
                """, rows: failed, types: ["BIGINT", "BIGINT", "BIGINT", "TEXT"], logger: self.logger).map { try $0("id", as: Int64.self) })
            try await self.log(db, results.filter { changed.contains(Int64($0.page.id)) }.map {
                Self.eventRow(at: now, actor: "rota", $0.log, alertID: $0.page.alertID)
            })
        }
    }

    public func duePages(now: Date) async throws(StoreError) -> [StoredPage] {
        try await read { db in
            try await db.rows("""
                SELECT page.* FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE ((page.status IN ('pending', 'failed') AND page.next_attempt_at <= \(now.millis))
                       OR (page.status = 'sending' AND page.lease_until <= \(now.millis)))
                  AND (page.alert_id IS NULL OR alert.status = 'triggered')
                ORDER BY page.due_at, page.id
                """, logger: self.logger).map(StoredPage.init)
        }
    }

    public func failingPages(now: Date) async throws(StoreError) -> [StoredPage] {
        try await read { db in
            try await db.rows("""
                SELECT page.* FROM page LEFT JOIN alert ON alert.id = page.alert_id
                WHERE page.status = 'failed'
                  AND (alert.status IN ('triggered', 'acknowledged')
                       OR (page.alert_id IS NULL AND page.due_at >= \(now.addingTimeInterval(-AlertRules.failedNoticeWindow).millis)))
                ORDER BY page.due_at, page.id
                """, logger: self.logger).map(StoredPage.init)
        }
    }
}

/// An outbox row to insert, as the columns of `page`.
struct OutboxRow {
    var entry: OutboxEntry
    var alertID: Int?

    var values: [TransferValue] {
        let c = entry.columns
        return [c.noticeKey == nil ? TransferValue(alertID) : .null, TransferValue(c.noticeKey), TransferValue(c.noticeSubject),
                TransferValue(c.noticeText), .int(Int64(c.round)), .int(Int64(c.level)), .text(entry.person), .int(Int64(entry.contact)),
                .text(entry.contactKind), .text(entry.contactKey), .int(c.levelDueAt.millis), .int(entry.dueAt.millis), .text("pending"),
                .int(entry.dueAt.millis), .int(entry.late ? 1 : 0)]
    }
}

/// A claimed row and its alert, as one Sendable value out of the transaction.
struct ClaimedPage: Sendable {
    var page: StoredPage
    var alert: StoredAlert?

}
