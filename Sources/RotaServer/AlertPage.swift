import Foundation
import RotaCore
import RotaStore

/// The page behind an ack link: what the alert is, where it stands, who was paged, and two
/// buttons. Rendered on the server, no JavaScript; every text is escaped.
enum AlertPage {
    static let forbidden = document(title: "Link not valid", body: """
        <main><h1>This link is not valid</h1><p>It was forged, damaged or has expired (links last 7 days).
        Use <code>rota ack ID</code> on the rota host, or the link in a newer page.</p></main>
        """)

    static func render(_ alert: StoredAlert, pages: [StoredPage], person: String, token: String, now: Date) -> String {
        let paged = Array(Set(pages.filter { $0.status == .sent }.map(\.person))).sorted()
        var body = """
            <main>
            <h1>Alert #\(alert.id): \(escape(alert.summary))</h1>
            <p>Service <strong>\(escape(alert.service))</strong>, severity \(escape(alert.severity)), raised
            <time datetime="\(TimeText.utc(alert.createdAt))">\(TimeText.utc(alert.createdAt))</time>.</p>
            <p>Status: <strong>\(alert.status.rawValue)</strong>
            """
        if let by = alert.acknowledgedBy, let at = alert.acknowledgedAt {
            body += " — acknowledged by \(escape(by)) at <time datetime=\"\(TimeText.utc(at))\">\(TimeText.utc(at))</time>"
        }
        if let by = alert.resolvedBy { body += " — resolved by \(escape(by))" }
        body += ".</p>\n"
        if let details = alert.details { body += "<pre>\(escape(details))</pre>\n" }
        body += "<p>Paged so far: \(paged.isEmpty ? "nobody yet" : paged.map(escape).joined(separator: ", ")).</p>\n"
        switch alert.status {
        case .triggered:
            if let due = alert.progress.nextDueAt, let level = alert.progress.nextLevel {
                body += "<p>Next: level \(level) at <time datetime=\"\(TimeText.utc(due))\">\(TimeText.utc(due))</time> unless someone acknowledges.</p>\n"
            }
        case .acknowledged: body += "<p>Nothing more is paged while it is acknowledged.</p>\n"
        case .resolved: body += "<p>Resolved: nothing more is paged.</p>\n"
        }
        if alert.status != .resolved {
            body += """
                <form method="post" action="/a/\(escape(token))">
                <p>You are answering as <strong>\(escape(person))</strong>.</p>
                \(alert.status == .triggered ? "<button name=\"action\" value=\"ack\">Acknowledge</button>" : "")
                <button name="action" value="resolve">Resolve</button>
                </form>
                """
        }
        body += "</main>"
        return document(title: "Alert #\(alert.id)", body: body)
    }

    static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) — rota</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:40rem;padding:0 1rem;color:#111}
        button{font-size:1.1rem;padding:.6rem 1.2rem;margin:.3rem .5rem .3rem 0}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}</style>
        </head><body>
        \(body)
        </body></html>
        """
    }

    /// HTML-escaped text, control characters shown as escapes.
    static func escape(_ text: String) -> String {
        TerminalText.escaped(text, keepNewlines: true).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
