import Foundation
import RotaCore

/// The `mattermost` contact (DESIGN §13): a message through an incoming webhook, with
/// Acknowledge and Resolve buttons (interactive message attachments). Each button's
/// integration is `rota serve`'s `/v1/mattermost/actions`, and its context carries the page's
/// signed ack-link token: Mattermost posts that context back when someone clicks, and rota
/// answers as the person the page was sent to, then updates the message to say so.
struct MattermostContact {
    let connectTimeout: TimeInterval
    let totalTimeout: TimeInterval

    /// The incoming webhook's JSON: the subject as text, the page as an attachment, and with a
    /// link the two buttons.
    static func body(_ message: any OutboundMessage) -> Data {
        var attachment: [String: Any] = ["fallback": message.subject, "title": message.subject, "text": message.text,
                                         "color": message is PageMessage ? "#c62828" : "#546e7a"]
        if let parts = message.ackLinkParts {
            let url = parts.base + "/v1/mattermost/actions"
            attachment["actions"] = [("ack", "Acknowledge"), ("resolve", "Resolve")].map { id, name -> [String: Any] in
                ["id": id, "name": name, "type": "button",
                 "integration": ["url": url, "context": ["action": id, "token": parts.token]] as [String: Any]]
            }
        }
        let object: [String: Any] = ["text": message.subject, "attachments": [attachment]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    func post(_ url: String, message: any OutboundMessage) async -> DeliveryResult {
        let shown = "mattermost " + Redaction.url(url)
        let answer = await HTTPPost(url: url, headers: ["Content-Type: application/json", "User-Agent: rota"], body: Self.body(message),
                                    connectTimeout: connectTimeout, totalTimeout: totalTimeout).run()
        return answer.result(what: shown, totalTimeout: totalTimeout)
    }
}
