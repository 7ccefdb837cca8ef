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
