import Foundation
import Testing

/// The `mattermost` contact (issue 22, DESIGN §13) against a Mattermost-like incoming webhook
/// started by the test (Fixtures/mattermost_server.py), the test then clicking as Mattermost
/// does: posting the button's context to its integration URL.
@Suite("Mattermost: a message with Acknowledge and Resolve buttons")
struct MattermostTests {
    static let hook = "x8e3kq1rbd7yj"

    static func rota(port: Int, hook: String = hook) throws -> RotaRunner {
        try RotaRunner(files: ["r.yaml": """
            settings:
              timezone: UTC
              server: {public_url: "http://127.0.0.1:1", tick_every: 0}
            people:
              - {id: ann, contacts: [{mattermost: "http://127.0.0.1:\(port)/hooks/\(hook)"}]}
              - {id: bob, contacts: [{mattermost: "http://127.0.0.1:\(port)/hooks/\(hook)"}]}
            escalations: [{id: e, levels: [{notify: [person:ann, person:bob], escalate_after: 10m}]}]
            services: [{id: web, escalation: e}]
            """])
    }

    /// What Mattermost posts to a button's integration URL when `user` clicks it.
    static func click(_ action: [String: Any], user: String) throws -> (path: String, body: String) {
        let integration = try #require(action["integration"] as? [String: Any])
        let url = try #require(integration["url"] as? String)
        let payload: [String: Any] = ["user_id": "u-\(user)", "user_name": user, "channel_id": "c1", "channel_name": "oncall",
                                      "team_id": "t1", "team_domain": "ops", "post_id": "p1", "trigger_id": "tr1",
                                      "type": "", "data_source": "", "context": integration["context"] ?? [:]]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        return (String(url.dropFirst("http://127.0.0.1:1".count)), body)
    }

    /// Whose page a post's buttons answer: the person named inside the signed token ("id|person|expiry").
    static func actions(of post: [String: Any]) -> [[String: Any]] {
        ((post["json"] as? [String: Any])?["attachments"] as? [[String: Any]])?.first?["actions"] as? [[String: Any]] ?? []
    }

    static func person(of post: [String: Any]) -> String? {
        guard let context = (actions(of: post).first?["integration"] as? [String: Any])?["context"] as? [String: Any],
              let token = context["token"] as? String, let payload = token.split(separator: ".").first else { return nil }
        var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "|").dropFirst().first.map(String.init)
    }

    @Test("a page posts buttons; a click acknowledges as the person paged, once, and the message says who answered; forged clicks change nothing")
    func clickToAnswer() async throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("mm-\(UUID().uuidString).jsonl").path
        let mattermost = try Peer("mattermost_server.py", record: record)
        defer { mattermost.stop() }
        let rota = try Self.rota(port: mattermost.port)
        #expect(try rota.run(["validate"], environment: ServeProcess.environment).status == 0)
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "payments failing"], environment: ServeProcess.environment).status == 0)
        let posts = mattermost.requests
        #expect(posts.count == 2, "one message per person paged")
        #expect(posts.allSatisfy { $0["path"] as? String == "/hooks/\(Self.hook)" })
        let posted = try #require(posts.first?["json"] as? [String: Any])
        #expect((posted["text"] as? String)?.contains("payments failing") == true)
        let attachment = try #require((posted["attachments"] as? [[String: Any]])?.first)
        #expect((attachment["text"] as? String)?.contains("Alert #1 on web") == true)
        let actions = try #require(attachment["actions"] as? [[String: Any]])
        #expect(actions.map { $0["id"] as? String } == ["ack", "resolve"])
        #expect(actions.map { $0["name"] as? String } == ["Acknowledge", "Resolve"])

        let server = try ServeProcess(rota)
        defer { server.stop() }
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "triggered", "control: not answered yet")
        // Whose message is it? Each person's page carries their own token.
        #expect(Set(posts.compactMap { Self.person(of: $0) }) == ["ann", "bob"])
        let annActions = Self.actions(of: try #require(posts.first { Self.person(of: $0) == "ann" }))
        let ack = try Self.click(annActions[0], user: "someone-in-the-channel")
        let answered = try await server.request("POST", ack.path, body: ack.body)
        #expect(answered.status == 200, "\(answered.body)")
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(answered.body.utf8)) as? [String: Any])
        let update = try #require(reply["update"] as? [String: Any])
        let said = String(describing: update)
        #expect(said.contains("acknowledged by ann (mattermost)"), "\(said)")
        #expect(!said.contains("\"actions\""), "the buttons are gone from the updated message")
        let shown = try rota.run(["alert", "show", "1", "--json"]).json
        #expect(shown["status"] as? String == "acknowledged")
        #expect(shown["acknowledged_by"] as? String == "ann (mattermost)")
        // The others paged hear of it through their channels (the answer notice), the answerer does not:
        // one more post, on the next tick, without buttons.
        #expect(try rota.run(["tick"]).status == 0)
        let notices = mattermost.requests.dropFirst(posts.count)
        #expect(notices.count == 1, "bob's notice only: \(notices)")
        let notice = String(describing: notices.first?["json"] ?? "")
        #expect(notice.contains("acknowledged by ann (mattermost)"), "\(notice)")
        #expect(!notice.contains("actions"))
        // A second click, or bob's acknowledge afterwards, changes nothing and says who answered first.
        let bobActions = Self.actions(of: try #require(posts.first { Self.person(of: $0) == "bob" }))
        let bobAck = try Self.click(bobActions[0], user: "bob")
        let late = try await server.request("POST", bobAck.path, body: bobAck.body)
        #expect(late.status == 200)
        #expect(late.body.contains("acknowledged by ann (mattermost)"), "\(late.body)")
        let log = (try rota.run(["alert", "show", "1", "--json"]).json["log"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(log.filter { $0.contains("acknowledged by") }.count == 1, "\(log)")
        // A forged token: 403, nothing changes (the resolve button of a page, its token altered).
        var forged = try Self.click(annActions[1], user: "mallory")
        forged.body = forged.body.replacingOccurrences(of: #""token":""#, with: #""token":"x"#)
        #expect(forged.body.contains(#""token":"x"#), "control: the token was altered")
        #expect(try await server.request("POST", forged.path, body: forged.body).status == 403)
        #expect(try await server.request("POST", forged.path, body: "not json").status == 400)
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "acknowledged")
        // The real resolve button works (positive control for the forged one).
        let resolve = try Self.click(annActions[1], user: "ann")
        #expect(try await server.request("POST", resolve.path, body: resolve.body).body.contains("resolved by ann (mattermost)"))
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "resolved")
        // The hook's key is its secret: not in the database.
        var stored = Data()
        for name in ["rota.db", "rota.db-wal"] { stored.append(FileManager.default.contents(atPath: (rota.database as NSString).deletingLastPathComponent + "/" + name) ?? Data()) }
        #expect(!stored.isEmpty)
        #expect(stored.range(of: Data(Self.hook.utf8)) == nil)
    }

    @Test("a deleted hook (400): the page fails for good, and its error names the server, never the key")
    func deletedHook() throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("mm-\(UUID().uuidString).jsonl").path
        let mattermost = try Peer("mattermost_server.py", record: record)
        defer { mattermost.stop() }
        let rota = try Self.rota(port: mattermost.port, hook: "gone7hq2xk")
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "x"], environment: ServeProcess.environment).status == 0)
        #expect(mattermost.requests.count == 2)
        let pages = try rota.run(["alert", "show", "1", "--json"]).json["pages"] as? [[String: Any]] ?? []
        let error = try #require(pages.first?["error"] as? String)
        #expect(error.contains("mattermost http://127.0.0.1:\(mattermost.port)/… answered 400"), "\(error)")
        #expect(!error.contains("gone7hq2xk"))
    }
}
