import Foundation
import RotaCore
import RotaNotify
import RotaStore

/// What a click on a Slack button came to (DESIGN §13 and §16).
public enum SlackClick: Sendable {
    /// Answered (or already answered) as `person`; the message at `channel`/`ts` is to say so.
    case answered(StoredAlert, person: String, channel: String?, ts: String?, token: String)
    /// Not from Slack: no signing secret, a wrong signature, or a timestamp over 5 minutes off.
    case unverified
    /// Signed, but not a click rota can use (another kind of payload, an unknown button).
    case unreadable(String)
    /// The clicker is nobody's `slack:` contact, or the button's token is forged or expired: nothing changes.
    case refused(String)
}

/// Slack's buttons (DESIGN §13).
public struct SlackUseCases: UseCase {
    public let context: Workspace

    /// A `block_actions` request from Slack (`payload=` JSON, form-encoded): verified with the
    /// signing secret against the system clock, then answered as the person whose `slack:`
    /// contact is the clicker's member id, for the incident the button's signed token names.
    public func slackClick(body: Data, timestamp: String?, signature: String?) async throws -> SlackClick {
        guard let secret = secrets.slackSigningSecret,
              SlackSignature.verify(secret: secret, timestamp: timestamp, signature: signature,
                                    body: body, now: clock) else { return .unverified }
        guard let text = FormBody.value(String(decoding: body, as: UTF8.self), "payload"),
              let payload = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              payload["type"] as? String == "block_actions",
              let user = (payload["user"] as? [String: Any])?["id"] as? String,
              let action = (payload["actions"] as? [[String: Any]])?.first,
              let token = action["value"] as? String else { return .unreadable("not a button click rota sent") }
        let answer: IngestEvent.Action
        switch action["action_id"] as? String {
        case SlackContact.acknowledgeAction: answer = .acknowledge
        case SlackContact.resolveAction: answer = .resolve
        default: return .unreadable("an unknown button")
        }
        guard let person = rota.people.first(where: { $0.contacts.contains { $0.channel == .slack(user) } }) else {
            return .refused("Slack member \(user) is nobody's slack contact in the rota files")
        }
        guard let (id, _) = try context.links.resolveLink(token) else { return .refused("the button's token is forged or expired") }
        let actor = "\(person.id) (slack)"
        let alert = answer == .acknowledge ? try await context.alerts.acknowledge(id, actorID: actor) : try await context.alerts.resolve(id, actorID: actor)
        let container = payload["container"] as? [String: Any]
        let channel = container?["channel_id"] as? String ?? (payload["channel"] as? [String: Any])?["id"] as? String
        let ts = container?["message_ts"] as? String ?? (payload["message"] as? [String: Any])?["ts"] as? String
        return .answered(alert, person: person.id, channel: channel, ts: ts, token: token)
    }

    /// Says in the clicked message who answered the incident; an acknowledged one keeps its Resolve button.
    public func slackSayAnswered(_ alert: StoredAlert, channel: String, ts: String, token: String) async -> DeliveryResult {
        guard let access = secrets.slack else { return .permanent("settings.gateways.slack is not set") }
        let text = "\(alert.summary): \(alert.answeredSentence)"
        return await SlackContact(access: access).update(channel: channel, ts: ts, text: text,
                                                                       resolveToken: alert.status == .resolved ? nil : token)
    }
}

extension Workspace {
    public var slack: SlackUseCases { SlackUseCases(context: self) }
}
