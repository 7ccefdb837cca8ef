import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `slack` contact (issue 22, DESIGN §13) against a Slack-like Web API started by the test
/// (Fixtures/slack_server.py), which also clicks as Slack does: a signed block_actions post.
@Suite("Slack: a message with buttons, clicks verified by the signing secret")
struct SlackTests {
    static let token = "xoxb-test-4411-secret-token"
    static let signing = "8f742231b10e8888abcd99yyyzzz85a5"

    static func rota(api: Int) throws -> RotaRunner {
        var rota = try RotaRunner(files: ["r.yaml": """
            settings:
              timezone: UTC
              server: {public_url: "http://127.0.0.1:1", tick_every: 0}
              gateways:
                slack: {api_base: "http://127.0.0.1:\(api)"}
            people:
              - {id: ann, contacts: [{slack: U0ANN}]}
              - {id: lead, contacts: [{slack: "#comms-oncall"}, {command: ["/bin/true"]}]}
              - {id: bob, contacts: [{slack: U0BOB}]}
            escalations: [{id: e, levels: [{notify: [person:ann, person:lead], escalate_after: 10m}, {notify: [person:bob]}]}]
            services: [{id: web, escalation: e}]
            """])
        rota.baseEnvironment = ["ROTA_SLACK_TOKEN": token, "ROTA_SLACK_SIGNING": signing]
        return rota
    }

    /// The fake's API calls as it recorded them.
    static func calls(_ peer: Peer) -> [[String: Any]] { peer.requests }

    /// Asks the fake to click, as Slack would, on `message`'s button; rota's status and body.
    static func click(_ peer: Peer, server: ServeProcess, message: Int, action: String, user: String, age: Int = 0,
                      secret: String? = nil) async throws -> (status: Int, body: String) {
        var order: [String: Any] = ["to": server.url + "/v1/slack/actions", "message": message, "action_id": action, "user": user, "age": age]
        if let secret { order["secret"] = secret }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(peer.port)/_test/click")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.httpBody = try JSONSerialization.data(withJSONObject: order)
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "the fake's answer parses")
        return (try #require(object["status"] as? Int), object["body"] as? String ?? "")
    }

    @Test("a page posts buttons; only a signed, fresh click by a member in the rota acknowledges, as that member, once; the message says who answered")
    func clickToAnswer() async throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("slack-\(UUID().uuidString).jsonl").path
        let slack = try Peer("slack_server.py", record: record, environment: ["SLACK_TOKEN": Self.token, "SLACK_SIGNING": Self.signing])
        defer { slack.stop() }
        let rota = try Self.rota(api: slack.port)
        #expect(try rota.run(["validate"], environment: ServeProcess.environment).status == 0)
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "login <broken> & slow"], environment: ServeProcess.environment).status == 0)
        let posts = Self.calls(slack).filter { $0["method"] as? String == "chat.postMessage" }
        #expect(posts.count == 2, "ann's direct message and the lead's channel")
        #expect(posts.allSatisfy { $0["auth"] as? String == "Bearer \(Self.token)" })
        let channels = Set(posts.compactMap { ($0["json"] as? [String: Any])?["channel"] as? String })
        #expect(channels == ["U0ANN", "#comms-oncall"])
        let first = try #require(posts.first?["json"] as? [String: Any])
        let text = String(describing: first["blocks"] ?? "")
        #expect(text.contains("login &lt;broken&gt; &amp; slow"), "mrkdwn is escaped: \(text)")
        #expect(text.contains("rota_ack") && text.contains("rota_resolve"))

        let server = try ServeProcess(rota)
        defer { server.stop() }
        func status() throws -> String? { try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String }
        // Forged (another secret), replayed (6 minutes old), and a member nobody in the rota is: nothing changes.
        #expect(try await Self.click(slack, server: server, message: 0, action: "rota_ack", user: "U0ANN", secret: "not-the-secret").status == 401)
        #expect(try await Self.click(slack, server: server, message: 0, action: "rota_ack", user: "U0ANN", age: 360).status == 401)
        #expect(try await Self.click(slack, server: server, message: 0, action: "rota_ack", user: "U0EVE").status == 200)
        #expect(try status() == "triggered", "three clicks that must change nothing")
        #expect(try await server.request("POST", "/v1/slack/actions", body: "payload=%7B%7D", contentType: "application/x-www-form-urlencoded").status == 401)
        // Bob clicks the button of the lead's channel message: he acts as himself (his slack contact), not as the lead.
        let lead = try #require(posts.firstIndex { ($0["json"] as? [String: Any])?["channel"] as? String == "#comms-oncall" })
        let clicked = try await Self.click(slack, server: server, message: lead, action: "rota_ack", user: "U0BOB")
        #expect(clicked.status == 200, "\(clicked.body)")
        #expect(try status() == "acknowledged")
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["acknowledged_by"] as? String == "bob (slack)")
        // The message is updated to say who answered (asynchronously, after the 200).
        let updated = try await eventually(20) {
            Self.calls(slack).contains { $0["method"] as? String == "chat.update"
                && String(describing: $0["json"] ?? "").contains("acknowledged by bob (slack)") }
        }
        #expect(updated, "\(Self.calls(slack).filter { $0["method"] as? String == "chat.update" })")
        // A click on ann's own message afterwards changes nothing; the log has one acknowledgement.
        #expect(try await Self.click(slack, server: server, message: 1 - lead, action: "rota_ack", user: "U0ANN").status == 200)
        let log = (try rota.run(["alert", "show", "1", "--json"]).json["log"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(log.filter { $0.contains("acknowledged by") }.count == 1, "\(log)")
        // Resolve from ann's own message.
        #expect(try await Self.click(slack, server: server, message: 1 - lead, action: "rota_resolve", user: "U0ANN").status == 200)
        #expect(try status() == "resolved")
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["resolved_by"] as? String == "ann (slack)")
    }

    @Test("a wrong bot token: the page fails for good with Slack's error, and the token never shows")
    func wrongToken() throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("slack-\(UUID().uuidString).jsonl").path
        let slack = try Peer("slack_server.py", record: record, environment: ["SLACK_TOKEN": "xoxb-the-right-one", "SLACK_SIGNING": Self.signing])
        defer { slack.stop() }
        let rota = try Self.rota(api: slack.port)
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "x"], environment: ServeProcess.environment).status == 0)
        let pages = try rota.run(["alert", "show", "1", "--json"]).json["pages"] as? [[String: Any]] ?? []
        let errors = pages.compactMap { $0["error"] as? String }
        #expect(errors.contains { $0.contains("slack chat.postMessage to U0ANN: invalid_auth") }, "\(errors)")
        #expect(!errors.joined().contains(Self.token))
        #expect(pages.filter { $0["contact"] as? String == "slack" }.allSatisfy { $0["status"] as? String == "failed" })
    }

    @Test("validate refuses a slack contact without settings.gateways.slack, and a target that is neither a channel nor an id")
    func validateRefuses() throws {
        let rota = try RotaRunner(files: ["r.yaml": """
            settings: {timezone: UTC, server: {public_url: "http://127.0.0.1:1"}}
            people:
              - {id: ann, contacts: [{slack: U0ANN}]}
            """])
        let result = try rota.run(["validate"], environment: ServeProcess.environment)
        #expect(result.status == 65)
        #expect(result.stderr.contains("needs settings.gateways.slack"), "\(result.stderr)")
        try rota.write("r.yaml", """
            settings: {timezone: UTC, server: {public_url: "http://127.0.0.1:1"}, gateways: {slack: {}}}
            people:
              - {id: ann, contacts: [{slack: "not a channel"}]}
            """)
        let bad = try rota.run(["validate"], environment: ServeProcess.environment)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("slack must be a channel"), "\(bad.stderr)")
    }
}
