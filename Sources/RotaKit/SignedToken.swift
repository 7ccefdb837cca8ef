import Crypto
import Foundation

/// Tokens rota hands out in links: a payload and its HMAC-SHA256 under the server's secret,
/// both base64url. The purpose is part of what is signed, so an ack-link token is no feed token.
public struct TokenSigner: Sendable {
    public enum Purpose: String, Sendable {
        case acknowledge = "ack"
        case feed
        case board
        /// A button on a person's page: answers only with that page's (unrevoked) token beside it.
        case pageButton = "button"
    }

    /// The secret's bytes (a `SymmetricKey` is made for each use: it is not `Sendable`).
    private let secret: Data

    public init(secret: String) {
        self.secret = Data(secret.utf8)
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// `payload` fields joined by `|` (they must not contain one), signed for `purpose`.
    public func sign(_ purpose: Purpose, _ fields: [String]) -> String {
        let payload = fields.joined(separator: "|")
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(purpose.rawValue)|\(payload)".utf8), using: key)
        return Self.base64url(Data(payload.utf8)) + "." + Self.base64url(Data(mac))
    }

    /// The fields of a token signed for `purpose`, or nil when it is forged, damaged or of another purpose.
    /// The MAC is compared in constant time.
    public func verify(_ purpose: Purpose, _ token: String) -> [String]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 1024, let payload = Self.data(base64url: String(parts[0])),
              let mac = Self.data(base64url: String(parts[1])), let text = String(data: payload, encoding: .utf8) else { return nil }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data("\(purpose.rawValue)|\(text)".utf8), using: key) else { return nil }
        return text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64url text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
