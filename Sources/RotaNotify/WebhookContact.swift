import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RotaCore

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
        guard let target = URL(string: url) else { return .permanent("webhook \(shown) is not a valid URL") }
        let body = Self.body(message)
        let timestamp = Int(now.timeIntervalSince1970)
        var request = URLRequest(url: target, timeoutInterval: connectTimeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("rota", forHTTPHeaderField: "User-Agent")
        request.setValue(message.deliveryID, forHTTPHeaderField: "Webhook-Id")
        request.setValue(String(timestamp), forHTTPHeaderField: "Webhook-Timestamp")
        if !secrets.all.isEmpty {
            request.setValue(Self.signature(id: message.deliveryID, timestamp: timestamp, body: body, secrets: secrets.all),
                             forHTTPHeaderField: "Webhook-Signature")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = connectTimeout
        configuration.timeoutIntervalForResource = totalTimeout
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (_, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .retry("webhook \(shown): no HTTP answer") }
            switch http.statusCode {
            case 200..<300: return .delivered
            case 300..<400:
                // Following would turn the POST into a bodiless GET (or resend the signature to
                // another host) and still look delivered: say where it points, and fail.
                let location = http.value(forHTTPHeaderField: "Location").map { " to \(Redaction.url($0))" } ?? ""
                return .permanent("webhook \(shown) answered \(http.statusCode), redirecting\(location); rota does not follow redirects: put the final URL in the rota file")
            case 408, 429: return .retry("webhook \(shown) answered \(http.statusCode)")
            case 400..<500: return .permanent("webhook \(shown) answered \(http.statusCode)")
            default: return .retry("webhook \(shown) answered \(http.statusCode)")
            }
        } catch let error as URLError {
            let what = error.code == .timedOut ? "timed out" : "failed (\(error.code.rawValue))"
            return .retry("webhook \(shown) \(what)")
        } catch {
            return .retry("webhook \(shown) failed")
        }
    }
}


/// Hands every redirect back as the answer it is, unfollowed.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
