import Foundation
import Testing
@testable import RotaNotify
import RotaCore

private let message = PageMessage(pageID: "rota-7-r1-l2-ann-c0", alertID: 7, service: "web", serviceName: "Website",
                                  summary: "Café down", details: nil, severity: "critical", round: 1, level: 2, person: "ann",
                                  dueAt: Date(timeIntervalSince1970: 1_772_528_400), runbook: nil, alsoPaged: [], late: false,
                                  acknowledge: "rota ack 7", answerLine: "Acknowledge: rota ack 7")

@Suite("Contacts")
struct NotifierTests {
    @Test("webhook signatures: v1= hex HMAC-SHA256 of id.timestamp.body, one per secret")
    func signature() {
        // Reference value from Python: hmac.new(b"secret", b"msg-1.1700000000.{}", hashlib.sha256).hexdigest()
        let one = WebhookContact.signature(id: "msg-1", timestamp: 1_700_000_000, body: Data("{}".utf8), secrets: ["secret"])
        #expect(one == "v1=6f1a0246a214dcad2d4dd0eebe1b1711f63111552a2660980bda43acfed5923b")
        let two = WebhookContact.signature(id: "msg-1", timestamp: 1_700_000_000, body: Data("{}".utf8), secrets: ["a", "b"])
        #expect(two.split(separator: " ").count == 2)
        #expect(two.split(separator: " ").allSatisfy { $0.hasPrefix("v1=") && $0.count == 67 })
    }

    @Test("webhook URLs are shown with scheme and host only", arguments: [
        ("https://hooks.slack.com/services/T0/B0/XYZ", "https://hooks.slack.com/…"),
        ("http://127.0.0.1:8080/hook?token=abc", "http://127.0.0.1:8080/…"),
        ("not a url", "(a webhook URL)"),
    ])
    func redaction(_ url: String, _ shown: String) {
        #expect(Redaction.url(url) == shown)
        #expect(!Redaction.scrub("failed: \(url) said no", urls: [url]).contains("XYZ"))
    }

    @Test("an email is an RFC 5322 message: CRLF, encoded subject, stable Message-ID, no header injection")
    func emailMessage() {
        var hostile = message
        hostile.summary = "down\r\nBcc: evil@example.com"
        let text = EmailContact.message(hostile, to: "ann@example.com", from: "On-call <oncall@example.com>\r\nX-Evil: 1",
                                        now: Date(timeIntervalSince1970: 1_772_528_400))
        let headers = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(headers.contains("Message-ID: <rota-7-r1-l2-ann-c0@rota>"))
        #expect(headers.contains("Date: Tue, 03 Mar 2026 09:00:00 +0000"))
        #expect(headers.contains("To: <ann@example.com>"))
        #expect(headers.allSatisfy { !$0.hasPrefix("Bcc:") && !$0.hasPrefix("X-Evil:") })
        #expect(EmailContact.encodedWord(message.subject).hasPrefix("=?UTF-8?B?"))
        #expect(EmailContact.encodedWord("plain") == "plain")
    }

    @Test("a secret cut in half by the output cap is still scrubbed")
    func scrubCutSecret() {
        #expect(Redaction.scrub("curl: 401 for token s3cretvalue", urls: [], secrets: ["s3cretvalue"]) == "curl: 401 for token (secret)")
        #expect(Redaction.scrub("output cut at 4 KiB: s3cretv", urls: [], secrets: ["s3cretvalue"]) == "output cut at 4 KiB: (secret)")
        #expect(Redaction.scrub("ends in s3c", urls: [], secrets: ["s3cretvalue"]) == "ends in s3c", "three characters say nothing")
    }

    @Test("a command gets the page on stdin from memory, its variables, and never rota's own")
    func commandContact() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("out.txt").path
        let contact = CommandContact(timeout: .seconds(5), outputCap: 4096)
        let result = await contact.run(["/bin/sh", "-c", "cat > \(out); echo \"$ROTA_PAGE_ID ${ROTA_DB:-none}\" >> \(out)"],
                                       stdin: "page text\n", environment: ["ROTA_PAGE_ID": "p1"])
        #expect(result == .delivered)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "page text\np1 none\n")
        let failing = await contact.run(["/bin/sh", "-c", "echo nope; exit 3"], stdin: "", environment: [:])
        #expect(failing == .retry("/bin/sh exited with status 3: nope"))
        let missing = await contact.run(["no-such-pager-anywhere"], stdin: "", environment: [:])
        guard case .retry(let why) = missing else { Issue.record("a missing program must be retried"); return }
        #expect(why.contains("not found"))
    }

    @Test("a command that outlives its time limit is stopped, its whole process group with it")
    func commandTimeout() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("rota-bg-\(UUID().uuidString)").path
        let contact = CommandContact(timeout: .milliseconds(300), outputCap: 4096)
        let result = await contact.run(["/bin/sh", "-c", "sleep 30 & echo $! > \(pidFile); wait"], stdin: "", environment: [:])
        guard case .retry(let why) = result else { Issue.record("a timeout must be retried"); return }
        #expect(why.contains("did not finish"))
        let background = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The background sleep got the group's SIGTERM too (a zombie at most, until init reaps it).
        var stopped = false
        for _ in 0..<50 where !stopped {
            let state = (try? String(contentsOfFile: "/proc/\(background)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            stopped = state == nil || state == "Z"
            if !stopped { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(stopped, "the pager's own child was stopped with it")
    }
}
