import Foundation
import RotaCore

/// The `ntfy` contact (DESIGN §13): a push published as JSON to the ntfy server's root URL
/// (ntfy's JSON publishing), at priority 5 for a page, with an Acknowledge button that POSTs
/// the signed ack link from the phone. The topic name is the address's secret: it is
/// redacted from every error text, and the database keeps it reduced, as webhooks.
struct NtfyContact {
    let connectTimeout: TimeInterval
    let totalTimeout: TimeInterval

    /// ntfy turns a longer message into an attachment; a page is cut to this many bytes.
    static let messageLimit = 4000

    /// `https://ntfy.example.com/oncall-camille` → (`https://ntfy.example.com/`, `oncall-camille`).
    static func split(_ url: String) -> (root: String, topic: String)? {
        guard let slash = url.lastIndex(of: "/"), url.index(after: slash) < url.endIndex else { return nil }
        return (String(url[...slash]), String(url[url.index(after: slash)...]))
    }

    /// The JSON ntfy takes: topic, title, message, priority, tags and, with an ack link, the
    /// click target and an `http` action that acknowledges as the person paged.
    static func body(_ message: any OutboundMessage, topic: String) -> Data {
        var text = message.text
        if text.utf8.count > messageLimit {
            var cut = text.utf8.prefix(messageLimit - 3)
            while !cut.isEmpty, String(cut) == nil { cut = cut.dropLast() }
            text = (String(cut) ?? "") + "…"
        }
        let page = message is PageMessage
        var object: [String: Any] = ["topic": topic, "title": message.subject, "message": text,
                                     "priority": page ? 5 : 3, "tags": [page ? "rotating_light" : "calendar"]]
        if let link = message.ackLink {
            object["click"] = link
            object["actions"] = [[
                "action": "http", "label": "Acknowledge", "url": link, "method": "POST",
                "headers": ["Content-Type": "application/x-www-form-urlencoded"], "body": "action=ack", "clear": true,
            ] as [String: Any]]
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    func post(_ url: String, message: any OutboundMessage) async -> DeliveryResult {
        let shown = "ntfy " + Redaction.url(url)
        guard let target = Self.split(url) else { return .permanent("\(shown) is not an ntfy topic URL") }
        let headers = ["Content-Type: application/json", "User-Agent: rota"]
        let answer = await HTTPPost(url: target.root, headers: headers, body: Self.body(message, topic: target.topic),
                                    connectTimeout: connectTimeout, totalTimeout: totalTimeout).run()
        return answer.result(what: shown, totalTimeout: totalTimeout)
    }
}
