import Crypto
import Foundation
import CRotaHTTP
import RotaCore
import Synchronization

/// Signing secrets for webhooks: the current one and, while rotating, the previous one.
public struct WebhookSecrets: Sendable {
    public var current: String?
    public var previous: String?

    public init(current: String? = nil, previous: String? = nil) {
        self.current = current
        self.previous = previous
    }

    var all: [String] { [current, previous].compactMap { $0 } }
}

/// The `webhook` contact: an HTTP POST of the page as JSON, signed when a secret is set.
struct WebhookContact {
    let secrets: WebhookSecrets
    let connectTimeout: TimeInterval
    let totalTimeout: TimeInterval

    /// `v1=<hex HMAC-SHA256 of "id.timestamp.body">`, one per secret, space-separated.
    static func signature(id: String, timestamp: Int, body: Data, secrets: [String]) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        return secrets.map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
            return "v1=" + mac.map { String(format: "%02x", $0) }.joined()
        }.joined(separator: " ")
    }

    /// The JSON body: the message's fields and a `text` that Slack- and Mattermost-style
    /// incoming webhooks show as it is.
    static func body(_ message: any OutboundMessage) -> Data {
        var object: [String: Any] = [:]
        for (key, value) in message.payload { object[key] = value }
        object["text"] = message.text
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    func post(_ url: String, message: any OutboundMessage, now: Date) async -> DeliveryResult {
        let shown = Redaction.url(url)
        guard let target = URL(string: url), let scheme = target.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return .permanent("webhook \(shown) is not a valid http or https URL")
        }
        let body = Self.body(message)
        let timestamp = Int(now.timeIntervalSince1970)
        var headers = ["Content-Type: application/json", "User-Agent: rota", "Webhook-Id: \(message.deliveryID)",
                       "Webhook-Timestamp: \(timestamp)"]
        if !secrets.all.isEmpty {
            headers.append("Webhook-Signature: " + Self.signature(id: message.deliveryID, timestamp: timestamp, body: body, secrets: secrets.all))
        }
        let answer = await HTTPPost(url: url, headers: headers, body: body, connectTimeout: connectTimeout, totalTimeout: totalTimeout).run()
        return answer.result(what: "webhook \(shown)", totalTimeout: totalTimeout)
    }
}

extension HTTPPost.Answer {
    /// What a POST's answer means for the page: 2xx delivered; a redirect, or another 4xx than
    /// 408 and 429, for good; anything else is retried. `what` names the contact, redacted.
    func result(what: String, totalTimeout: TimeInterval) -> DeliveryResult {
        switch self {
        case .timedOut:
            return .retry("\(what) timed out: no complete answer within \(Int(totalTimeout)) s (webhook_timeout)")
        case .failed(let why):
            return .retry("\(what) failed: \(why)")
        case .answered(let status, let location, _):
            switch status {
            case 200..<300: return .delivered
            case 300..<400:
                // Following would turn the POST into a bodiless GET (or resend the signature to
                // another host) and still look delivered: say where it points, and fail.
                let target = location.map { " to \(Redaction.url($0))" } ?? ""
                return .permanent("\(what) answered \(status), redirecting\(target); rota does not follow redirects: put the final URL in the rota file")
            case 408, 429: return .retry("\(what) answered \(status)")
            case 400..<500: return .permanent("\(what) answered \(status)")
            default: return .retry("\(what) answered \(status)")
            }
        }
    }
}

/// One HTTP POST through libcurl on a thread of its own, bounded by wall time twice over:
/// libcurl's overall deadline (`totalTimeout` from start to finish, however slowly the peer
/// trickles bytes), and rota's own, a few seconds later, which answers "timed out" even if the
/// library were stuck (its thread is then left to finish on its own). A malformed answer (a
/// status line and a closed connection, garbage, a reset) is a failed attempt, never a crash.
struct HTTPPost: Sendable {
    enum Answer: Sendable, Equatable {
        /// `body`: the answer's first 4 KiB.
        case answered(status: Int, location: String?, body: Data = Data())
        case timedOut
        case failed(String)
    }

    let url: String
    let headers: [String]
    let body: Data
    let connectTimeout: TimeInterval
    let totalTimeout: TimeInterval

    /// How long past `totalTimeout` rota waits before giving up on the library itself.
    static let grace: TimeInterval = 3

    func run() async -> Answer {
        let once = ResumeOnce<Answer>()
        return await withCheckedContinuation { continuation in
            once.arm(continuation)
            let request = self
            let thread = Thread { once.resume(request.perform()) }
            thread.stackSize = 1 << 20
            thread.start()
            let deadline = DispatchTime.now() + totalTimeout + Self.grace
            DispatchQueue.global().asyncAfter(deadline: deadline) { once.resume(.timedOut) }
        }
    }

    /// Blocks the calling thread for the whole request.
    func perform() -> Answer {
        var result = rota_http_result()
        let connectMS = Int(max(1, min(connectTimeout, totalTimeout)) * 1000)
        let totalMS = Int(max(1, totalTimeout) * 1000)
        let cHeaders = headers.map { strdup($0) }
        defer { cHeaders.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cHeaders.map { $0.map { UnsafePointer($0) } }
        body.withUnsafeBytes { raw in
            pointers.withUnsafeBufferPointer { list in
                rota_http_post(url, list.baseAddress, list.count, raw.bindMemory(to: CChar.self).baseAddress, raw.count,
                               connectMS, totalMS, &result)
            }
        }
        if result.failure == 0 {
            let location = withUnsafeBytes(of: result.location) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let kept = min(Int(result.answer_length), MemoryLayout.size(ofValue: result.answer))
            let body = withUnsafeBytes(of: result.answer) { Data($0.prefix(kept)) }
            return .answered(status: result.status, location: location.isEmpty ? nil : location, body: body)
        }
        if result.timed_out != 0 { return .timedOut }
        let error = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return .failed(error.isEmpty ? "no answer" : error)
    }
}

/// A continuation resumed by whichever comes first, the answer or the deadline.
final class ResumeOnce<Value: Sendable>: Sendable {
    private let state = Mutex<(CheckedContinuation<Value, Never>?, Bool)>((nil, false))

    func arm(_ continuation: CheckedContinuation<Value, Never>) {
        state.withLock { $0.0 = continuation }
    }

    func resume(_ value: Value) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, Never>? in
            guard !state.1 else { return nil }
            state.1 = true
            defer { state.0 = nil }
            return state.0
        }
        continuation?.resume(returning: value)
    }
}
