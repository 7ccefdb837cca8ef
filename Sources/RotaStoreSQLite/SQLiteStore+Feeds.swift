import Foundation
import GRDB
import RotaStore

extension SQLiteStore {
    public func feedGeneration(person: String) async throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT generation FROM feed WHERE person = ?", arguments: [person]) ?? 1 }
    }

    public func revokeFeeds(person: String, actor: String, now: Date) async throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: """
                INSERT INTO feed (person, generation) VALUES (?, 2)
                ON CONFLICT(person) DO UPDATE SET generation = generation + 1
                """, arguments: [person])
            let generation = try Int.fetchOne(db, sql: "SELECT generation FROM feed WHERE person = ?", arguments: [person]) ?? 2
            try Self.log(db, at: now, actor: actor, .feedsRevoked(person, generation: generation))
            return generation
        }
    }
}
