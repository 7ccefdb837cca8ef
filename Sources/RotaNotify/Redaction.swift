import Foundation

/// Chat webhook URLs carry their token in the path or query: only scheme and host are ever shown.
public enum Redaction {
    /// `https://chat.example.com/hooks/T0/B0?token=x` → `https://chat.example.com/…`
    public static func url(_ text: String) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host else {
            return "(a webhook URL)"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }

    /// The same URL in a form that still parses, for rota files kept in the database.
    public static func storedURL(_ text: String) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host else {
            return "https://redacted.invalid/redacted"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/redacted"
    }

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
        }
        return text
    }
}
