import Foundation
import Testing
@testable import RotaNotify
import RotaCore

@Suite("The ntfy contact's message")
struct NtfyContactTests {
    static func page(acknowledge: String, details: String? = nil) -> PageMessage {
        PageMessage(pageID: "rota-7-r1-l1-ann-n0", alertID: 7, service: "web", serviceName: "Website", summary: "Café down",
                    details: details, severity: "critical", round: 1, level: 1, person: "ann",
                    dueAt: Date(timeIntervalSince1970: 1_772_528_400), runbook: nil, alsoPaged: [], late: false,
                    acknowledge: acknowledge, answerLine: "Acknowledge or resolve: \(acknowledge)")
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the topic URL splits into the server's root and the topic", arguments: [
        ("https://ntfy.example.com/oncall-ann", "https://ntfy.example.com/", "oncall-ann"),
        ("http://127.0.0.1:8080/t_1", "http://127.0.0.1:8080/", "t_1"),
    ])
    func split(url: String, root: String, topic: String) {
        let parts = NtfyContact.split(url)
        #expect(parts?.root == root)
        #expect(parts?.topic == topic)
    }

    @Test("a page with a link: priority 5, an http Acknowledge action POSTing action=ack to it, the click target")
    func pageWithLink() throws {
        let link = "https://oncall.example.com/a/Nnxhbm58MTc5.sig"
        let json = try Self.object(NtfyContact.body(Self.page(acknowledge: link), topic: "oncall-ann"))
        #expect(json["topic"] as? String == "oncall-ann")
        #expect(json["priority"] as? Int == 5)
        #expect(json["title"] as? String == "[CRITICAL] Website: Café down")
        #expect(json["click"] as? String == link)
        let actions = try #require(json["actions"] as? [[String: Any]])
        #expect(actions.count == 1)
        #expect(actions[0]["url"] as? String == link)
        #expect(actions[0]["body"] as? String == "action=ack")
        #expect(actions[0]["clear"] as? Bool == true)
    }

    @Test("without a link (no public URL here): a plain push that says how to answer, no button")
    func pageWithoutLink() throws {
        let json = try Self.object(NtfyContact.body(Self.page(acknowledge: "rota ack 7"), topic: "t"))
        #expect(json["actions"] == nil)
        #expect(json["click"] == nil)
        #expect((json["message"] as? String)?.contains("rota ack 7") == true)
        let notice = ShiftNotice(key: "start|ann|x", kind: .shiftStart, person: "ann", subject: "Your shift starts in 1h", text: "soon")
        let quiet = try Self.object(NtfyContact.body(notice, topic: "t"))
        #expect(quiet["priority"] as? Int == 3, "a notice is not urgent")
        #expect(quiet["actions"] == nil)
    }

    @Test("a long page is cut under ntfy's 4,096-byte message limit, on a character boundary")
    func longPageIsCut() throws {
        let json = try Self.object(NtfyContact.body(Self.page(acknowledge: "rota ack 7", details: String(repeating: "é🚨", count: 3000)), topic: "t"))
        let message = try #require(json["message"] as? String)
        #expect(message.utf8.count <= NtfyContact.messageLimit)
        #expect(message.utf8.count > NtfyContact.messageLimit - 8)
        #expect(message.hasSuffix("…"))
    }
}

@Suite("Slack's request signature")
struct SlackSignatureTests {
    /// Slack's own published example (api.slack.com, "Verifying requests from Slack").
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let body = Data("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c".utf8)
    static let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    static let at = Date(timeIntervalSince1970: 1_531_420_618)

    @Test("the documented example verifies")
    func documentedExample() {
        #expect(SlackSignature.expected(secret: Self.secret, timestamp: "1531420618", body: Self.body) == Self.signature)
        #expect(SlackSignature.verify(secret: Self.secret, timestamp: "1531420618", signature: Self.signature, body: Self.body, now: Self.at))
    }

    @Test("a changed body, secret or signature, a missing header, or a timestamp over 5 minutes off does not", arguments: [
        ("body", 0.0), ("secret", 0.0), ("signature", 0.0), ("missing", 0.0), ("late", 301.0), ("early", -301.0), ("in window", 299.0),
    ])
    func refusals(change: String, skew: Double) {
        var body = Self.body, secret = Self.secret, signature: String? = Self.signature
        switch change {
        case "body": body.append(0x20)
        case "secret": secret += "x"
        case "signature": signature = String(Self.signature.dropLast()) + "4"
        case "missing": signature = nil
        default: break
        }
        let verified = SlackSignature.verify(secret: secret, timestamp: "1531420618", signature: signature, body: body,
                                             now: Self.at.addingTimeInterval(skew))
        #expect(verified == (change == "in window"))
    }
}

@Suite("Twilio's request signature")
struct TwilioSignatureTests {
    /// Twilio's own published example (twilio.com/docs/usage/security, "Validating requests").
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
                             ("From", "+12349013030"), ("To", "+18005551212")]

    @Test("the documented example verifies, in any parameter order")
    func documentedExample() {
        #expect(TwilioSignature.expected(authToken: "12345", url: Self.url, parameters: Self.parameters) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        #expect(TwilioSignature.verify(authToken: "12345", url: Self.url, parameters: Self.parameters.reversed(), signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
    }

    @Test("another URL, token, parameter or signature does not")
    func refusals() {
        #expect(!TwilioSignature.verify(authToken: "12345", url: Self.url + "&x=1", parameters: Self.parameters, signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
        #expect(!TwilioSignature.verify(authToken: "12346", url: Self.url, parameters: Self.parameters, signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
        #expect(!TwilioSignature.verify(authToken: "12345", url: Self.url, parameters: Self.parameters + [("Extra", "1")], signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
        #expect(!TwilioSignature.verify(authToken: "12345", url: Self.url, parameters: Self.parameters, signature: nil))
        #expect(!TwilioSignature.verify(authToken: "", url: Self.url, parameters: Self.parameters, signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
    }
}
