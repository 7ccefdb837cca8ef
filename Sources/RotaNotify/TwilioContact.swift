import Crypto
import Foundation
import RotaCore

/// The Twilio-compatible account of `settings.gateways.twilio`, as rota uses it: its SID and
/// token (from their variables), rota's number, the API's base.
public struct TwilioAccess: Sendable {
    public var accountSID: String?
    public var authToken: String?
    public var from: String
    public var apiBase: String

    public init(accountSID: String?, authToken: String?, from: String, apiBase: String) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.apiBase = apiBase
    }
}

/// `sms` and `voice` contacts through a Twilio-compatible REST API (DESIGN §13): a text message
/// that says how to answer by reply, or a call that speaks the page and gathers one digit,
/// whose answer Twilio posts to `rota serve` (signed, `X-Twilio-Signature`).
public struct TwilioContact: Sendable {
    let access: TwilioAccess
    let connectTimeout: TimeInterval
    let totalTimeout: TimeInterval

    /// Twilio's longest message body.
    static let smsLimit = 1600

    /// The text message: subject, the incident, how to answer by reply.
    static func smsBody(_ message: any OutboundMessage) -> String {
        var text = message.subject
        if let page = message as? PageMessage {
            text += "\nIncident #\(page.alertID) on \(page.serviceName), level \(page.level)."
            text += page.ackLink == nil ? "\n\(page.answerLine)" : "\nReply 1 or ACK to acknowledge, RESOLVE to resolve (or ACK \(page.alertID))."
        } else {
            text += "\n" + message.text
        }
        return text.count > smsLimit ? String(text.prefix(smsLimit - 1)) + "…" : text
    }

    /// TwiML for a call: the page spoken, then (with a link to answer by) one digit gathered
    /// and posted to `rota serve` with the page's token.
    static func twiml(_ message: any OutboundMessage) -> String {
        var spoken = message.subject
        if let page = message as? PageMessage { spoken += ". Incident \(page.alertID), level \(page.level)." }
        let say = "<Say>\(xml(String(spoken.prefix(1000))))</Say>"
        guard let parts = message.ackLinkParts else { return "<Response>\(say)<Say>Answer with rota.</Say></Response>" }
        let action = parts.base + "/v1/twilio/voice?token=" + parts.token
        return "<Response><Gather numDigits=\"1\" timeout=\"10\" method=\"POST\" action=\"\(xml(action))\">\(say)"
            + "<Say>Press 1 to acknowledge.</Say></Gather><Say>Nothing was pressed. The page stands.</Say></Response>"
    }

    public static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `application/x-www-form-urlencoded` as Twilio reads it.
    static func form(_ pairs: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
    }

    func sms(to number: String, message: any OutboundMessage) async -> DeliveryResult {
        await create("Messages", what: "sms \(number)", [("To", number), ("From", access.from), ("Body", Self.smsBody(message))])
    }

    func call(to number: String, message: any OutboundMessage) async -> DeliveryResult {
        await create("Calls", what: "voice \(number)", [("To", number), ("From", access.from), ("Twiml", Self.twiml(message))])
    }

    /// POSTs a resource (`Messages`, `Calls`) of the account; a 4xx answer's Twilio `message` is said.
    private func create(_ resource: String, what: String, _ pairs: [(String, String)]) async -> DeliveryResult {
        guard let sid = access.accountSID, !sid.isEmpty, let token = access.authToken, !token.isEmpty else {
            return .retry("\(what): the Twilio account SID or auth token is not set (settings.gateways.twilio)")
        }
        let credentials = Data("\(sid):\(token)".utf8).base64EncodedString()
        let url = "\(access.apiBase)/2010-04-01/Accounts/\(sid)/\(resource).json"
        let answer = await HTTPPost(url: url, headers: ["Content-Type: application/x-www-form-urlencoded", "Authorization: Basic \(credentials)",
                                                        "User-Agent: rota"],
                                    body: Self.form(pairs), connectTimeout: connectTimeout, totalTimeout: totalTimeout).run()
        var result = answer.result(what: what, totalTimeout: totalTimeout)
        if case .answered(let status, _, let body) = answer, status >= 400,
           let said = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["message"] as? String {
            switch result {
            case .retry(let text): result = .retry(text + ": " + said)
            case .permanent(let text): result = .permanent(text + ": " + said)
            case .delivered: break
            }
        }
        switch result {
        case .delivered: return .delivered
        case .retry(let text): return .retry(Redaction.scrub(text, urls: [], secrets: [token, credentials]))
        case .permanent(let text): return .permanent(Redaction.scrub(text, urls: [], secrets: [token, credentials]))
        }
    }
}

/// Twilio's request signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security):
/// base64 of HMAC-SHA1, under the account's auth token, of the full URL Twilio requested
/// followed by each POST parameter's name and value, sorted by name. Compared in constant time.
public enum TwilioSignature {
    public static func expected(authToken: String, url: String, parameters: [(String, String)]) -> String {
        let signed = url + parameters.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    public static func verify(authToken: String, url: String, parameters: [(String, String)], signature: String?) -> Bool {
        guard !authToken.isEmpty, let signature else { return false }
        return constantTimeEqual(expected(authToken: authToken, url: url, parameters: parameters), signature)
    }
}
