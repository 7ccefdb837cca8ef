import Foundation
import RotaCore

/// A revision of the rota files, in force from `effectiveAt`.
public struct StoredRevision: Hashable, Sendable {
    public var id: Int
    public var effectiveAt: Date
    public var fingerprint: String

    public init(id: Int, effectiveAt: Date, fingerprint: String) {
        self.id = id
        self.effectiveAt = effectiveAt
        self.fingerprint = fingerprint
    }
}

/// The content of a stored revision.
public enum RevisionContent: Sendable {
    /// The decoded rota, webhooks reduced (revisions stored since schema v3).
    case model(Data)
    /// The files' text, webhook URLs reduced by text replacement (older revisions).
    case sources([RotaSource])

    /// A revision's columns as stored, read the one way: the model when there is one, else the
    /// files' text kept as JSON (`[{"name", "text"}]`) by older rota versions.
    public static func stored(revision id: Int, model: Data?, sources: String) throws(StoreError) -> RevisionContent {
        if let model { return .model(model) }
        guard let items = try? JSONSerialization.jsonObject(with: Data(sources.utf8)) as? [[String: String]] else {
            throw .database("revision \(id) is unreadable")
        }
        return .sources(items.map { RotaSource(name: $0["name"] ?? "", text: $0["text"] ?? "") })
    }
}
