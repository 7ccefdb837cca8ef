import Foundation
import RotaCore
import RotaStore

/// Signed links (DESIGN §6): ack links in pages and the answers they carry.
public struct LinkUseCases: UseCase {
    public let context: Workspace

    /// Ack links live this long.
    public static let linkLifetime: TimeInterval = 7 * 86400

    /// `PUBLIC_URL/a/TOKEN` for a page to `person` about `alertID`, valid 7 days; nil without a
    /// public URL or a server secret.
    func linkMaker() -> (@Sendable (Int, String) -> String?)? {
        guard let base = rota.settings.server.publicURL, let signer = try? secrets.tokenSigner() else { return nil }
        let now = now
        return { id, person in "\(base)/a/" + Self.linkToken(alert: id, person: person, signer: signer, now: now) }
    }

    /// The token of an ack link (or a person page's button) for `person` about `alertID`, valid 7 days.
    func linkToken(_ purpose: TokenSigner.Purpose = .acknowledge, alert id: Int, person: String, signer: TokenSigner) -> String {
        Self.linkToken(purpose, alert: id, person: person, signer: signer, now: now)
    }

    static func linkToken(_ purpose: TokenSigner.Purpose = .acknowledge, alert id: Int, person: String, signer: TokenSigner, now: Date) -> String {
        signer.sign(purpose, [String(id), person, String(Int(now.addingTimeInterval(linkLifetime).timeIntervalSince1970))])
    }

    /// The alert and person an ack link names, or nil when it is forged or expired.
    public func resolveLink(_ token: String, purpose: TokenSigner.Purpose = .acknowledge) throws -> (alertID: Int, person: String)? {
        guard let fields = try secrets.tokenSigner().verify(purpose, token), fields.count == 3,
              let id = Int(fields[0]), let expires = Double(fields[2]),
              now.timeIntervalSince1970 < expires else { return nil }
        return (id, fields[1])
    }

    /// Acknowledges or resolves through a link, as the person it was sent to; idempotent. `via`
    /// says in the log which door it came through (`link`, `mattermost`).
    public func answer(link token: String, action: IngestEvent.Action, purpose: TokenSigner.Purpose = .acknowledge,
                       via: String = "link") async throws -> StoredAlert? {
        guard let (id, person) = try resolveLink(token, purpose: purpose) else { return nil }
        let actor = "\(person) (\(via))"
        switch action {
        case .acknowledge: return try await context.alerts.acknowledge(id, actorID: actor)
        case .resolve: return try await context.alerts.resolve(id, actorID: actor)
        case .trigger: return try await context.alerts.alert(id)
        }
    }

}

extension Workspace {
    public var links: LinkUseCases { LinkUseCases(context: self) }
}
