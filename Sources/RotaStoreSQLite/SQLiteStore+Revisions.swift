import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore {
    public func recordRevision(model: Data, files: [String], fingerprint: String, now: Date, actor: String) async throws(StoreError) -> StoredRevision? {
        // The common case (nothing changed) is a read: no write lock, no fsync.
        let latest: Row? = try read { db in
            try Row.fetchOne(db, sql: "SELECT fingerprint, model IS NOT NULL AS whole FROM revision ORDER BY id DESC LIMIT 1")
        }
        if let latest, latest["fingerprint"] == fingerprint, latest["whole"] == true { return nil }
        return try write { db in
            let last = try StoredRevision.fetchOne(db, sql: "SELECT id, effective_at, fingerprint FROM revision ORDER BY id DESC LIMIT 1")
            if let last, last.fingerprint == fingerprint {
                // A revision stored as text by an older rota: keep the model instead, and drop the
                // text, where a token could survive its redaction.
                try db.execute(sql: "UPDATE revision SET model = ?, sources = '[]' WHERE id = ? AND model IS NULL", arguments: [model, last.id])
                return nil
            }
            let effective = StoredRevision.effective(now: now, after: last)
            // `follows` is unique: a second writer that read the same newest revision cannot add another after it.
            try db.execute(sql: "INSERT INTO revision (effective_at, stored_at, fingerprint, sources, model, follows) VALUES (?, ?, ?, '[]', ?, ?)",
                           arguments: [effective.millis, now.millis, fingerprint, model, last?.id ?? 0])
            let id = Int(db.lastInsertedRowID)
            try Self.log(db, at: now, actor: actor,
                         .revision(id, files: files, effective: effective))
            return StoredRevision(id: id, effectiveAt: effective, fingerprint: fingerprint)
        }
    }

    public func revisions() async throws(StoreError) -> [StoredRevision] {
        try read { db in try StoredRevision.fetchAll(db, sql: "SELECT id, effective_at, fingerprint FROM revision ORDER BY id") }
    }

    public func content(ofRevision id: Int) async throws(StoreError) -> RevisionContent {
        let row: Row? = try read { db in try Row.fetchOne(db, sql: "SELECT sources, model FROM revision WHERE id = ?", arguments: [id]) }
        guard let row else { throw .notFound("no revision \(id)") }
        return try .stored(revision: id, model: row["model"], sources: row["sources"])
    }
}
