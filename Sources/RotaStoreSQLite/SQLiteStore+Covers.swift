import Foundation
import GRDB
import RotaStore

extension SQLiteStore {
    public func addCovers(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date) async throws(StoreError) -> [Int] {
        try add(items, entry: entry, actor: actor, now: now, swap: false)
    }

    public func addSwap(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date) async throws(StoreError) -> [Int] {
        try add(items, entry: entry, actor: actor, now: now, swap: true)
    }

    public func removeSwap(_ id: Int, actor: String, now: Date) async throws(StoreError) -> [StoredCover] {
        try write { db in
            let covers = try Row.fetchAll(db, sql: "SELECT * FROM override WHERE swap = ? ORDER BY id", arguments: [id])
                .map { StoredCover(row: $0, kind: .override) }
            guard !covers.isEmpty else { throw StoreError.notFound("no swap #\(id)") }
            try db.execute(sql: "DELETE FROM override WHERE swap = ?", arguments: [id])
            try Self.log(db, at: now, actor: actor, AuditEntry(.swapRemove, StoredSwap(id: id, overrides: covers).removedText))
            return covers
        }
    }

    private func add(_ items: [NewCover], entry: AuditEntry, actor: String, now: Date, swap: Bool) throws(StoreError) -> [Int] {
        try write { db in
            var ids: [Int] = []
            for item in items {
                if let schedule = item.schedule {
                    try db.execute(sql: """
                        INSERT INTO override (schedule, person, start_at, end_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [schedule, item.person, item.start.millis, item.end.millis, item.reason, actor, now.millis])
                } else {
                    try db.execute(sql: """
                        INSERT INTO leave (person, start_at, end_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [item.person, item.start.millis, item.end.millis, item.reason, actor, now.millis])
                }
                ids.append(Int(db.lastInsertedRowID))
            }
            if swap, let first = ids.first {
                try db.execute(sql: "UPDATE override SET swap = ? WHERE id >= ? AND id <= ?", arguments: [first, first, ids[ids.count - 1]])
            }
            let idText = ids.map { "#\($0)" }.joined(separator: ", ")
            try Self.log(db, at: now, actor: actor, AuditEntry(entry.kind, ids.isEmpty ? entry.detail : "\(entry.detail) (\(idText))"))
            return ids
        }
    }

    public func covers(_ kind: StoredCover.Kind, endingAfter after: Date?) async throws(StoreError) -> [StoredCover] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(kind.rawValue) WHERE end_at > ? ORDER BY id", arguments: [after?.millis ?? Int64.min])
                .map { StoredCover(row: $0, kind: kind) }
        }
    }

    public func removeCover(_ kind: StoredCover.Kind, id: Int, actor: String, now: Date,
                            describe: @escaping @Sendable (StoredCover) -> String) async throws(StoreError) -> StoredCover {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM \(kind.rawValue) WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("no \(kind.rawValue) #\(id)")
            }
            let cover = StoredCover(row: row, kind: kind)
            try db.execute(sql: "DELETE FROM \(kind.rawValue) WHERE id = ?", arguments: [id])
            try Self.log(db, at: now, actor: actor, AuditEntry(kind == .override ? .overrideRemove : .leaveRemove,
                                                                "removed \(kind.rawValue) #\(id): \(describe(cover))"))
            return cover
        }
    }
}
