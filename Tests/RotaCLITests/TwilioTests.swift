import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `sms` and `voice` contacts (issue 22, DESIGN §13) against a Twilio-like API started by the test
/// (Fixtures/twilio_server.py), which also calls rota back as Twilio does: signed webhooks.
@Suite("SMS and voice through a Twilio-compatible gateway")
struct TwilioTests {
    static let sid = "AC0123456789abcdef0123456789abcdef"
    static let token = "twilio-auth-token-7731"
    static let from = "+33100000000"
    static let gatewayEnvironment = ["ROTA_TWILIO_SID": sid, "ROTA_TWILIO_TOKEN": token]

    static func peer() throws -> Peer {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("twilio-\(UUID().uuidString).jsonl").path
        return try Peer("twilio_server.py", record: record, environment: ["TWILIO_SID": sid, "TWILIO_TOKEN": token, "TWILIO_FROM": from])
    }

    static func rota(api: Int, contacts: String) throws -> RotaRunner {
        var rota = try RotaRunner(files: ["r.yaml": """
            settings:
              timezone: UTC
              server: {public_url: "http://127.0.0.1:1", tick_every: 0}
              gateways:
                twilio: {from: "\(from)", api_base: "http://127.0.0.1:\(api)"}
            people:
            \(contacts)
            escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}, {notify: [person:bob]}]}]
            services: [{id: web, escalation: e}]
            """])
        rota.baseEnvironment = gatewayEnvironment
        return rota
    }

    /// Asks the fake to call rota back as Twilio would; rota's status and body.
    static func order(_ peer: Peer, _ path: String, _ fields: [String: Any]) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(peer.port)\(path)")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.httpBody = try JSONSerialization.data(withJSONObject: fields.merging(["public": "http://127.0.0.1:1"]) { $1 })
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "the fake's answer parses")
        return (try #require(object["status"] as? Int), object["body"] as? String ?? "")
    }

    @Test("an SMS page; a reply of 1 acknowledges as that person, once; forged, unknown and unpaged senders change nothing; RESOLVE resolves")
    func smsReply() async throws {
        let twilio = try Self.peer()
        defer { twilio.stop() }
        let rota = try Self.rota(api: twilio.port, contacts: """
              - {id: ann, contacts: [{sms: "+33600000001"}]}
              - {id: bob, contacts: [{sms: "+33600000002"}]}
            """)
        #expect(try rota.run(["validate"], environment: ServeProcess.environment).status == 0)
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "orders stuck"], environment: ServeProcess.environment).status == 0)
        let sent = twilio.requests
        #expect(sent.count == 1)
        let params = try #require(sent.first?["params"] as? [String: String])
        #expect(sent.first?["path"] as? String == "/2010-04-01/Accounts/\(Self.sid)/Messages.json")
        #expect(params["To"] == "+33600000001")
        #expect(params["From"] == Self.from)
        #expect(params["Body"]?.contains("orders stuck") == true)
        #expect(params["Body"]?.contains("Reply 1 or ACK") == true)

        let server = try ServeProcess(rota)
        defer { server.stop() }
        func status() throws -> String? { try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String }
        let base = ["rota": server.url]
        #expect(try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33600000001", "body": "1", "token": "wrong"]) { $1 }).status == 403, "forged")
        #expect(try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33699999999", "body": "1"]) { $1 }).status == 403, "a stranger")
        #expect(try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33600000002", "body": "ack 1"]) { $1 }).status == 403, "bob was not paged")
        let nothing = try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33600000002", "body": "1"]) { $1 })
        #expect(nothing.status == 200 && nothing.body.contains("no open incident was paged to you"), "\(nothing)")
        #expect(try status() == "triggered", "four answers that must change nothing")
        let answered = try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33600000001", "body": " Ack "]) { $1 })
        #expect(answered.status == 200)
        #expect(answered.body.contains("<Message>rota: incident #1 acknowledged by ann (sms).</Message>"), "\(answered.body)")
        #expect(try status() == "acknowledged")
        #expect(try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33600000001", "body": "1"]) { $1 }).status == 200)
        let log = (try rota.run(["alert", "show", "1", "--json"]).json["log"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(log.filter { $0.contains("acknowledged by") }.count == 1, "\(log)")
        let resolved = try await Self.order(twilio, "/_test/reply", base.merging(["from": "+33600000001", "body": "resolve"]) { $1 })
        #expect(resolved.body.contains("resolved by ann (sms)"), "\(resolved.body)")
        #expect(try status() == "resolved")
    }

    @Test("a call gathers one digit; 1 acknowledges as the person called, anything else or a forged press changes nothing")
    func voicePress() async throws {
        let twilio = try Self.peer()
        defer { twilio.stop() }
        let rota = try Self.rota(api: twilio.port, contacts: """
              - {id: ann, contacts: [{voice: "+33600000001"}]}
              - {id: bob, contacts: [{voice: "+33600000002"}]}
            """)
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "db <down>"], environment: ServeProcess.environment).status == 0)
        let call = try #require(twilio.requests.first?["params"] as? [String: String])
        #expect(twilio.requests.first?["path"] as? String == "/2010-04-01/Accounts/\(Self.sid)/Calls.json")
        let twiml = try #require(call["Twiml"])
        #expect(twiml.contains("<Gather numDigits=\"1\""))
        #expect(twiml.contains("db &lt;down&gt;"), "spoken text is XML-escaped: \(twiml)")
        #expect(twiml.contains("action=\"http://127.0.0.1:1/v1/twilio/voice?token="))

        let server = try ServeProcess(rota)
        defer { server.stop() }
        func status() throws -> String? { try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String }
        let base: [String: Any] = ["rota": server.url, "call": 0]
        #expect(try await Self.order(twilio, "/_test/press", base.merging(["digits": "1", "token": "wrong"]) { $1 }).status == 403)
        let two = try await Self.order(twilio, "/_test/press", base.merging(["digits": "2"]) { $1 })
        #expect(two.status == 200 && two.body.contains("Not acknowledged"), "\(two)")
        #expect(try status() == "triggered")
        let one = try await Self.order(twilio, "/_test/press", base.merging(["digits": "1"]) { $1 })
        #expect(one.status == 200)
        #expect(one.body.contains("<Say>incident #1 acknowledged by ann (voice). Goodbye.</Say>"), "\(one.body)")
        #expect(try status() == "acknowledged")
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["acknowledged_by"] as? String == "ann (voice)")
    }

    @Test("wrong account credentials: the page fails for good with Twilio's message, the token never shows")
    func wrongCredentials() throws {
        let twilio = try Self.peer()
        defer { twilio.stop() }
        var rota = try Self.rota(api: twilio.port, contacts: """
              - {id: ann, contacts: [{sms: "+33600000001"}]}
              - {id: bob, contacts: [{command: ["/bin/true"]}]}
            """)
        rota.baseEnvironment = ["ROTA_TWILIO_SID": Self.sid, "ROTA_TWILIO_TOKEN": "not-the-token-991"]
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "x"], environment: ServeProcess.environment).status == 0)
        let page = try #require((try rota.run(["alert", "show", "1", "--json"]).json["pages"] as? [[String: Any]])?.first)
        let error = try #require(page["error"] as? String)
        #expect(error.contains("sms +33600000001 answered 401: Authenticate"), "\(error)")
        #expect(!error.contains("not-the-token-991"))
        #expect(page["status"] as? String == "failed")
    }
}
