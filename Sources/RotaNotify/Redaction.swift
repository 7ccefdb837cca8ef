import Foundation
import RotaCore

/// Chat webhook URLs carry their token in the path or query: only scheme and host are ever shown.
public enum Redaction {
    /// `https://chat.example.com/hooks/T0/B0?token=x` → `https://chat.example.com/…`
    public static func url(_ text: String) -> String { Contact.shownURL(text) }

    /// `message` with every occurrence of the secrets replaced (URLs by their redacted form).
    public static func scrub(_ message: String, urls: [String], secrets: [String] = []) -> String {
        var text = message
        for url in urls where !url.isEmpty {
            text = text.replacingOccurrences(of: url, with: Redaction.url(url))
            if let components = URLComponents(string: url) {
                if !components.percentEncodedPath.isEmpty && components.percentEncodedPath != "/" {
                    text = text.replacingOccurrences(of: components.percentEncodedPath, with: "/…")
                }
                if let query = components.percentEncodedQuery, !query.isEmpty {
                    text = text.replacingOccurrences(of: query, with: "…")
                }
            }
        }
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "(secret)")
            // Output is cut at 4 KiB: a secret cut in half at the end survives the replacement.
            for length in stride(from: secret.count - 1, through: 4, by: -1) where text.hasSuffix(secret.prefix(length)) {
                text = String(text.dropLast(length)) + "(secret)"
                break
            }
        }
        return text
    }

    /// A webhook's or ntfy contact's address as text (reduced or whole).
    public static func urlText(_ contact: Contact) -> String {
        contact.channel.secretURL ?? ""
    }
}
