import Crypto
import Foundation
import RotaCore

/// The Slack app of `settings.gateways.slack`, as rota uses it (DESIGN §13): its bot token (from
/// its variable; never in a rota file) and the API's base (Slack's, or a compatible service's).
public struct SlackAccess: Sendable {
    public var token: String?
    public var tokenVariable: String
    public var apiBase: String

    public init(token: String?, tokenVariable: String, apiBase: String) {
        self.token = token
        self.tokenVariable = tokenVariable
        self.apiBase = apiBase
    }
}

/// The `slack` contact: `chat.postMessage` with the page and, with an ack link, Acknowledge and
/// Resolve buttons whose value is the page's signed token; `chat.update` after a click says who
/// answered. Slack answers HTTP 200 with `{"ok":false,"error":…}` for most failures: those are
/// read, and only its transient ones retried.
public struct SlackContact: Sendable {
    let access: SlackAccess
    let connectTimeout: TimeInterval
    let totalTimeout: TimeInterval

    public init(access: SlackAccess, connectTimeout: TimeInterval = 5, totalTimeout: TimeInterval = 15) {
        self.access = access
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// The buttons' action ids.
    public static let acknowledgeAction = "rota_ack", resolveAction = "rota_resolve"

    /// Slack's errors worth another try; any other `ok:false` is for good.
    static let transient: Set<String> = ["ratelimited", "service_unavailable", "fatal_error", "internal_error", "request_timeout"]

    /// `&`, `<` and `>` escaped, as Slack's mrkdwn wants; text past Slack's 3,000 characters per
    /// section cut with an ellipsis.
    static func mrkdwn(_ text: String, limit: Int = 2900) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return escaped.count > limit ? String(escaped.prefix(limit)) + "…" : escaped
    }

    /// The message's blocks: the page, then its buttons when it has a link to answer by.
    static func blocks(_ message: any OutboundMessage) -> [[String: Any]] {
        var blocks: [[String: Any]] = [
            ["type": "section", "text": ["type": "mrkdwn", "text": "*\(mrkdwn(message.subject, limit: 300))*\n\(mrkdwn(message.text))"]],
        ]
        if let token = message.ackLinkParts?.token {
            blocks.append(["type": "actions", "block_id": "rota", "elements": [
                ["type": "button", "action_id": acknowledgeAction, "style": "primary", "value": token,
                 "text": ["type": "plain_text", "text": "Acknowledge"]],
                ["type": "button", "action_id": resolveAction, "value": token, "text": ["type": "plain_text", "text": "Resolve"]],
            ] as [[String: Any]]])
        }
        return blocks
    }

    static func postBody(_ message: any OutboundMessage, channel: String) -> Data {
        let object: [String: Any] = ["channel": channel, "text": message.subject, "blocks": blocks(message), "unfurl_links": false]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    func post(_ channel: String, message: any OutboundMessage) async -> DeliveryResult {
        await call("chat.postMessage", to: channel, body: Self.postBody(message, channel: channel))
    }

    /// Replaces a posted message (its channel and `ts` from the click) with `text`; with
    /// `resolveToken` (an acknowledged incident) a Resolve button stays, else the buttons go.
    public func update(channel: String, ts: String, text: String, resolveToken: String? = nil) async -> DeliveryResult {
        var blocks: [[String: Any]] = [["type": "section", "text": ["type": "mrkdwn", "text": Self.mrkdwn(text)]]]
        if let resolveToken {
            blocks.append(["type": "actions", "block_id": "rota", "elements": [
                ["type": "button", "action_id": Self.resolveAction, "value": resolveToken, "text": ["type": "plain_text", "text": "Resolve"]],
            ] as [[String: Any]]])
        }
        let object: [String: Any] = ["channel": channel, "ts": ts, "text": text, "blocks": blocks]
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return await call("chat.update", to: channel, body: body)
    }

    private func call(_ method: String, to channel: String, body: Data) async -> DeliveryResult {
        let what = "slack \(method) to \(channel)"
        guard let token = access.token, !token.isEmpty else {
            return .retry("\(what): the Slack bot token ($\(access.tokenVariable)) is not set")
        }
        let answer = await HTTPPost(url: access.apiBase + "/api/" + method,
                                    headers: ["Content-Type: application/json; charset=utf-8", "Authorization: Bearer \(token)", "User-Agent: rota"],
                                    body: body, connectTimeout: connectTimeout, totalTimeout: totalTimeout).run()
        let result: DeliveryResult
        if case .answered(200, _, let data) = answer {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            if object?["ok"] as? Bool == true {
                result = .delivered
            } else {
                let error = object?["error"] as? String ?? "an answer that is not Slack's JSON"
                result = Self.transient.contains(error) ? .retry("\(what): \(error)") : .permanent("\(what): \(error)")
            }
        } else {
            result = answer.result(what: what, totalTimeout: totalTimeout)
        }
        switch result {
        case .delivered: return .delivered
        case .retry(let text): return .retry(Redaction.scrub(text, urls: [], secrets: [token]))
        case .permanent(let text): return .permanent(Redaction.scrub(text, urls: [], secrets: [token]))
        }
    }
}

/// Slack's request signature (https://api.slack.com/authentication/verifying-requests-from-slack):
/// `v0=` and the hex HMAC-SHA256 of `v0:TIMESTAMP:BODY` under the app's signing secret; a
/// timestamp more than 5 minutes from `now` is a replay. Compared in constant time.
public enum SlackSignature {
    public static let window: TimeInterval = 300

    public static func expected(secret: String, timestamp: String, body: Data) -> String {
        var signed = Data("v0:\(timestamp):".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "v0=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public static func verify(secret: String, timestamp: String?, signature: String?, body: Data, now: Date) -> Bool {
        guard !secret.isEmpty, let timestamp, let signature, let seconds = Double(timestamp),
              abs(now.timeIntervalSince1970 - seconds) <= window else { return false }
        return constantTimeEqual(expected(secret: secret, timestamp: timestamp, body: body), signature)
    }
}
