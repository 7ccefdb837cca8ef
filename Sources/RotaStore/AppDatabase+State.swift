import Foundation
import GRDB
import RotaCore

extension AppDatabase {
    // MARK: audit log

    static func log(_ db: Database, at: Date, actor: String, event: String, detail: String, alertID: Int? = nil) throws {
        try db.execute(sql: "INSERT INTO event (at, actor, event, detail, alert_id) VALUES (?, ?, ?, ?, ?)",
                       arguments: [at.millis, actor, event, detail, alertID])
    }

    /// The audit log from `since` on, oldest first.
    public func events(since: Date?) throws(StoreError) -> [AuditEvent] {
        try read { db in
            try AuditEvent.fetchAll(db, sql: "SELECT * FROM event WHERE at >= ? ORDER BY at, id",
                                    arguments: [since?.millis ?? Int64.min])
        }
    }

    // MARK: revisions

    /// Stores a new revision when the files' fingerprint differs from the last one stored:
    /// `model` is the decoded rota with webhook addresses reduced (never the files' text, where a
    /// token could hide in a comment or an escape). Effective from `now` (never before the last
    /// revision, so history only grows forward). Returns the new revision, or nil when nothing changed.
    @discardableResult
    public func recordRevision(model: Data, files: [String], fingerprint: String, now: Date, actor: String) throws(StoreError) -> StoredRevision? {
        // The common case (nothing changed) is a read: no write lock, no fsync.
        let latest: Row? = try read { db in try Row.fetchOne(db, sql: "SELECT fingerprint, model IS NOT NULL AS whole FROM revision ORDER BY id DESC LIMIT 1") }
        if let latest, latest["fingerprint"] == fingerprint, latest["whole"] == true { return nil }
        return try write { db in
            let last = try StoredRevision.fetchOne(db, sql: "SELECT id, effective_at, fingerprint FROM revision ORDER BY id DESC LIMIT 1")
            if let last, last.fingerprint == fingerprint {
                // A revision stored as text by an older rota: keep the model instead, and drop the
                // text, where a token could survive its redaction.
                try db.execute(sql: "UPDATE revision SET model = ?, sources = '[]' WHERE id = ? AND model IS NULL", arguments: [model, last.id])
                return nil
            }
            let effective = max(now, last?.effectiveAt ?? now)
            try db.execute(sql: "INSERT INTO revision (effective_at, stored_at, fingerprint, sources, model) VALUES (?, ?, ?, '[]', ?)",
                           arguments: [effective.millis, now.millis, fingerprint, model])
            let id = Int(db.lastInsertedRowID)
            try Self.log(db, at: now, actor: actor, event: "revision",
                         detail: "revision \(id) of the rota files (\(files.joined(separator: ", "))) in force from \(TimeText.utc(effective))")
            return StoredRevision(id: id, effectiveAt: effective, fingerprint: fingerprint)
        }
    }

    /// Every revision, oldest first, without its content.
    public func revisions() throws(StoreError) -> [StoredRevision] {
        try read { db in
            try StoredRevision.fetchAll(db, sql: "SELECT id, effective_at, fingerprint FROM revision ORDER BY id")
        }
    }

    /// What a revision holds: the decoded model (revisions stored since v3), or the files' text
    /// (older ones, with webhook URLs reduced by text replacement).
    public func content(ofRevision id: Int) throws(StoreError) -> RevisionContent {
        let row: Row? = try read { db in try Row.fetchOne(db, sql: "SELECT sources, model FROM revision WHERE id = ?", arguments: [id]) }
        guard let row else { throw .notFound("no revision \(id)") }
        if let model: Data = row["model"] { return .model(model) }
        let json: String = row["sources"]
        do {
            return .sources(try JSONDecoder().decode([StoredSource].self, from: Data(json.utf8)))
        } catch {
            throw .database("revision \(id) is unreadable: \(error)")
        }
    }

    // MARK: overrides

    /// Adds overrides in one transaction (one for `override add`, several for `swap`).
    public func addOverrides(_ items: [NewOverride], event: String, detail: String, actor: String, now: Date) throws(StoreError) -> [Int] {
        try write { db in
            var ids: [Int] = []
            for item in items {
                try db.execute(sql: """
                    INSERT INTO override (schedule, person, start_at, end_at, reason, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [item.schedule, item.person, item.start.millis, item.end.millis, item.reason, actor, now.millis])
                ids.append(Int(db.lastInsertedRowID))
            }
            let idText = ids.map { "#\($0)" }.joined(separator: ", ")
            try Self.log(db, at: now, actor: actor, event: event, detail: ids.isEmpty ? detail : "\(detail) (\(idText))")
            return ids
        }
    }

    /// Overrides that end after `after` (all of them when nil), oldest first: a later one wins.
    public func overrides(endingAfter after: Date?) throws(StoreError) -> [StoredOverride] {
        try rows(of: "override", endingAfter: after)
    }

    public func removeOverride(id: Int, actor: String, now: Date) throws(StoreError) -> StoredOverride {
        try removeRow(of: "override", id: id, actor: actor, now: now) { row in
            "\(row.person) covering \(row.schedule) from \(TimeText.utc(row.start)) to \(TimeText.utc(row.end))"
        }
    }

    /// Rows of `table` (override or leave) that end after `after`, oldest first.
    private func rows<Record: FetchableRecord>(of table: String, endingAfter after: Date?) throws(StoreError) -> [Record] {
        try read { db in
            try Record.fetchAll(db, sql: "SELECT * FROM \(table) WHERE end_at > ? ORDER BY id",
                                arguments: [after?.millis ?? Int64.min])
        }
    }

    /// Deletes one row of `table` (override or leave) and logs what it was; the log keeps it.
    private func removeRow<Record: FetchableRecord>(of table: String, id: Int, actor: String, now: Date,
                                                    describe: (Record) -> String) throws(StoreError) -> Record {
        try write { db in
            guard let row = try Record.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("no \(table) #\(id); 'rota \(table) list --all' shows them")
            }
            try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
            try Self.log(db, at: now, actor: actor, event: "\(table).remove", detail: "removed \(table) #\(id): \(describe(row))")
            return row
        }
    }

    // MARK: leave

    public func addLeave(person: String, start: Date, end: Date, reason: String?, actor: String, now: Date) throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: """
                INSERT INTO leave (person, start_at, end_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [person, start.millis, end.millis, reason, actor, now.millis])
            let id = Int(db.lastInsertedRowID)
            var detail = "leave #\(id): \(person) away from \(TimeText.utc(start)) to \(TimeText.utc(end))"
            if let reason { detail += " (\(reason))" }
            try Self.log(db, at: now, actor: actor, event: "leave.add", detail: detail)
            return id
        }
    }

    public func leave(endingAfter after: Date?) throws(StoreError) -> [StoredLeave] {
        try rows(of: "leave", endingAfter: after)
    }

    public func removeLeave(id: Int, actor: String, now: Date) throws(StoreError) -> StoredLeave {
        try removeRow(of: "leave", id: id, actor: actor, now: now) { row in
            "\(row.person) away from \(TimeText.utc(row.start)) to \(TimeText.utc(row.end))"
        }
    }
}
