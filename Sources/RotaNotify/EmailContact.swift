import Foundation
import RotaCore

/// The `email` contact: an RFC 5322 message handed to a sendmail-compatible program.
struct EmailContact {
    let runner: CommandContact

    /// Header values lose CR and LF, so no text can add a header.
    static func headerValue(_ text: String) -> String {
        TerminalText.escaped(text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " "))
    }

    /// RFC 2047 encoded-word for non-ASCII header text.
    static func encodedWord(_ text: String) -> String {
        let clean = headerValue(text)
        guard clean.unicodeScalars.contains(where: { !$0.isASCII }) else { return clean }
        return "=?UTF-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// RFC 5322 date: `Wed, 25 Nov 2026 23:40:00 +0000`.
    static func date(_ instant: Date) -> String {
        let wall = Zone.utc.wall(at: instant)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[wall.date.weekday.rawValue]), \(two(wall.date.day)) \(months[wall.date.month - 1]) \(wall.date.year) "
            + "\(two(wall.hour)):\(two(wall.minute)):\(two(wall.second)) +0000"
    }

    static func message(_ page: any OutboundMessage, to address: String, from: String, now: Date) -> String {
        let headers = [
            "Message-ID: <\(headerValue(page.deliveryID))@rota>",
            "Date: \(date(now))",
            "From: \(headerValue(from))",
            "To: <\(headerValue(address))>",
            "Subject: \(encodedWord(page.subject))",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
            "X-Rota-Page-Id: \(headerValue(page.deliveryID))",
        ]
        let body = page.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    func send(to address: String, message page: any OutboundMessage, settings: Settings, now: Date) async -> DeliveryResult {
        // The address goes in as one argument after the sendmail argv (which ends with "--");
        // validation already refused addresses starting with "-" or holding line breaks.
        guard !address.hasPrefix("-"), !address.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            return .permanent("refusing the email address: it could pass for an option or a header")
        }
        let from = settings.emailFrom ?? "rota <rota@localhost>"
        let text = Self.message(page, to: address, from: from, now: now)
        return await runner.run(settings.sendmail + [address], stdin: text, environment: ["ROTA_PAGE_ID": page.deliveryID])
    }
}
