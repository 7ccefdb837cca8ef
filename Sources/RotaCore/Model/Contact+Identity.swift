import Crypto
import Foundation

extension Contact {
    /// What a reduced webhook address starts with: `rota-reduced:<key>:https://host/…`. Stored
    /// revisions and alert definitions hold webhooks in this form, so no token reaches the
    /// database; a reduced address is never posted to, only looked up by its key.
    public static let reducedPrefix = "rota-reduced:"

    /// The contact's stable identity: its kind and a digest of its address. Pages name their
    /// contact by it, so reordering or inserting contacts changes nothing for pages in flight.
    public var key: String {
        switch channel {
        case .command(let argv): "command:" + SHA256Digest.hex(argv.joined(separator: "\u{0}")).prefix(16)
        case .email(let address): "email:" + SHA256Digest.hex(address.lowercased()).prefix(16)
        case .slack(let target): "slack:" + SHA256Digest.hex(target).prefix(16)
        case .sms(let number): "sms:" + SHA256Digest.hex(number).prefix(16)
        case .voice(let number): "voice:" + SHA256Digest.hex(number).prefix(16)
        case .webhook(let url), .ntfy(let url), .mattermost(let url):
            if let reduced = Self.reducedParts(url) { channel.kind + ":" + reduced.digest }
            else { channel.kind + ":" + SHA256Digest.hex(url).prefix(16) }
        }
    }

    /// True when this is a webhook or ntfy contact whose full address this value does not hold.
    public var isReduced: Bool {
        channel.secretURL?.hasPrefix(Self.reducedPrefix) ?? false
    }

    /// The same contact with a webhook's or ntfy topic's address reduced to its scheme and host (and its key).
    public func reduced() -> Contact {
        guard let url = channel.secretURL, !url.hasPrefix(Self.reducedPrefix) else { return self }
        var copy = self
        copy.channel = channel.at(Self.reducedPrefix + SHA256Digest.hex(url).prefix(16) + ":" + Self.shownURL(url))
        return copy
    }

    /// `https://chat.example.com/hooks/T0/B0?x` → `https://chat.example.com/…`; a reduced
    /// address shows the same.
    public static func shownURL(_ url: String) -> String {
        if let reduced = reducedParts(url) { return reduced.shown }
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "(a webhook URL)"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }

    static func reducedParts(_ url: String) -> (digest: String, shown: String)? {
        guard url.hasPrefix(reducedPrefix) else { return nil }
        let rest = url.dropFirst(reducedPrefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]))
    }
}

extension Rota {
    /// The rota with every webhook address reduced: what the database keeps.
    public func reducingAddresses() -> Rota {
        var copy = self
        copy.people = people.map { person in
            var person = person
            person.contacts = person.contacts.map { $0.reduced() }
            return person
        }
        return copy
    }

    /// Every full webhook and ntfy address, by contact key.
    public var webhookAddresses: [String: String] {
        var addresses: [String: String] = [:]
        for contact in people.flatMap(\.contacts) {
            if let url = contact.channel.secretURL, !contact.isReduced { addresses[contact.key] = url }
        }
        return addresses
    }
}

/// SHA-256 in hex, for contact identities (swift-crypto: hashing is pure, the core stays free of I/O).
public enum SHA256Digest {
    public static func hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }
}

/// Compares two secrets without leaking where they differ: both are hashed first, so the
/// comparison takes the same time whatever their lengths and contents.
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = SHA256.hash(data: Data(a.utf8)), y = SHA256.hash(data: Data(b.utf8))
    return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}
