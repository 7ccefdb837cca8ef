import Foundation
import RotaCore
import RotaNotify
import RotaStore
import RotaStoreSQLite

/// Calendar feeds and people's own pages: their URLs, revocation, and the shifts a feed serves.
public struct FeedUseCases: UseCase {
    public let context: Workspace

    /// A person's calendar feed URL (`PUBLIC_URL/calendar/TOKEN.ics`).
    public func feedURL(person name: String) async throws -> String {
        try await personURL(person: name, what: "a feed URL") { "calendar/\($0).ics" }
    }

    /// A person's own board page (`PUBLIC_URL/me/TOKEN`): the same token as their feed.
    public func personPageURL(person name: String) async throws -> String {
        try await personURL(person: name, what: "a person's page URL") { "me/\($0)" }
    }

    private func personURL(person name: String, what: String, path: (String) -> String) async throws -> String {
        let person = try person(name)
        guard let base = rota.settings.server.publicURL else {
            throw RotaError.usage("settings.server.public_url is not set: \(what) needs to say where rota serve is reached")
        }
        let generation = try await storeCall { try await store.feedGeneration(person: person.id) }
        return "\(base)/" + path(try secrets.tokenSigner().sign(.feed, [person.id, String(generation)]))
    }

    /// Makes every earlier feed URL of the person answer 404.
    public func revokeFeeds(person name: String, as actorName: String?) async throws {
        let person = try person(name)
        let actor = try actor(as: actorName)
        _ = try await storeCall { try await store.revokeFeeds(person: person.id, actor: actor, now: now) }
    }

    /// The person a feed token belongs to, or nil when it is forged or revoked.
    public func feedPerson(token: String) async throws -> Person? {
        guard let fields = try secrets.tokenSigner().verify(.feed, token), fields.count == 2, let generation = Int(fields[1]),
              let person = rota.person(fields[0]) else { return nil }
        let current = try await storeCall { try await store.feedGeneration(person: person.id) }
        return current == generation ? person : nil
    }

    /// A feed's shifts: from 30 days ago to 180 days ahead, whole.
    public func feedShifts(of person: Person) async throws -> [Shift] {
        try await context.schedules.shifts(schedules: [], person: person, window: try Window(from: now.addingTimeInterval(-30 * 86400),
                                                                            to: now.addingTimeInterval(180 * 86400)), whole: true)
    }
}

extension Workspace {
    public var feeds: FeedUseCases { FeedUseCases(context: self) }
}
