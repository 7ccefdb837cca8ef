import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `rota serve` started like an operator would, on a free loopback port, stopped at the end.
final class ServeProcess {
    let rota: RotaRunner
    let process: Process
    let port: Int
    let log: String

    static let secret = "0123456789abcdef-test-secret"
    static let environment = ["ROTA_SERVER_SECRET": secret, "ROTA_TOKEN_SCRIPTS": "tok-scripts", "ROTA_TOKEN_PROM": "tok-prom",
                              "ROTA_TOKEN_PD": "tok-pd"]

    init(_ rota: RotaRunner, arguments: [String] = []) throws {
        self.rota = rota
        log = rota.directory.appendingPathComponent("serve-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process = rota.process(["serve", "--listen", "127.0.0.1:0"] + arguments, environment: Self.environment)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        var found: Int?
        for _ in 0..<1200 where found == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on port ") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let found else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "rota serve did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")"])
        }
        port = found
    }

    deinit { stop(.kill) }

    enum Stop { case term, kill }

    @discardableResult
    func stop(_ how: Stop = .term) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, how == .term ? SIGTERM : SIGKILL)
        process.waitUntilExit()
        return process.terminationStatus
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// One request; the answer's status and body.
    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil,
                 contentType: String = "application/json", timeout: TimeInterval = 60) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: path.hasPrefix("http") ? path : url + path)!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

/// A rota with one person paged through a recorder, three integrations and a public URL.
/// A served rota whose people are paged through `pager.sh` (given the working directory, the
/// script's text; by default it appends each page to pages.txt).
private func servedRota(tickEvery: String = "1s", pager: ((String) -> String)? = nil) throws -> RotaRunner {
    let rota = try RotaRunner(files: [:])
    let dir = rota.directory.path
    let script = pager?(dir) ?? "#!/bin/sh\ncat >> \(dir)/pages.txt\necho >> \(dir)/pages.txt\n"
    try script.write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
    try rota.write("r.yaml", """
        settings:
          timezone: UTC
          server: {public_url: "http://127.0.0.1:1", tick_every: \(tickEvery)}
        people:
          - {id: ann, contacts: [{command: ["\(dir)/pager.sh"]}]}
          - {id: boss, contacts: [{command: ["\(dir)/pager.sh"]}]}
        escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}, {notify: [person:boss]}]}]
        services: [{id: web, escalation: e}, {id: db, escalation: e}]
        integrations:
          - {id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}
          - {id: prom, kind: alertmanager, service: web, service_label: service, token_env: ROTA_TOKEN_PROM}
          - {id: pd, kind: pagerduty, service: web, token_env: ROTA_TOKEN_PD}
        """)
    return rota
}

private func pages(_ rota: RotaRunner) -> String {
    (try? String(contentsOfFile: rota.directory.path + "/pages.txt", encoding: .utf8)) ?? ""
}

private func alertCount(_ rota: RotaRunner) throws -> Int {
    (try rota.run(["alert", "list", "--all", "--json"]).json["alerts"] as? [Any])?.count ?? -1
}

@Suite("rota serve: the HTTP front door", .serialized)
struct ServeTests {
    @Test("an alert over HTTP is stored, answered 202 and paged at once (not at the next tick); the same again is deduplicated")
    func raiseOverHTTP() async throws {
        // The runner ticks once at start, then only every hour: a page within the minute came
        // from the raise's trigger, however slow the machine. (The latency itself is measured
        // by bench/serve.py, not asserted in a test.)
        let rota = try servedRota(tickEvery: "60m")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let first = try await server.request("POST", "/v1/alerts", body: #"{"summary":"db down","dedup_key":"db","severity":"critical"}"#,
                                             token: "tok-scripts")
        #expect(first.status == 202)
        #expect(first.body.contains(#""id":1"#) && first.body.contains(#""deduplicated":false"#))
        #expect(try await eventually(60) { pages(rota).contains("db down") }, "level 1 paged at once, not at the next hourly tick")
        let again = try await server.request("POST", "/v1/alerts", body: #"{"summary":"db down","dedup_key":"db"}"#, token: "tok-scripts")
        #expect(again.status == 202)
        #expect(again.body.contains(#""deduplicated":true"#))
        #expect(try alertCount(rota) == 1)
    }

    @Test("bad requests change nothing: 401 for a missing or wrong token, 400, 413, 422", arguments: [
        ("/v1/alerts", #"{"summary":"x"}"#, nil as String?, 401),
        ("/v1/alerts", #"{"summary":"x"}"#, "tok-wrong", 401),
        ("/v1/alerts", #"{"summary":"x"}"#, "tok-prom", 401),
        ("/v1/alerts", #"{"summary": 12"#, "tok-scripts", 400),
        ("/v1/alerts", #"{"details":"no summary"}"#, "tok-scripts", 400),
        ("/v1/alerts", #"{"summary":"x","service":"nope"}"#, "tok-scripts", 422),
        ("/v1/alertmanager", #"{"alerts":"not a list"}"#, "tok-prom", 400),
        ("/v2/enqueue", #"{"routing_key":"tok-pd","event_action":"trigger","payload":{"summary":"x"}}"#, nil, 400),
        ("/v2/enqueue", #"{"routing_key":"tok-wrong","event_action":"trigger","payload":{"summary":"x","severity":"error"}}"#, nil, 401),
    ])
    func badRequests(path: String, body: String, token: String?, status: Int) async throws {
        let rota = try servedRota(tickEvery: "0")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let answer = try await server.request("POST", path, body: body, token: token)
        #expect(answer.status == status, "\(answer.body)")
        #expect(try alertCount(rota) == 0)
        let huge = try await server.request("POST", "/v1/alerts", body: #"{"summary":""# + String(repeating: "x", count: 1_100_000) + "\"}",
                                            token: "tok-scripts")
        #expect(huge.status == 413)
        #expect(try alertCount(rota) == 0)
    }

    @Test("Alertmanager's webhook: one alert per fingerprint, routed by label, resolved when it resolves")
    func alertmanagerWebhook() async throws {
        let rota = try servedRota(tickEvery: "0")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let firing = #"""
            {"version":"4","status":"firing","truncatedAlerts":0,"alerts":[
             {"status":"firing","labels":{"alertname":"Latency","service":"db","severity":"warning"},"annotations":{"summary":"p99 high"},"fingerprint":"f1"},
             {"status":"firing","labels":{"alertname":"Errors"},"annotations":{},"fingerprint":"f2"}]}
            """#
        let answer = try await server.request("POST", "/v1/alertmanager", body: firing, token: "tok-prom")
        #expect(answer.status == 200)
        #expect(answer.body.contains(#""fingerprint":"f1","id":1"#))
        #expect(try await server.request("POST", "/v1/alertmanager", body: firing, token: "tok-prom").status == 200)
        let alerts = try rota.run(["alert", "list", "--json"]).json["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.map { $0["service"] as? String } == ["db", "web"])
        #expect(alerts.first?["severity"] as? String == "low")
        #expect(alerts.first?["count"] as? Int == 2, "the same alert resent is counted, not raised again")
        let resolved = #"{"version":"4","status":"resolved","alerts":[{"status":"resolved","labels":{"service":"db"},"fingerprint":"f1"}]}"#
        #expect(try await server.request("POST", "/v1/alertmanager", body: resolved, token: "tok-prom").body.contains(#""status":"resolved""#))
        let unknown = #"{"version":"4","status":"resolved","alerts":[{"status":"resolved","labels":{},"fingerprint":"nope"}]}"#
        #expect(try await server.request("POST", "/v1/alertmanager", body: unknown, token: "tok-prom").status == 200)
    }

    @Test("PagerDuty's Events API v2: trigger, acknowledge and resolve by dedup_key")
    func pagerDutyEvents() async throws {
        let rota = try servedRota(tickEvery: "0")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let trigger = #"{"routing_key":"tok-pd","event_action":"trigger","dedup_key":"disk-1","payload":{"summary":"disk full","source":"db1","severity":"critical"}}"#
        let answer = try await server.request("POST", "/v2/enqueue", body: trigger)
        #expect(answer.status == 202)
        #expect(answer.body == #"{"status":"success","message":"Event processed","dedup_key":"disk-1"}"# + "\n")
        let ack = try await server.request("POST", "/v2/enqueue", body: #"{"routing_key":"tok-pd","event_action":"acknowledge","dedup_key":"disk-1"}"#)
        #expect(ack.status == 202)
        let shown = try rota.run(["alert", "show", "1", "--json"]).json
        #expect(shown["status"] as? String == "acknowledged")
        #expect(shown["severity"] as? String == "critical")
        #expect(shown["acknowledged_by"] as? String == "integration:pd")
        _ = try await server.request("POST", "/v2/enqueue", body: #"{"routing_key":"tok-pd","event_action":"resolve","dedup_key":"disk-1"}"#)
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "resolved")
    }

    @Test("an ack link: GET shows and changes nothing, POST acknowledges as that person, forged and expired links get 403")
    func ackLink() async throws {
        let rota = try servedRota(tickEvery: "0")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        // Raised from the CLI with the server's secret: the page carries the link.
        try rota.run(["alert", "raise", "--service", "web", "--summary", "site <down>"], environment: ServeProcess.environment)
        let text = pages(rota)
        let link = try #require(text.range(of: #"http://127\.0\.0\.1:1/a/[A-Za-z0-9_.-]+"#, options: .regularExpression).map { String(text[$0]) })
        let path = String(link.dropFirst("http://127.0.0.1:1".count))
        let view = try await server.request("GET", path)
        #expect(view.status == 200)
        #expect(view.body.contains("site &lt;down&gt;"), "alert text is escaped")
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "triggered", "a GET never acts")
        let acked = try await server.request("POST", path, body: "action=ack", contentType: "application/x-www-form-urlencoded")
        #expect(acked.status == 200)
        #expect(acked.body.contains("acknowledged by ann (link)"))
        let shown = try rota.run(["alert", "show", "1", "--json"]).json
        #expect(shown["status"] as? String == "acknowledged")
        let log = (shown["log"] as? [[String: Any]] ?? []).compactMap { $0["detail"] as? String }
        #expect(log.contains { $0.contains("acknowledged by ann (link)") })
        let forged = path.dropLast(3) + "abc"
        #expect(try await server.request("GET", String(forged)).status == 403)
        #expect(try await server.request("POST", String(forged), body: "action=resolve", contentType: "application/x-www-form-urlencoded").status == 403)
        // A link from a page sent eight days ago has expired.
        try rota.run(["alert", "raise", "--service", "db", "--summary", "old", "--now", "2026-01-01T00:00:00Z"], environment: ServeProcess.environment)
        let all = pages(rota)
        let links = all.ranges(of: #"/a/[A-Za-z0-9_.-]+"#)
        let expired = try #require(links.last)
        #expect(try await server.request("GET", expired).status == 403)
        #expect(try rota.run(["alert", "show", "2", "--json"]).json["status"] as? String == "triggered")
    }

    @Test("a calendar feed: shifts with REFRESH-INTERVAL and TRANSP:TRANSPARENT; a revoked one answers 404")
    func calendarFeed() async throws {
        let rota = try servedRota(tickEvery: "0")
        try rota.write("s.yaml", "schedules: [{id: s, layers: [{members: [ann, boss], start: 2026-01-05T09:00, shift: 1w}]}]\n")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let url = try rota.run(["feed", "url", "--person", "ann"], environment: ServeProcess.environment).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let path = String(url.dropFirst("http://127.0.0.1:1".count))
        let feed = try await server.request("GET", path)
        #expect(feed.status == 200)
        #expect(feed.body.contains("REFRESH-INTERVAL"))
        #expect(feed.body.contains("TRANSP:TRANSPARENT"))
        #expect(feed.body.contains("BEGIN:VEVENT"))
        // Read back by the library calendar apps use (installed by .ci/run).
        let file = rota.directory.appendingPathComponent("feed.ics").path
        try feed.body.write(toFile: file, atomically: true, encoding: .utf8)
        let parsed = try rota.shell("""
            python3 - "\(file)" <<'EOF'
            import sys, icalendar
            calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            events = [e for e in calendar.walk('VEVENT')]
            assert events and all(str(e['TRANSP']) == 'TRANSPARENT' for e in events), 'events'
            print(len(events), calendar.get('REFRESH-INTERVAL') is not None)
            EOF
            """)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout.hasSuffix("True\n"))
        try rota.run(["feed", "revoke", "--person", "ann"], environment: ServeProcess.environment)
        #expect(try await server.request("GET", path).status == 404)
        #expect(!((try? String(contentsOfFile: server.log, encoding: .utf8)) ?? "").contains(String(path.dropFirst(10).prefix(20))),
                "the token is never logged")
    }

    @Test("a rota file edited while serve runs is picked up at the next tick; a half-edited one falls back")
    func editsArePickedUp() async throws {
        let rota = try servedRota(tickEvery: "1s")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let body = #"{"summary":"x","service":"cache"}"#
        #expect(try await server.request("POST", "/v1/alerts", body: body, token: "tok-scripts").status == 422)
        try rota.write("z.yaml", "services: [{id: cache, escalation: e}]\n")
        var status = 0
        for _ in 0..<50 where status != 202 {
            try await Task.sleep(for: .milliseconds(200))
            status = try await server.request("POST", "/v1/alerts", body: body, token: "tok-scripts").status
        }
        #expect(status == 202, "the new service is known after a tick")
        try rota.write("z.yaml", "services: [{id: cache, escalation: e}]\nbroken: [\n")
        // Once a tick has read the broken file (metrics say so), the server still answers from the last valid revision.
        #expect(try await eventually(60) { try await server.request("GET", "/metrics").body.contains("rota_rota_files_valid 0") },
                "a tick read the half-edited file")
        #expect(try await server.request("POST", "/v1/alerts", body: #"{"summary":"y","service":"cache"}"#, token: "tok-scripts").status == 202,
                "a half-edited file never stops the server: the last valid revision answers")
    }

    @Test("a heartbeat pinged over HTTP with its own token; a wrong token is 401 and records nothing")
    func heartbeatPing() async throws {
        let rota = try servedRota(tickEvery: "0")
        try rota.write("hb.yaml", "heartbeats: [{id: monitor, service: web, every: 5m, token_env: ROTA_TOKEN_SCRIPTS}]\n")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        #expect(try await server.request("POST", "/v1/heartbeats/monitor", body: "", token: "tok-wrong").status == 401)
        #expect(try rota.run(["heartbeat", "list", "--json"]).json["heartbeats"].flatMap { ($0 as? [[String: Any]])?.first?["state"] as? String } == "inactive")
        let ping = try await server.request("POST", "/v1/heartbeats/monitor", body: "", token: "tok-scripts")
        #expect(ping.status == 200)
        #expect(ping.body.contains(#""heartbeat":"monitor""#) && ping.body.contains(#""last_ping":"20"#))
        #expect(try rota.run(["heartbeat", "list", "--json"]).json["heartbeats"].flatMap { ($0 as? [[String: Any]])?.first?["state"] as? String } == "ok")
    }

    @Test("healthz says whether the runner ticks; metrics speak Prometheus")
    func healthAndMetrics() async throws {
        let rota = try servedRota(tickEvery: "1s")
        let server = try ServeProcess(rota)
        defer { server.stop() }
        // Before the first tick, 200 with the problem listed; once the runner has ticked, ok.
        var health = try await server.request("GET", "/healthz")
        for _ in 0..<50 where !health.body.contains(#""status":"ok""#) {
            #expect(health.status == 200, "a stale tick is a problem, not a 503: \(health.body)")
            try await Task.sleep(for: .milliseconds(100))
            health = try await server.request("GET", "/healthz")
        }
        #expect(health.status == 200)
        #expect(health.body.contains(#""status":"ok""#))
        #expect(health.body.contains(#""problems":[]"#))
        _ = try await server.request("POST", "/v1/alerts", body: #"{"summary":"x"}"#, token: "tok-scripts")
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.body.contains(#"rota_alerts_open{status="triggered"} 1"#))
        #expect(metrics.body.contains(#"rota_ingest_requests_total{route="generic",integration="scripts",code="202"} 1"#))
        #expect(metrics.body.contains("rota_last_tick_timestamp_seconds"))
        #expect(metrics.body.contains("rota_rota_files_valid 1"))
        #expect(metrics.body.contains("rota_pages_failed_total 0"))
        #expect(try await server.request("POST", "/v1/heartbeats/nightly", body: "{}", token: "tok-scripts").status == 401, "an unknown heartbeat answers as a wrong token does")
    }

    @Test("serve's runner plans as rota tick does: at --now, with the settings read again with the files")
    func runnerFollowsNowAndSettings() async throws {
        let rota = try servedRota(tickEvery: "1s") { "#!/bin/sh\nsleep 3\ncat >> \($0)/pages.txt\necho >> \($0)/pages.txt\n" }
        let files = rota.rotas + "/r.yaml"
        let text = try String(contentsOfFile: files, encoding: .utf8)
        try rota.write("r.yaml", text.replacingOccurrences(of: "  timezone: UTC\n", with: "  timezone: UTC\n  command_timeout: 1s\n"))
        let server = try ServeProcess(rota, arguments: ["--now", "2026-03-03T09:00:00Z"])
        defer { server.stop() }
        // The runner's ticks are marked at --now, as `rota tick --now` marks them (not at the system clock).
        #expect(try await eventually(60) {
            try rota.run(["status", "--json", "--now", "2026-03-03T09:00:00Z"]).json["last_tick"] as? String == "2026-03-03T09:00:00Z"
        }, "the runner ticked at --now")
        // command_timeout 1s: the 3 s pager is cut, its page failed.
        #expect(try await server.request("POST", "/v1/alerts", body: #"{"summary":"first"}"#, token: "tok-scripts").status == 202)
        func pageStatus(_ id: Int) -> (status: String?, error: String?) {
            let page = ((try? rota.run(["alert", "show", "\(id)", "--json", "--now", "2026-03-03T09:00:00Z"]))?.json["pages"] as? [[String: Any]])?.first
            return (page?["status"] as? String, page?["error"] as? String)
        }
        #expect(try await eventually(60) { pageStatus(1).status == "failed" }, "the slow pager was cut at command_timeout: \(pageStatus(1))")
        #expect(pageStatus(1).error?.contains("did not finish within 1 s") == true, "\(pageStatus(1))")
        // Edited to 10s: the next tick reads it, and the same pager now delivers.
        try rota.write("r.yaml", text.replacingOccurrences(of: "  timezone: UTC\n", with: "  timezone: UTC\n  command_timeout: 10s\n"))
        #expect(try await server.request("POST", "/v1/alerts", body: #"{"summary":"second"}"#, token: "tok-scripts").status == 202)
        #expect(try await eventually(60) { pageStatus(2).status == "sent" }, "with the new command_timeout the page goes: \(pageStatus(2))")
    }

    @Test("SIGTERM while a slow pager runs: the page completes and is recorded, the server exits 0")
    func sigtermFinishesDeliveries() async throws {
        let rota = try servedRota(tickEvery: "1s") { "#!/bin/sh\necho start >> \($0)/slow.log\nsleep 2\necho done >> \($0)/slow.log\n" }
        let dir = rota.directory.path
        let server = try ServeProcess(rota)
        let answer = try await server.request("POST", "/v1/alerts", body: #"{"summary":"slow"}"#, token: "tok-scripts")
        #expect(answer.status == 202)
        #expect(try await eventually(60) { FileManager.default.fileExists(atPath: "\(dir)/slow.log") }, "the slow pager started")
        #expect(server.stop(.term) == 0)
        #expect(try String(contentsOfFile: "\(dir)/slow.log", encoding: .utf8) == "start\ndone\n")
        let shown = try rota.run(["alert", "show", "1", "--json"]).json
        #expect((shown["pages"] as? [[String: Any]])?.first?["status"] as? String == "sent")
    }
}

extension String {
    /// Every match of a regular expression, in order.
    func ranges(of pattern: String) -> [String] {
        var found: [String] = []
        var rest = startIndex..<endIndex
        while let range = range(of: pattern, options: .regularExpression, range: rest) {
            found.append(String(self[range]))
            rest = range.upperBound..<endIndex
        }
        return found
    }
}

@Suite("rota serve's runner and cron's rota tick at once")
struct ServeAndCronTests {
    @Test("overdue pages delivered by the server and by cron ticks racing it: each exactly once")
    func eachPageOnce() async throws {
        let rota = try RotaRunner(files: [:])
        let dir = rota.directory.path
        try "#!/bin/sh\necho \"$ROTA_PAGE_ID\" >> \(dir)/ids.log\n".write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
        try rota.write("r.yaml", """
            settings: {timezone: UTC, server: {tick_every: 1s}}
            people:
              - {id: ann, contacts: [{command: ["\(dir)/pager.sh"]}, {command: ["\(dir)/pager.sh", "second"]}]}
              - {id: lead, contacts: [{command: ["\(dir)/pager.sh"]}]}
              - {id: ceo, contacts: [{command: ["\(dir)/pager.sh"]}]}
            escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}, {notify: [person:lead], escalate_after: 10m}, {notify: [person:ceo]}]}]
            services: [{id: web, escalation: e}]
            integrations: [{id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}]
            """)
        // Raised two hours ago while nothing ran: every level is overdue. The raise pages level 1 itself.
        let twoHoursAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7200))
        for index in 0..<5 {
            try rota.run(["alert", "raise", "--service", "web", "--summary", "a\(index)", "--now", twoHoursAgo])
        }
        let server = try ServeProcess(rota)
        defer { server.stop() }
        for _ in 0..<6 {
            let ticks = (0..<4).map { _ in rota.process(["tick"], environment: ["ROTA_TICK_LOCK": "off"]) }
            for tick in ticks { try tick.run() }
            for tick in ticks { tick.waitUntilExit() }
        }
        // Done when every page of every alert is recorded sent (and so can never be claimed again).
        func allSent() throws -> Bool {
            let shown = try rota.run(["alert", "list", "--json"]).json["alerts"] as? [[String: Any]] ?? []
            return try shown.count == 5 && shown.allSatisfy { alert in
                let pages = try rota.run(["alert", "show", "\(alert["id"] as? Int ?? 0)", "--json"]).json["pages"] as? [[String: Any]] ?? []
                return pages.count == 4 && pages.allSatisfy { $0["status"] as? String == "sent" }
            }
        }
        #expect(try await eventually(60, allSent), "every page of every level was delivered and recorded")
        let ids = try String(contentsOfFile: "\(dir)/ids.log", encoding: .utf8).split(separator: "\n")
        #expect(ids.count == Set(ids).count, "a page went twice")
        #expect(ids.count == 5 * 4, "every page of every level went: 2 contacts of ann, lead, ceo")
    }
}
