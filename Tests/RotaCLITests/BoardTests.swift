import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RotaCore
import RotaTestSupport
import Testing

/// Whether Debian's chromium, chromium-driver and selenium are here. Without them the browser
/// test is skipped with a loud message, unless `CI` is set: then it runs and fails.
let browserAvailable: Bool = {
    let here = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
    let selenium = Process()
    selenium.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    selenium.arguments = ["python3", "-c", "import selenium"]
    selenium.standardError = FileHandle.nullDevice
    let ok = here && (try? selenium.run()) != nil && { selenium.waitUntilExit(); return selenium.terminationStatus == 0 }()
    if !ok {
        let ci = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false
        FileHandle.standardError.write(Data("""
            \n*** Board browser test: chromium, chromium-driver or selenium missing; \(ci ? "CI is set, so it runs and FAILS" : "SKIPPED — install them (see .ci/run) to run it") ***\n\n
            """.utf8))
        return ci
    }
    return true
}()

/// A rota in Paris: a 24/7 weekly rota and an office-hours one (so it has gaps), hostile text in
/// a schedule's name, and a person paged through a recorder.
private func boardRota(database: String? = nil) throws -> RotaRunner {
    let rota = try RotaRunner(files: [:], database: database)
    let dir = rota.directory.path
    try "#!/bin/sh\ncat >> \(dir)/pages.txt\n".write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
    try rota.write("r.yaml", """
        settings:
          timezone: Europe/Paris
          server: {public_url: "http://127.0.0.1:1", tick_every: 1s}
        people:
          - {id: ann, contacts: [{command: ["\(dir)/pager.sh"]}]}
          - {id: bob, contacts: [{command: ["\(dir)/pager.sh"]}]}
          - {id: cid, contacts: [{command: ["\(dir)/pager.sh"]}]}
        schedules:
          - id: round
            name: "Round the clock <img src=x onerror=alert(1)>"
            layers: [{name: week, members: [ann, bob], start: 2026-01-05T09:00, shift: 1w}]
          - id: office
            name: Office hours
            expect_gaps: true
            layers:
              - name: desk
                members: [cid]
                start: 2026-01-05T09:00
                shift: 1d
                restrict: [{days: mon-fri, from: "09:00", to: "18:00"}]
        escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 30m}, {notify: [schedule:office]}]}]
        services: [{id: web, escalation: e}]
        """)
    return rota
}

@Suite("The board in a real browser", .serialized)
struct BoardTests {
    /// The path of a link `rota board url` printed (its host is the configured public URL).
    func path(_ link: String) -> String {
        let url = URL(string: link.trimmingCharacters(in: .whitespacesAndNewlines))!
        return url.path
    }

    @Test("chromium shows who is on call as rota now does, the gaps rota check finds, hostile text as text, and Acknowledge on a person's page acknowledges")
    func boardInChromium() async throws {
        guard browserAvailable else { return }
        let rota = try boardRota()
        let hostile = #"<script>alert("x")</script> & 'quotes'"#
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", hostile]).status == 0)
        let server = try ServeProcess(rota)
        defer { server.stop() }
        // The runner ticks every second: wait (bounded) until ann's page is sent.
        for _ in 0..<600 where !((try? String(contentsOfFile: rota.directory.path + "/pages.txt", encoding: .utf8)) ?? "").contains("alert(") {
            try await Task.sleep(for: .milliseconds(100))
        }
        let signIn = try rota.run(["board", "url"], environment: ServeProcess.environment)
        #expect(signIn.status == 0, "\(signIn.stderr)")
        let person = try rota.run(["board", "url", "--person", "ann"], environment: ServeProcess.environment)
        #expect(person.status == 0, "\(person.stderr)")
        let before = try rota.run(["now", "--json"]).json

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/board_browser.py").path
        let browser = try rota.run([], executable: "/usr/bin/env",
                                   arguments: ["python3", script, server.url, path(signIn.stdout), "office", path(person.stdout)])
        #expect(browser.status == 0, "\(browser.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any])
        let after = try rota.run(["now", "--json"]).json

        // Without the cookie: 401's page, asking for a sign-in link.
        let refused = try #require(seen["before_signin"] as? [String: Any])
        #expect((refused["title"] as? String)?.hasPrefix("Sign in to see the board") == true)

        // Who is on call: the same as rota now (before or after the browser ran, should a handoff fall between).
        let board = try #require(seen["board"] as? [String: Any])
        let shown = try #require(board["on_call"] as? [String: String])
        func answers(_ document: [String: Any]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: ((document["schedules"] as? [[String: Any]]) ?? []).map {
                ($0["schedule"] as? String ?? "", $0["person"] as? String ?? "nobody")
            })
        }
        #expect(shown.count == 2)
        #expect(shown == answers(before) || shown == answers(after), "board \(shown), rota now \(answers(before))")

        // A gap where rota check finds one: the office's next whole gap is a bar titled with its wall times.
        let check = try rota.run(["check", "--schedule", "office", "--days", "14", "--json"]).json
        let gaps = ((check["expected_gaps"] as? [[String: Any]]) ?? []) + ((check["gaps"] as? [[String: Any]]) ?? [])
        let paris = try #require(Zone(identifier: "Europe/Paris"))
        let whole = try #require(gaps.compactMap { gap -> (Date, Date)? in
            guard let start = (gap["start"] as? String).flatMap(instant), let end = (gap["end"] as? String).flatMap(instant),
                  start > Date().addingTimeInterval(3600) else { return nil }
            return (start, end)
        }.first)
        let title = "nobody on call: \(HumanTime.format(whole.0, in: paris)) – \(HumanTime.format(whole.1, in: paris))"
        let boardGaps = (board["gaps"] as? [[String]]) ?? []
        #expect(boardGaps.contains(["office", title]), "\(title) not among \(boardGaps)")
        let schedulePage = try #require(seen["schedule"] as? [String: Any])
        #expect(((schedulePage["gaps"] as? [[String]]) ?? []).contains(["office", title]))
        #expect((schedulePage["text"] as? String)?.contains("level 2 of e, for web") == true)

        // Hostile text is shown as text: no script or image element came from it.
        let text = try #require(board["text"] as? String)
        #expect(text.contains(hostile))
        #expect(text.contains("Round the clock <img src=x onerror=alert(1)>"))
        #expect(board["scripts"] as? Int == 0)
        #expect((board["times"] as? Int ?? 0) >= 3, "times carry <time datetime>")
        #expect(board["landmarks"] as? [Int] == [1, 1, 1])

        // The person's page: their alert with Acknowledge; pressing it acknowledges as ann (link).
        let page = try #require(seen["person"] as? [String: Any])
        #expect(page["buttons"] as? [String] == ["Acknowledge #1"])
        let clicked = try #require(seen["after_click"] as? [String: Any])
        #expect(clicked["error"] == nil, "after Acknowledge the browser showed: \(clicked)")
        #expect((clicked["url"] as? String)?.hasSuffix(path(person.stdout)) == true, "back on the person's page")
        #expect((clicked["text"] as? String)?.contains("acknowledged") == true, "\(clicked)")
        let shownAlert = try rota.run(["alert", "show", "1", "--json"]).json
        #expect(shownAlert["status"] as? String == "acknowledged")
        #expect(shownAlert["acknowledged_by"] as? String == "ann (link)")
    }

    @Test("without the cookie the board answers 401; a forged sign-in link 403; the cookie is HttpOnly, SameSite=Lax, 30 days; board: public opens it")
    func access() async throws {
        let rota = try boardRota()
        let server = try ServeProcess(rota)
        defer { server.stop() }
        #expect(try await server.request("GET", "/").status == 401)
        #expect(try await server.request("GET", "/schedules/office").status == 401)
        #expect(try await server.request("GET", "/board/signin/forged.token").status == 403)
        let link = try rota.run(["board", "url", "--json"], environment: ServeProcess.environment).json
        let signIn = try #require(link["url"] as? String)

        // The sign-in answer, unfollowed: a 303 to / with the cookie's attributes.
        let (status, headers) = try await unfollowed(server.url + path(signIn))
        #expect(status == 303)
        // The request log (info level) has the sign-in request, but never its token.
        let token = String(path(signIn).dropFirst("/board/signin/".count))
        let log = (try? String(contentsOfFile: server.log, encoding: .utf8)) ?? ""
        #expect(log.contains("GET /board/signin/… 303"), "the sign-in request is logged")
        #expect(token.count > 20 && !log.contains(token), "the sign-in token is never logged")
        let cookie = try #require(headers["Set-Cookie"])
        #expect(cookie.hasPrefix("rota_board="))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=2592000"))
        #expect(!cookie.contains("Secure"), "plain http public_url: no Secure flag")
        let value = String(cookie.dropFirst("rota_board=".count).prefix { $0 != ";" })
        var request = URLRequest(url: URL(string: server.url + "/")!)
        request.setValue("rota_board=\(value)", forHTTPHeaderField: "Cookie")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("On call now"))
        request.setValue("rota_board=\(value.dropLast(2))xx", forHTTPHeaderField: "Cookie")
        #expect((try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode == 401, "a tampered cookie")

        // A person's button with another person's answer token, or none, changes nothing.
        let ann = path(try rota.run(["board", "url", "--person", "ann"], environment: ServeProcess.environment).stdout)
        #expect(try await server.request("POST", ann, body: "action=ack&answer=forged.x", contentType: "application/x-www-form-urlencoded").status == 403)
        #expect(try await server.request("GET", "/me/forged.x").status == 404)
        #expect(try await server.request("GET", "/schedules/nope").status == 401, "unknown schedules are not told apart before sign-in")

        // board: public needs no sign-in.
        server.stop()
        try rota.write("r.yaml", try String(contentsOfFile: rota.rotas + "/r.yaml", encoding: .utf8)
            .replacingOccurrences(of: "tick_every: 1s}", with: "tick_every: 1s, board: public}"))
        let open = try ServeProcess(rota)
        defer { open.stop() }
        #expect(try await open.request("GET", "/").status == 200)
        #expect(try await open.request("GET", "/schedules/nope").status == 404)
    }

    @Test("a rota file saved empty: the board still answers from the last valid revision and says so first; saved again, the warning goes")
    func boardWithHalfEditedFiles() async throws {
        let rota = try boardRota()
        let good = try String(contentsOfFile: rota.rotas + "/r.yaml", encoding: .utf8)
            .replacingOccurrences(of: "tick_every: 1s}", with: "tick_every: 1s, board: public}")
        try rota.write("r.yaml", good)
        #expect(try rota.run(["validate"], environment: ServeProcess.environment).status == 0)  // with the server secret, as serve has it
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let person = path(try rota.run(["board", "url", "--person", "ann"], environment: ServeProcess.environment).stdout)
        #expect(try await server.request("GET", "/").body.contains("role=\"alert\"") == false)

        try rota.write("r.yaml", "")
        // The server reads the files again at its next tick (every second): bounded wait.
        var page = try await server.request("GET", "/")
        for _ in 0..<600 where !page.body.contains("the rota files are invalid") {
            try await Task.sleep(for: .milliseconds(100))
            page = try await server.request("GET", "/")
        }
        #expect(page.status == 200)
        #expect(page.body.contains("<p class=\"warning\" role=\"alert\"><strong>Warning:</strong> the rota files are invalid (1 problem(s): run &#39;rota validate&#39;); using the last valid revision (1, in force since "),
                "\(page.body.prefix(3000))")
        #expect(page.body.contains("/schedules/office"), "the schedules are still shown")
        for other in ["/schedules/office", person] {
            #expect(try await server.request("GET", other).body.contains("the rota files are invalid"), "\(other)")
        }

        try rota.write("r.yaml", good)
        for _ in 0..<600 where page.body.contains("the rota files are invalid") {
            try await Task.sleep(for: .milliseconds(100))
            page = try await server.request("GET", "/")
        }
        #expect(page.status == 200 && !page.body.contains("role=\"alert\""), "the warning goes with the files mended")
    }

    @Test("with its database stopped, every page (the board, a person's page and its buttons, an ack link) says so with 503's page; restarted, they answer again",
          .enabled(if: PrivatePostgres.possible))
    func pagesWithTheDatabaseDown() async throws {
        let database = try PrivatePostgres()
        defer { database.remove() }
        let rota = try boardRota(database: database.address)
        try rota.write("r.yaml", try String(contentsOfFile: rota.rotas + "/r.yaml", encoding: .utf8)
            .replacingOccurrences(of: "tick_every: 1s}", with: "tick_every: 1s, board: public}"))
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "disk full"], environment: ServeProcess.environment).status == 0)
        let ann = path(try rota.run(["board", "url", "--person", "ann"], environment: ServeProcess.environment).stdout)
        let server = try ServeProcess(rota)
        defer { server.stop() }
        // The runner pages ann (bounded wait); the page carries her ack link.
        var link: String?
        for _ in 0..<600 where link == nil {
            let pages = (try? String(contentsOfFile: rota.directory.path + "/pages.txt", encoding: .utf8)) ?? ""
            link = pages.firstRange(of: /\/a\/[A-Za-z0-9._~-]+/).map { String(pages[$0]) }
            if link == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let ack = try #require(link, "ann was paged with an ack link")
        let answer = try await server.request("GET", ann).body.firstMatch(of: /name="answer" value="([^"]+)"/).map { String($0.1) }
        let button = "action=ack&answer=\(try #require(answer))"
        let form = "application/x-www-form-urlencoded"
        for path in ["/", "/schedules/office", ann, ack] {
            #expect(try await server.request("GET", path).status == 200, "\(path) while the database is up")
        }

        // The connection pool holds requests while it retries, for up to a minute (postgres-nio's
        // circuit breaker), then fails them at once: wait for the first answer, bounded.
        try database.stop()
        var first = try await server.request("GET", "/", timeout: 120)
        for _ in 0..<5 where first.status == 200 {  // a page the pool answered just before the stop
            try await Task.sleep(for: .seconds(1))
            first = try await server.request("GET", "/", timeout: 120)
        }
        #expect(first.status == 503, "\(first.body)")
        for path in ["/", "/schedules/office", ann, ack] {
            let down = try await server.request("GET", path)
            #expect(down.status == 503, "\(path): \(down.body)")
            #expect(down.body.contains("The database did not answer; try again in a moment."), "\(path)")
        }
        for path in [ann, ack] {
            let down = try await server.request("POST", path, body: path == ann ? button : "action=ack", contentType: form)
            #expect(down.status == 503, "POST \(path): \(down.body)")
        }
        // The one case /healthz answers 503: the database cannot be read or written.
        let health = try await server.request("GET", "/healthz", timeout: 120)
        #expect(health.status == 503, "\(health.body)")
        #expect(health.body.contains("cannot be read or written"), "\(health.body)")

        // Back: the pool reconnects on its next attempt (its backoff is at most a minute): bounded wait.
        try database.start()
        var again = try await server.request("GET", ann)
        for _ in 0..<180 where again.status != 200 {
            try await Task.sleep(for: .seconds(1))
            again = try await server.request("GET", ann)
        }
        #expect(again.status == 200, "a person's page answers again")
        let pressed = try await server.request("POST", ann, body: button, contentType: form)
        #expect(pressed.status == 200 && pressed.body.contains("acknowledged"), "its 303 followed back to the page: \(pressed.body)")
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["acknowledged_by"] as? String == "ann (link)")
    }

    func instant(_ text: String) -> Date? {
        if case .instant(let date)? = TimeText.parse(text) { return date }
        return nil
    }

    /// A GET whose redirect is not followed: its status and headers.
    func unfollowed(_ url: String) async throws -> (Int, [String: String]) {
        final class Stay: NSObject, URLSessionTaskDelegate {
            func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) { completionHandler(nil) }
        }
        let session = URLSession(configuration: .ephemeral, delegate: Stay(), delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let (_, response) = try await session.data(from: URL(string: url)!)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] { headers["\(key)"] = "\(value)" }
        return (http?.statusCode ?? 0, headers)
    }
}

@Suite("Links and tokens over HTTP: what a probe, a scanner or a revoked page gets")
struct LinkEdgeTests {
    func path(_ link: String) -> String { URL(string: link.trimmingCharacters(in: .whitespacesAndNewlines))?.path ?? "" }

    @Test("a person's button token is no ack link and dies with feed revoke; HEAD on an ack link answers as GET; heartbeat ids cannot be probed; a NUL is kept as U+FFFD")
    func linkEdges() async throws {
        let rota = try boardRota()
        try rota.write("extra.yaml", """
            heartbeats: [{id: monitor, service: web, every: 5m, token_env: ROTA_TOKEN_SCRIPTS}]
            integrations: [{id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}]
            """)
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "disk full"], environment: ServeProcess.environment).status == 0)
        let ann = path(try rota.run(["board", "url", "--person", "ann"], environment: ServeProcess.environment).stdout)
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let form = "application/x-www-form-urlencoded"
        let answer = try #require(await server.request("GET", ann).body.firstMatch(of: /name="answer" value="([^"]+)"/).map { String($0.1) })

        // The button's token posted to the ack-link door is refused; the ack link in the page works there.
        #expect(try await server.request("POST", "/a/\(answer)", body: "action=ack", contentType: form).status == 403)
        let pages = (try? String(contentsOfFile: rota.directory.path + "/pages.txt", encoding: .utf8)) ?? ""
        let ack = try #require(pages.firstRange(of: /\/a\/[A-Za-z0-9._~-]+/).map { String(pages[$0]) }, "ann was paged with an ack link")
        #expect(try await server.request("HEAD", ack).status == 200, "HEAD answers as GET does")
        #expect(try await server.request("HEAD", "/a/forged.token").status == 403)

        // After feed revoke, the page and its buttons are dead (positive control first: the button works before).
        let button = "action=ack&answer=\(answer)"
        try rota.run(["feed", "revoke", "--person", "ann"], environment: ServeProcess.environment)
        let revoked = try await server.request("POST", ann, body: button, contentType: form).status
        #expect([403, 404].contains(revoked), "\(revoked)")
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "triggered", "the revoked button changed nothing")
        let fresh = path(try rota.run(["board", "url", "--person", "ann"], environment: ServeProcess.environment).stdout)
        let freshAnswer = try #require(await server.request("GET", fresh).body.firstMatch(of: /name="answer" value="([^"]+)"/).map { String($0.1) })
        #expect(try await server.request("POST", fresh, body: "action=ack&answer=\(freshAnswer)", contentType: form).status == 200)
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "acknowledged", "the new page's button works")

        // An unknown heartbeat and a known one with a wrong token get the same 401; the right token pings.
        let unknown = try await server.request("POST", "/v1/heartbeats/nope", body: "", token: "tok-scripts")
        let wrong = try await server.request("POST", "/v1/heartbeats/monitor", body: "", token: "tok-wrong")
        #expect(unknown.status == 401 && wrong.status == 401 && unknown.body == wrong.body, "\(unknown) \(wrong)")
        #expect(try await server.request("POST", "/v1/heartbeats/monitor", body: "", token: "tok-scripts").status == 200)

        // A NUL inside a summary keeps the rest of the text.
        let raised = try await server.request("POST", "/v1/alerts", body: #"{"summary":"before\u0000after"}"#, token: "tok-scripts")
        #expect(raised.status == 202, "\(raised.body)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(raised.body.utf8)) as? [String: Any])?["id"] as? Int)
        let shown = try rota.run(["alert", "show", "\(id)", "--json"]).json
        #expect(shown["summary"] as? String == "before\u{FFFD}after", "\(shown["summary"] ?? "none")")
    }
}

