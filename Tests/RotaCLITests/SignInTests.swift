import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Staff sign themselves in (issue 22, DESIGN §13): `GET /signin`, a link through their first
/// contact, their own page on a phone. In Chromium at 390 px, like a person on a phone.
@Suite("Staff sign themselves in", .serialized)
struct SignInTests {
    static func rota() throws -> RotaRunner {
        let rota = try RotaRunner(files: [:])
        let dir = rota.directory.path
        try "#!/bin/sh\ncat >> \(dir)/pages-$1.txt\necho >> \(dir)/pages-$1.txt\n".write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
        try rota.write("r.yaml", """
            settings:
              timezone: Europe/Paris
              server: {public_url: "http://127.0.0.1:1", tick_every: 0}
              gateways: {twilio: {from: "+33100000000", api_base: "http://127.0.0.1:9"}}
            people:
              - {id: ann, contacts: [{voice: "+33600000001", after: 60m}, {command: ["\(dir)/pager.sh", "ann"]}]}
              - {id: bob, contacts: [{command: ["\(dir)/pager.sh", "bob"]}]}
            schedules:
              - {id: round, layers: [{name: week, members: [ann, bob], start: 2026-01-05T09:00, shift: 1w}]}
            escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 30m}]}]
            services: [{id: web, escalation: e}]
            """)
        return rota
    }

    /// What the pager got, for one person or both.
    static func pages(_ rota: RotaRunner, _ person: String? = nil) -> String {
        (person.map { [$0] } ?? ["ann", "bob"]).map { (try? String(contentsOfFile: rota.directory.path + "/pages-\($0).txt", encoding: .utf8)) ?? "" }.joined()
    }

    static func browser(_ rota: RotaRunner, _ arguments: [String]) throws -> [String: Any] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/signin_browser.py").path
        let run = try rota.run([], executable: "/usr/bin/env", arguments: ["python3", script] + arguments)
        #expect(run.status == 0, "\(run.stderr.replacingOccurrences(of: "\n", with: " | "))")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "the browser's report parses")
    }

    @Test("a person asks for a link at 390 px, it arrives through their first contact, opens their page with the incident's buttons on screen, and signs the board in")
    func signInOnAPhone() async throws {
        let rota = try Self.rota()
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "checkout is down for every customer in the EU region"],
                             environment: ServeProcess.environment).status == 0)
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let pagedBefore = Self.pages(rota)
        let annBefore = Self.pages(rota, "ann")
        #expect(pagedBefore.contains("checkout is down"), "control: ann was paged")

        let form = try Self.browser(rota, ["form", server.url, "ann"])
        #expect(form["viewport"] as? Int == 390)
        #expect((form["answer"] as? String)?.contains("If ann is someone in the rota, a sign-in link is on its way") == true, "\(form)")
        #expect((form["scroll_width"] as? Int ?? 999) <= 390)
        // The same words for an id nobody has, and nothing is sent for it.
        let known = try await server.request("POST", "/signin", body: "person=bob", contentType: "application/x-www-form-urlencoded")
        let unknown = try await server.request("POST", "/signin", body: "person=nobody", contentType: "application/x-www-form-urlencoded")
        #expect(known.status == 200 && unknown.status == 200)
        func main(_ body: String) -> String { body.components(separatedBy: "<main").last?.components(separatedBy: "</main>").first ?? "" }
        #expect(!main(known.body).isEmpty)
        #expect(main(known.body).replacingOccurrences(of: "bob", with: "X") == main(unknown.body).replacingOccurrences(of: "nobody", with: "X"))

        let tick = try rota.run(["tick"])
        #expect(tick.status == 0, "\(tick.stderr)")
        let sent = String(Self.pages(rota).dropFirst(pagedBefore.count))
        // ann's first contact is a phone call, which cannot carry a link: it came through her second.
        #expect(sent.components(separatedBy: "Your rota sign-in link").count - 1 == 2, "ann's and bob's, not nobody's: \(sent)")
        let annSent = String(Self.pages(rota, "ann").dropFirst(annBefore.count))
        let link = try #require(annSent.firstMatch(of: #/http://127\.0\.0\.1:1(/board/signin/[A-Za-z0-9_.-]+\?next=me/[A-Za-z0-9_.-]+)/#).map { String($0.output.1) })

        let page = try Self.browser(rota, ["link", server.url, link])
        #expect((page["url"] as? String)?.contains("/me/") == true, "\(page)")
        #expect((page["scroll_width"] as? Int ?? 999) <= 390, "no sideways scrolling: \(page["scroll_width"] ?? "") \(page["too_wide"] ?? "")")
        let headings = (page["headings"] as? [[Any]] ?? []).map { ($0.first as? String ?? "", ($0.last as? Double) ?? 0) }
        let incidents = try #require(headings.first { $0.0.hasPrefix("Open incidents") })
        let shifts = try #require(headings.first { $0.0.hasPrefix("Your next shifts") })
        #expect(incidents.1 < shifts.1, "open incidents come first: \(headings)")
        let buttons = (page["buttons"] as? [[Any]] ?? []).map { ($0.first as? String ?? "", ($0.last as? [Double]) ?? []) }
        let acknowledge = try #require(buttons.first { $0.0 == "Acknowledge #1" }, "\(buttons) \(page["main"] ?? "")")
        #expect(acknowledge.1.count == 4 && acknowledge.1[0] >= 0 && acknowledge.1[2] <= 390, "the button is on screen: \(acknowledge.1)")
        // The card's status-update form fits the screen, and what ann typed there is the incident's update.
        let post = try #require(buttons.first { $0.0 == "Post update on #1" }, "\(buttons)")
        #expect(post.1.count == 4 && post.1[0] >= 0 && post.1[2] <= 390, "the update button is on screen: \(post.1)")
        #expect((page["textareas"] as? [[Double]])?.first.map { $0[0] >= 0 && $0[2] <= 390 } == true, "\(page["textareas"] ?? "")")
        #expect(page["after_update_same_page"] as? Bool == true, "back on ann's page: \(page["after_update_url"] ?? "") \(page["update_error"] ?? "")")
        let updates = (try rota.run(["incident", "show", "1", "--json"]).json["timeline"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "update" }
        #expect(updates.count == 1 && updates.first?["actor"] as? String == "ann (board)" && updates.first?["text"] as? String == "Rolled back; next update at 15:00",
                "\(updates)")
        #expect((page["board_text"] as? String)?.contains("On call now") == true, "the link signed the board in: \(page["board_title"] ?? "")")
    }

    @Test("sign-in requests are limited: 3 an hour per id (then nothing is sent, the same answer), 10 per address (then 429)")
    func rateLimited() async throws {
        let rota = try Self.rota()
        let server = try ServeProcess(rota)
        defer { server.stop() }
        func ask(_ id: String, from address: String) async throws -> Int {
            var request = URLRequest(url: URL(string: server.url + "/signin")!)
            request.httpMethod = "POST"
            request.httpBody = Data("person=\(id)".utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.setValue("198.51.100.1, \(address)", forHTTPHeaderField: "X-Forwarded-For")
            return ((try await URLSession.shared.data(for: request)).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        for _ in 0..<5 { #expect(try await ask("bob", from: "203.0.113.7") == 200) }
        #expect(try rota.run(["tick"]).status == 0)
        #expect(Self.pages(rota).components(separatedBy: "Your rota sign-in link").count - 1 == 3, "three links for five requests")
        for _ in 0..<5 { #expect(try await ask("nobody", from: "203.0.113.7") == 200) }
        #expect(try await ask("bob", from: "203.0.113.7") == 429, "the eleventh request from one address")
        #expect(try await ask("ann", from: "203.0.113.8") == 200, "another address is not limited by it")
    }
}
