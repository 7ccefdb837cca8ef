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
}
