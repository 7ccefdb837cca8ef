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
                settings: {timezone: UTC, server: {tick_every: 0}}
                people: [{id: ann, contacts: [{command: ["/bin/true"]}]}]
                escalations: [{id: e, levels: [{notify: [person:ann]}]}]
                services: [{id: web, escalation: e}, {id: db, escalation: e}]
                integrations: [{id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}]
                heartbeats: [{id: backup, service: db, every: 1h, token_env: ROTA_TOKEN_SCRIPTS}]
                """.write(to: directory.appendingPathComponent("rotas/r.yaml"), atomically: true, encoding: .utf8)
            let options = WorkspaceOptions(rotasDirectory: directory.appendingPathComponent("rotas").path,
                                           databasePath: directory.appendingPathComponent("rota.db").path,
                                           environment: ["ROTA_TOKEN_SCRIPTS": "tok-scripts", "ROTA_SERVER_SECRET": String(repeating: "s", count: 32),
                                                         "PATH": "/usr/bin:/bin"])
            workspace = try await Workspace.open(options)
            server = try RotaServer(workspace: workspace, listen: "127.0.0.1:0")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// Runs `body` against the application in-process.
        func test(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
            try await server.application().test(.router, body)
        }

        func alerts() async throws -> [(summary: String, count: Int)] {
            try await workspace.atCurrentTime().alerts(includeResolved: true).map { ($0.summary, $0.count) }
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

    @Test("a heartbeat ping answers the ping's time; an unknown heartbeat or a wrong token is 401 and records nothing")
    func heartbeats() async throws {
        let rig = try await Rig()
        defer { rig.remove() }
        try await rig.test { client in
            #expect(try await Self.post(client, "/v1/heartbeats/nightly", "", token: "tok-scripts").status == 401)
            #expect(try await Self.post(client, "/v1/heartbeats/backup", "", token: "tok-wrong").status == 401)
            #expect(try await rig.workspace.atCurrentTime().heartbeats().allSatisfy { $0.lastPing == nil })
            let ping = try await Self.post(client, "/v1/heartbeats/backup", "", token: "tok-scripts")
            #expect(ping.status == 200)
            #expect(ping.body.hasPrefix(#"{"heartbeat":"backup","last_ping":"20"#), "\(ping.body)")
            #expect(try await rig.workspace.atCurrentTime().heartbeats().contains { $0.lastPing != nil })
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
}
