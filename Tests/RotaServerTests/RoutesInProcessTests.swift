import Foundation
import Hummingbird
import HummingbirdTesting
import RotaCore
import RotaKit
import RotaServer
import Testing

/// The HTTP routes driven in-process: the same application `rota serve` runs, built by the
/// function it calls, with no socket and no process (HummingbirdTesting's router mode).
@Suite("rota serve's routes in-process")
struct RoutesInProcessTests {
    /// A rotas directory, a database and a server over them; removed by `remove()`.
    struct Rig {
        let directory: URL
        let server: RotaServer
        let workspace: Workspace

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-routes-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("rotas"), withIntermediateDirectories: true)
            try """
                settings: {timezone: UTC, server: {tick_every: 0, board: public}}
                people: [{id: ann, contacts: [{command: ["/bin/true"]}]}]
                escalations: [{id: e, levels: [{notify: [person:ann]}]}]
                services: [{id: web, escalation: e}, {id: db, escalation: e}]
                integrations:
                  - {id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}
                  - {id: prom, kind: alertmanager, service: db, token_env: ROTA_TOKEN_PROM}
                heartbeats: [{id: backup, service: db, every: 1h, token_env: ROTA_TOKEN_SCRIPTS}]
                """.write(to: directory.appendingPathComponent("rotas/r.yaml"), atomically: true, encoding: .utf8)
            let options = WorkspaceOptions(rotasDirectory: directory.appendingPathComponent("rotas").path,
                                           databasePath: directory.appendingPathComponent("rota.db").path,
                                           environment: ["ROTA_TOKEN_SCRIPTS": "tok-scripts", "ROTA_TOKEN_PROM": "tok-prom", "ROTA_SERVER_SECRET": String(repeating: "s", count: 32),
                                                         "PATH": "/usr/bin:/bin"])
            workspace = try await WorkspaceLoader.open(options)
            server = try RotaServer(workspace: workspace, listen: "127.0.0.1:0")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// Runs `body` against the application in-process.
        func test(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
            try await server.application().test(.router, body)
        }

        func alerts() async throws -> [(summary: String, count: Int)] {
            try await workspace.atCurrentTime().alerts.list(includeResolved: true).map { ($0.summary, $0.count) }
        }
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, _ body: String, token: String?) async throws -> (status: Int, body: String) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status.code, String(buffer: response.body).trimmingCharacters(in: .newlines))
        }
    }

    @Test("an alert over HTTP is stored once per key; without the token, or with a bad body, nothing is stored")
    func raiseAndRefuse() async throws {
        let rig = try await Rig()
        defer { rig.remove() }
        try await rig.test { client in
            let unauthorized = try await Self.post(client, "/v1/alerts", #"{"summary":"no token"}"#, token: nil)
            #expect(unauthorized.status == 401)
            let wrong = try await Self.post(client, "/v1/alerts", #"{"summary":"wrong token"}"#, token: "tok-wrong")
            #expect(wrong.status == 401)
            let garbage = try await Self.post(client, "/v1/alerts", "{not json", token: "tok-scripts")
            #expect(garbage.status == 400, "\(garbage.body)")
            let unknown = try await Self.post(client, "/v1/alerts", #"{"summary":"x","service":"nope"}"#, token: "tok-scripts")
            #expect(unknown.status == 422, "\(unknown.body)")
            #expect(try await rig.alerts().isEmpty, "nothing refused was stored")
            // Positive control: the same door with the token stores the alert, and a second raise with its key counts into it.
            let first = try await Self.post(client, "/v1/alerts", #"{"summary":"db down","dedup_key":"db"}"#, token: "tok-scripts")
            #expect(first.status == 202, "\(first.body)")
            #expect(first.body == #"{"id":1,"status":"triggered","deduplicated":false,"incident":1}"#)
            let again = try await Self.post(client, "/v1/alerts", #"{"summary":"db down","dedup_key":"db"}"#, token: "tok-scripts")
            #expect(again.body == #"{"id":1,"status":"triggered","deduplicated":true,"incident":1}"#)
            let stored = try await rig.alerts()
            #expect(stored.count == 1 && stored.first?.summary == "db down" && stored.first?.count == 2)
        }
    }

    @Test("an Alertmanager notification's alerts are one incident; resolving one leaves it open, the last closes it; the board lists it once")
    func alertmanagerGroup() async throws {
        let rig = try await Rig()
        defer { rig.remove() }
        @Sendable func notification(_ status: [String: String]) -> String {
            let alerts = status.sorted { $0.key < $1.key }.map { fingerprint, state in
                #"{"status":"\#(state)","labels":{"alertname":"Disk \#(fingerprint)","severity":"\#(fingerprint == "b" ? "critical" : "warning")"},"annotations":{},"fingerprint":"\#(fingerprint)"}"#
            }
            return #"{"version":"4","groupKey":"{}:{job=\"db\"}","alerts":[\#(alerts.joined(separator: ","))]}"#
        }
        try await rig.test { client in
            let fired = try await Self.post(client, "/v1/alertmanager", notification(["a": "firing", "b": "firing", "c": "firing"]), token: "tok-prom")
            #expect(fired.status == 200, "\(fired.body)")
            #expect(fired.body.components(separatedBy: #""incident":1"#).count == 4, "one groupKey, one incident: \(fired.body)")
            let incidents = try await rig.workspace.atCurrentTime().incidents.list(all: false)
            #expect(incidents.count == 1 && incidents.first?.incident.alertCount == 3 && incidents.first?.incident.peakSeverity == "critical")
            // The board lists the incident once, with its count and severity; its page lists its alerts.
            let board = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(board.contains(#"<a href="/incidents/1">1</a></th><td>critical</td><td>3</td>"#), "\(board)")
            #expect(!board.contains(#"href="/incidents/2""#), "a member alert is not an incident of its own")
            let page = try await client.execute(uri: "/incidents/2", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(page.0 == 200 && page.1.contains("Incident #1:") && page.1.contains("Disk b"), "any alert names its incident")
            #expect(try await client.execute(uri: "/incidents/99", method: .get) { $0.status.code } == 404)
            // Alertmanager resolves one alert: it closes alone; the incident stays open for the others.
            _ = try await Self.post(client, "/v1/alertmanager", notification(["a": "resolved"]), token: "tok-prom")
            let open = try await rig.workspace.atCurrentTime().incidents.list(all: false)
            #expect(open.count == 1 && open.first?.incident.status == .triggered)
            let own = try await rig.workspace.atCurrentTime().alerts.alert(1)
            #expect(own.ownStatus == .resolved, "the opening alert is resolved on its own")
            // The last ones resolve: so does the incident.
            _ = try await Self.post(client, "/v1/alertmanager", notification(["b": "resolved", "c": "resolved"]), token: "tok-prom")
            #expect(try await rig.workspace.atCurrentTime().incidents.list(all: false).isEmpty)
            #expect(try await rig.workspace.atCurrentTime().alerts.alert(1).status == .resolved)
        }
    }

    @Test("a heartbeat ping answers the ping's time; an unknown heartbeat or a wrong token is 401 and records nothing")
    func heartbeats() async throws {
        let rig = try await Rig()
        defer { rig.remove() }
        try await rig.test { client in
            #expect(try await Self.post(client, "/v1/heartbeats/nightly", "", token: "tok-scripts").status == 401)
            #expect(try await Self.post(client, "/v1/heartbeats/backup", "", token: "tok-wrong").status == 401)
            #expect(try await rig.workspace.atCurrentTime().heartbeats.list().allSatisfy { $0.lastPing == nil })
            let ping = try await Self.post(client, "/v1/heartbeats/backup", "", token: "tok-scripts")
            #expect(ping.status == 200)
            #expect(ping.body.hasPrefix(#"{"heartbeat":"backup","last_ping":"20"#), "\(ping.body)")
            #expect(try await rig.workspace.atCurrentTime().heartbeats.list().contains { $0.lastPing != nil })
        }
    }

    @Test("healthz lists the missing tick as a problem with 200; metrics count the requests by answer")
    func healthAndMetrics() async throws {
        let rig = try await Rig()
        defer { rig.remove() }
        try await rig.test { client in
            let health = try await client.execute(uri: "/healthz", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(health.0 == 200)
            #expect(health.1.contains(#""status":"problems""#) && health.1.contains("no tick has run"), "\(health.1)")
            _ = try await Self.post(client, "/v1/alerts", #"{"summary":"x"}"#, token: "tok-scripts")
            _ = try await Self.post(client, "/v1/alerts", #"{"summary":"y"}"#, token: nil)
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"rota_ingest_requests_total{route="generic",integration="scripts",code="202"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"rota_alerts_open{status="triggered"} 1"#))
        }
    }

    @Test("metrics: time to acknowledge by service as a Prometheus histogram, each incident once, only after a person acknowledged it; /report answers 200, a period that is not one 400")
    func timeToAcknowledge() async throws {
        let rig = try await Rig()
        defer { rig.remove() }
        try await rig.test { client in
            func scrape() async throws -> [String] {
                try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                    .split(separator: "\n").map(String.init).filter { $0.hasPrefix("rota_time_to_acknowledge_seconds") }
            }
            #expect(try await Self.post(client, "/v1/alerts", #"{"summary":"disk full"}"#, token: "tok-scripts").status == 202)
            #expect(try await scrape().isEmpty, "nobody acknowledged yet: no observation")
            let incident = try #require(try await rig.workspace.atCurrentTime().alerts.list(includeResolved: false).first)
            _ = try await rig.workspace.atCurrentTime().alerts.acknowledge(incident.id, as: "ann")
            let lines = try await scrape()
            #expect(lines.contains(#"rota_time_to_acknowledge_seconds_bucket{service="web",le="60"} 1"#), "\(lines)")
            #expect(lines.contains(#"rota_time_to_acknowledge_seconds_bucket{service="web",le="+Inf"} 1"#)
                        && lines.contains(#"rota_time_to_acknowledge_seconds_count{service="web"} 1"#), "\(lines)")
            #expect(lines.filter { $0.contains("_bucket{") }.count == 9, "60, 120, 300, 600, 900, 1800, 3600, 7200 and +Inf")
            #expect(try await scrape() == lines, "a second scrape counts nothing twice")
            // A drill, acknowledged, counts nowhere: no observation, not an open alert (the real one above did count).
            let drill = try await rig.workspace.atCurrentTime().drills.start(escalation: "e", as: "ann")
            _ = try await rig.workspace.atCurrentTime().alerts.acknowledge(drill.alert.id, as: "ann")
            #expect(try await scrape() == lines, "a drill is not observed")
            let open = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                .split(separator: "\n").filter { $0.hasPrefix("rota_alerts_open") }
            #expect(open == [#"rota_alerts_open{status="triggered"} 0"#, #"rota_alerts_open{status="acknowledged"} 1"#], "the drill is not an open alert: \(open)")
            let report = try await client.execute(uri: "/report", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(report.0 == 200 && report.1.contains(#"data-key="incidents" data-value="1""#) && report.1.contains("<svg"), "\(report.1.prefix(400))")
            let bad = try await client.execute(uri: "/report?from=someday", method: .get) { $0.status.code }
            #expect(bad == 400)
        }
    }
}
