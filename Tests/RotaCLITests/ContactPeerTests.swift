import Foundation
import Testing

/// A test peer on loopback: a Python script from Fixtures/ that prints its port and records
/// what it receives. Stopped when the test is done.
final class Peer {
    let process = Process()
    let port: Int
    let record: String

    init(_ script: String, record: String, environment: [String: String] = [:]) throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        self.record = record
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appendingPathComponent(script).path, record]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        // Not the test runner's stderr: a peer outliving a crashed test must not hold it open.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw CocoaError(.fileReadCorruptFile) }
        self.port = port
    }

    /// SIGKILL straight to the peer's pid, then reap it: peers started from the test runner
    /// inherit a signal state in which SIGTERM went unheeded (seen here), and SIGKILL cannot be.
    func stop() {
        guard !stopped else { return }
        stopped = true
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private var stopped = false

    deinit { stop() }

    /// The webhook server's recorded requests.
    var requests: [[String: Any]] {
        ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}

private func webhookRota(port: Int, paths: [String: String], settings: String = "") -> String {
    let people = paths.sorted { $0.key < $1.key }.map { "  - {id: \($0.key), contacts: [{webhook: \"http://127.0.0.1:\(port)\($0.value)\"}]}" }
    let notify = paths.keys.sorted().map { "person:\($0)" }.joined(separator: ", ")
    return """
        settings: {timezone: UTC\(settings)}
        people:
        \(people.joined(separator: "\n"))
        escalations:
          - id: e
            levels:
              - {notify: [\(notify)]}
        services:
          - {id: web, escalation: e}
        """
}

@Suite("Webhook and email contacts against real peers on loopback", .serialized)
struct ContactPeerTests {
    @Test("a webhook gets the page as JSON with a stable id, a timestamp and a valid signature for each secret")
    func signedWebhook() throws {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path,
                              environment: ["SECRETS": "s3cret-now,s3cret-before"])
        defer { server.stop() }
        try rota.write("r.yaml", webhookRota(port: server.port, paths: ["ann": "/ok/T0/B0?token=abc"]))
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "Disk full", "--severity", "critical", "--now", "2026-03-03T09:00:00Z"],
                                  environment: ["ROTA_WEBHOOK_SECRET": "s3cret-now", "ROTA_WEBHOOK_SECRET_PREVIOUS": "s3cret-before"])
        #expect(raised.status == 0, "\(raised.stderr)")
        let request = try #require(server.requests.first)
        #expect(request["path"] as? String == "/ok/T0/B0?token=abc")
        let headers = request["headers"] as? [String: String] ?? [:]
        #expect(headers["Webhook-Id"]?.hasPrefix("rota-1-r1-l1-ann-webhook-") == true)
        #expect(headers["Webhook-Timestamp"] == "1772528400")
        #expect(request["valid"] as? [Bool] == [true, true])
        #expect(request["signatures"] as? Int == 2)
        let body = try JSONSerialization.jsonObject(with: Data((request["body"] as? String ?? "").utf8)) as? [String: Any] ?? [:]
        #expect(body["page_id"] as? String == headers["Webhook-Id"])
        #expect(body["alert_id"] as? Int == 1)
        #expect(body["summary"] as? String == "Disk full")
        #expect(body["severity"] as? String == "critical")
        #expect(body["due_at"] as? String == "2026-03-03T09:00:00Z")
        #expect((body["text"] as? String)?.contains("rota ack 1") == true)
        #expect(body["ack"] as? String == "rota ack 1")
    }

    @Test("a 500 is retried with the same Webhook-Id; a 404 fails for good; a timeout is retried")
    func webhookFailures() throws {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
        defer { server.stop() }
        try rota.write("r.yaml", webhookRota(port: server.port, paths: ["ann": "/flaky", "bob": "/gone", "cat": "/slow"], settings: ", webhook_timeout: 2s"))
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect(raised.stderr.contains("answered 500"))
        #expect(raised.stderr.contains("answered 404"))
        #expect(raised.stderr.contains("for good"))
        #expect(raised.stderr.contains("timed out"))
        let tick = try rota.run(["tick", "--now", "2026-03-03T09:05:00Z"])
        #expect(tick.status == 75, "the slow one still fails")
        let byPath = Dictionary(grouping: server.requests, by: { ($0["path"] as? String ?? "") })
        #expect(byPath["/flaky"]?.count == 2)
        let flakyIDs = Set(byPath["/flaky"]?.compactMap { ($0["headers"] as? [String: String])?["Webhook-Id"] } ?? [])
        #expect(flakyIDs.count == 1 && flakyIDs.allSatisfy { $0.hasPrefix("rota-1-r1-l1-ann-webhook-") })
        #expect(byPath["/gone"]?.count == 1, "a 404 is not retried")
        #expect(byPath["/slow"]?.count == 2, "a timeout is retried")
        let pages = try rota.run(["alert", "show", "1", "--json", "--now", "2026-03-03T09:05:00Z"]).json["pages"] as? [[String: Any]] ?? []
        let status = Dictionary(uniqueKeysWithValues: pages.map { ($0["person"] as? String ?? "", $0["status"] as? String ?? "") })
        #expect(status == ["ann": "sent", "bob": "failed", "cat": "failed"])
    }

    @Test("a secret in a webhook URL and the signing secret never reach logs, output or the database")
    func secretsStayOut() throws {
        let token = "SECRETPATHTOKEN7731"
        let signing = "SIGNINGSECRET4410"
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
        defer { server.stop() }
        try rota.write("r.yaml", webhookRota(port: server.port, paths: ["ann": "/flaky/\(token)?key=\(token)", "bob": "/gone/\(token)"]))
        let environment = ["ROTA_WEBHOOK_SECRET": signing]
        var output = ""
        for arguments in [["validate"], ["alert", "raise", "--service", "web", "--summary", "x"], ["tick", "-v"], ["tick", "--json"],
                          ["alert", "show", "1"], ["alert", "show", "1", "--json"], ["log"], ["log", "--json"], ["status"], ["now"]] {
            let result = try rota.run(arguments + ["--now", "2026-03-03T09:00:00Z"], environment: environment)
            output += result.stdout + result.stderr
        }
        try rota.run(["tick", "-v", "--now", "2026-03-03T09:10:00Z"], environment: environment)
        #expect(!output.contains(token))
        #expect(!output.contains(signing))
        #expect(output.contains("127.0.0.1"), "the host is still shown, so people know which hook failed")
        for suffix in ["", "-wal", "-shm"] {
            guard let data = FileManager.default.contents(atPath: rota.database + suffix) else { continue }
            #expect(data.range(of: Data(token.utf8)) == nil, "the token is in rota.db\(suffix)")
            #expect(data.range(of: Data(signing.utf8)) == nil, "the signing secret is in rota.db\(suffix)")
        }
        #expect(server.requests.contains { ($0["path"] as? String)?.contains(token) == true }, "the real URL was used")
    }

    @Test("a half-edited file still lets webhooks be delivered, from the last valid files kept beside the database")
    func webhookAfterBrokenFile() throws {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
        defer { server.stop() }
        let text = webhookRota(port: server.port, paths: ["ann": "/ok/secret-path"])
        try rota.write("r.yaml", text)
        try rota.run(["tick", "--now", "2026-03-03T08:00:00Z"])
        try rota.write("r.yaml", text + "\nbroken: [\n")
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect(raised.status == 0, "\(raised.stderr)")
        #expect(server.requests.first?["path"] as? String == "/ok/secret-path")
    }

    @Test("an email reaches a real SMTP server through msmtp as sendmail, whole")
    func email() throws {
        let rota = try RotaRunner(files: [:])
        let mailbox = rota.directory.appendingPathComponent("mailbox")
        try FileManager.default.createDirectory(at: mailbox, withIntermediateDirectories: true)
        let smtp = try Peer("smtp_server.py", record: mailbox.path)
        defer { smtp.stop() }
        let msmtp = ["/usr/bin/msmtp", "--host=127.0.0.1", "--port=\(smtp.port)", "--auth=off", "--tls=off", "--from=oncall@example.com", "--"]
        try rota.write("r.yaml", """
            settings:
              timezone: UTC
              email_from: "On-call <oncall@example.com>"
              sendmail: [\(msmtp.map { "\"\($0)\"" }.joined(separator: ", "))]
            people:
              - {id: ann, contacts: [{email: ann@example.com}]}
            escalations:
              - {id: e, levels: [{notify: [person:ann]}]}
            services:
              - {id: web, name: Website, escalation: e}
            """)
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "Café down\r\nBcc: evil@example.com", "--now", "2026-03-03T09:00:00Z"])
        #expect(raised.status == 0, "\(raised.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: mailbox.path)
        #expect(files.count == 1)
        let message = try String(contentsOf: mailbox.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(message.contains("X-Envelope-To: <ann@example.com>"))
        #expect(message.contains("Message-ID: <rota-1-r1-l1-ann-email-"))
        #expect(message.contains("From: On-call <oncall@example.com>"))
        #expect(message.contains("To: <ann@example.com>"))
        #expect(message.contains("Date: Tue, 03 Mar 2026 09:00:00 +0000"))
        #expect(message.contains("Subject: =?UTF-8?B?"))
        let headers = message.components(separatedBy: "\r\n\r\n").first ?? ""
        #expect(!headers.contains("Bcc:"), "a line break in the summary cannot add a header")
        #expect(message.contains("rota ack 1"))
        #expect(message.contains("Café down"))
    }

    @Test("an email contact after 5m is used only if the page is still unacknowledged then")
    func notificationRules() throws {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
        defer { server.stop() }
        try rota.write("r.yaml", """
            settings: {timezone: UTC}
            people:
              - id: ann
                contacts:
                  - {webhook: "http://127.0.0.1:\(server.port)/ok/chat"}
                  - {webhook: "http://127.0.0.1:\(server.port)/ok/phone", after: 5m}
            escalations:
              - {id: e, levels: [{notify: [person:ann]}]}
            services:
              - {id: web, escalation: e}
            """)
        try rota.run(["alert", "raise", "--service", "web", "--summary", "first", "--now", "2026-03-03T09:00:00Z"])
        try rota.run(["alert", "raise", "--service", "web", "--summary", "second", "--now", "2026-03-03T09:00:00Z"])
        try rota.run(["ack", "2", "--now", "2026-03-03T09:03:00Z"])
        for minute in 1...8 { try rota.run(["tick", "--now", "2026-03-03T09:0\(minute):00Z"]) }
        // Pages only: alert 2's acknowledgement also sends ann a notice (DESIGN §8).
        let pages = server.requests.filter { !((($0["headers"] as? [String: String])?["Webhook-Id"] ?? "").hasPrefix("rota-notice-")) }
        let ids = pages.compactMap { ($0["headers"] as? [String: String])?["Webhook-Id"] }
        // Two webhooks of alert 1 (chat, then phone after 5 minutes), only chat for alert 2 (acknowledged at 3).
        #expect(ids.count == 3 && Set(ids).count == 3)
        #expect(ids.filter { $0.hasPrefix("rota-1-r1-l1-ann-webhook-") }.count == 2)
        #expect(ids.filter { $0.hasPrefix("rota-2-r1-l1-ann-webhook-") }.count == 1)
        let phone = pages.first { ($0["path"] as? String) == "/ok/phone" }
        let body = try JSONSerialization.jsonObject(with: Data((phone?["body"] as? String ?? "").utf8)) as? [String: Any]
        #expect(body?["summary"] as? String == "first")
    }
}
