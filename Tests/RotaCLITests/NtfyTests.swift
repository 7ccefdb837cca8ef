import Foundation
import Testing

/// The `ntfy` contact (issue 22, DESIGN §13) against an ntfy-like publish endpoint started by the
/// test (Fixtures/ntfy_server.py: ntfy's JSON publishing, its field checks and its 400 answers).
@Suite("ntfy: a push with an Acknowledge button")
struct NtfyTests {
    static let topic = "oncall-ann-7f3kq2"

    static func ntfyRota(port: Int, topic: String = topic, publicURL: Bool = true) -> String {
        """
        settings:
          timezone: UTC
        \(publicURL ? "  server: {public_url: \"http://127.0.0.1:1\", tick_every: 0}" : "")
        people:
          - {id: ann, contacts: [{ntfy: "http://127.0.0.1:\(port)/\(topic)"}]}
        escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}]}]
        services: [{id: web, escalation: e}]
        """
    }

    @Test("a page is a priority-5 push whose Acknowledge button acknowledges the incident as that person, once")
    func pushAndPress() async throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("ntfy-\(UUID().uuidString).jsonl").path
        let ntfy = try Peer("ntfy_server.py", record: record)
        defer { ntfy.stop() }
        let rota = try RotaRunner(files: ["r.yaml": Self.ntfyRota(port: ntfy.port)])
        #expect(try rota.run(["validate"], environment: ServeProcess.environment).status == 0)
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "checkout down", "--json"],
                                  environment: ServeProcess.environment)
        #expect(raised.status == 0, "\(raised.stderr)")
        let pushes = ntfy.requests
        #expect(pushes.count == 1)
        let push = try #require(pushes.first)
        #expect(push["method"] as? String == "POST")
        #expect(push["path"] as? String == "/", "JSON is published to the server's root URL")
        let json = try #require(push["json"] as? [String: Any], "the body parsed as JSON")
        #expect(json["topic"] as? String == Self.topic)
        #expect(json["priority"] as? Int == 5)
        #expect((json["title"] as? String)?.contains("checkout down") == true)
        #expect((json["message"] as? String)?.contains("Alert #1 on web") == true)
        let action = try #require((json["actions"] as? [[String: Any]])?.first)
        #expect(action["action"] as? String == "http")
        #expect(action["label"] as? String == "Acknowledge")
        #expect(action["method"] as? String == "POST")
        #expect(action["body"] as? String == "action=ack")
        #expect((action["headers"] as? [String: String])?["Content-Type"] == "application/x-www-form-urlencoded")
        let link = try #require(action["url"] as? String)
        #expect(link.hasPrefix("http://127.0.0.1:1/a/"))
        #expect(json["click"] as? String == link)

        // Pressing the button: the app sends the action's request to rota serve.
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let path = String(link.dropFirst("http://127.0.0.1:1".count))
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "triggered", "control: not yet answered")
        let pressed = try await server.request("POST", path, body: "action=ack", contentType: "application/x-www-form-urlencoded")
        #expect(pressed.status == 200)
        let again = try await server.request("POST", path, body: "action=ack", contentType: "application/x-www-form-urlencoded")
        #expect(again.status == 200, "a second press is answered, and changes nothing")
        let shown = try rota.run(["alert", "show", "1", "--json"]).json
        #expect(shown["status"] as? String == "acknowledged")
        let log = (shown["log"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(log.filter { $0.contains("acknowledged by ann (link)") }.count == 1, "\(log)")
        // A forged press changes nothing.
        #expect(try await server.request("POST", String(path.dropLast(4)) + "AAAA", body: "action=resolve",
                                         contentType: "application/x-www-form-urlencoded").status == 403)
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "acknowledged")

        // The topic is the secret: not in the database, not in what commands print; the address book
        // beside the database keeps it whole (the control that the search could find it).
        let state = (rota.database as NSString).deletingLastPathComponent
        var stored = Data()
        // The database and its journal; the compiled-rota cache is a copy of the files (which hold the address).
        for name in try FileManager.default.contentsOfDirectory(atPath: state) where ["rota.db", "rota.db-wal", "rota.db-shm"].contains(name) {
            stored.append(FileManager.default.contents(atPath: "\(state)/\(name)") ?? Data())
        }
        #expect(!stored.isEmpty)
        #expect(stored.range(of: Data(Self.topic.utf8)) == nil, "the topic is not stored in clear")
        let book = String(decoding: FileManager.default.contents(atPath: rota.database + ".addresses") ?? Data(), as: UTF8.self)
        #expect(book.contains(Self.topic))
        let printed = try rota.run(["alert", "show", "1", "--json"]).stdout + (try rota.run(["log"]).stdout)
        #expect(!printed.contains(Self.topic))
    }

    @Test("a rota file emptied mid-edit: the next level's push still reaches its full topic, kept beside the database")
    func emptiedFileStillPushes() throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("ntfy-\(UUID().uuidString).jsonl").path
        let ntfy = try Peer("ntfy_server.py", record: record)
        defer { ntfy.stop() }
        let rota = try RotaRunner(files: ["r.yaml": """
            settings:
              timezone: UTC
              server: {public_url: "http://127.0.0.1:1", tick_every: 0}
            people:
              - {id: ann, contacts: [{ntfy: "http://127.0.0.1:\(ntfy.port)/oncall-ann-a1"}]}
              - {id: bob, contacts: [{ntfy: "http://127.0.0.1:\(ntfy.port)/oncall-bob-b2"}]}
            escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}, {notify: [person:bob]}]}]
            services: [{id: web, escalation: e}]
            """])
        // Raised 11 minutes ago on the system clock: ann's push went out then, bob's level is due now.
        let earlier = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-660))
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", earlier], environment: ServeProcess.environment).status == 0)
        #expect(ntfy.requests.compactMap { ($0["json"] as? [String: Any])?["topic"] as? String } == ["oncall-ann-a1"])
        try rota.write("r.yaml", "")  // saved empty mid-edit
        let tick = try rota.run(["tick"], environment: ServeProcess.environment)
        #expect(tick.status == 0, "\(tick.stderr)")
        let topics = ntfy.requests.compactMap { ($0["json"] as? [String: Any])?["topic"] as? String }
        #expect(topics == ["oncall-ann-a1", "oncall-bob-b2"], "bob's push went to his full topic: \(topics)")
        #expect(try rota.run(["status"], environment: ServeProcess.environment).stdout.contains("PROBLEM"), "the empty file is said")
    }

    @Test("an ntfy server that fails: the page is retried and its error names the server, never the topic")
    func failingServer() throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("ntfy-\(UUID().uuidString).jsonl").path
        let ntfy = try Peer("ntfy_server.py", record: record)
        defer { ntfy.stop() }
        let topic = "fail-oncall-x9q"
        let rota = try RotaRunner(files: ["r.yaml": Self.ntfyRota(port: ntfy.port, topic: topic)])
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x"], environment: ServeProcess.environment)
        #expect(raised.status == 0, "\(raised.stderr)")
        #expect(ntfy.requests.count == 1, "the push was tried")
        let pages = try rota.run(["alert", "show", "1", "--json"]).json["pages"] as? [[String: Any]] ?? []
        let error = try #require(pages.first?["error"] as? String)
        #expect(error.contains("ntfy http://127.0.0.1:\(ntfy.port)/… answered 500"), "\(error)")
        #expect(!error.contains(topic))
        #expect(pages.first?["status"] as? String == "failed", "not sent: \(pages)")
        #expect(pages.first?["attempts"] as? Int == 1)
        #expect(try rota.run(["status"]).stdout.contains("failed for good") == false, "retried, not given up")
        #expect(pages.first?["contact"] as? String == "ntfy")
    }

    @Test("validate refuses an ntfy contact without public_url, and an address that is not a topic URL", arguments: [
        ("no public url", "oncall-ann", false, "needs settings.server.public_url: its buttons"),
        ("no topic", "", true, "ntfy must be a topic URL"),
        ("a query", "oncall?x=1", true, "ntfy must be a topic URL"),
        ("a nested path", "a/b", true, "ntfy must be a topic URL"),
    ])
    func validateRefuses(name: String, topic: String, publicURL: Bool, message: String) throws {
        let rota = try RotaRunner(files: ["r.yaml": Self.ntfyRota(port: 9, topic: topic, publicURL: publicURL)])
        let result = try rota.run(["validate"], environment: ServeProcess.environment)
        #expect(result.status == 65, "\(name)")
        #expect(result.stderr.contains("r.yaml:"), "\(name): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
    }
}
