import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A real Prometheus Alertmanager (Debian's prometheus-alertmanager, installed by .ci/run) on
/// loopback, gossip off, sending to a real `rota serve`: through its webhook receiver and through
/// its PagerDuty receiver pointed at rota's Events API v2.
final class AlertmanagerPeer {
    let process = Process()
    let port: Int
    let directory: URL

    init(receiverPort: Int, receiver: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        let receivers = """
            receivers:
              - name: webhook
                webhook_configs:
                  - url: http://127.0.0.1:\(receiverPort)/v1/alertmanager
                    send_resolved: true
                    http_config:
                      authorization:
                        credentials: tok-prom
              - name: pagerduty
                pagerduty_configs:
                  - routing_key: tok-pd
                    url: http://127.0.0.1:\(receiverPort)/v2/enqueue
                    send_resolved: true
            """
        try """
            route:
              receiver: \(receiver)
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            \(receivers)
            """.write(to: directory.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus-alertmanager")
        process.arguments = ["--config.file=\(directory.path)/am.yml", "--storage.path=\(directory.path)/data",
                             "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        for _ in 0..<100 {
            if (try? Self.get("http://127.0.0.1:\(port)/-/ready")) == 200 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "Alertmanager did not become ready"])
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Posts alerts to Alertmanager's own API (`POST /api/v2/alerts`), as Prometheus would.
    func post(_ alerts: [[String: Any]]) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v2/alerts")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: alerts)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    static func get(_ url: String) throws -> Int {
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status = 0
        URLSession.shared.dataTask(with: URL(string: url)!) { _, response, _ in
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return status
    }

    /// A port nobody listens on now (bind to 0, read it, close).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

private func isoNow(_ offset: TimeInterval = 0) -> String {
    ISO8601DateFormatter().string(from: Date().addingTimeInterval(offset))
}

@Suite("A real Alertmanager sending to rota serve", .serialized)
struct AlertmanagerPeerTests {
    private func rotaWithServer() throws -> (RotaRunner, ServeProcess) {
        let rota = try RotaRunner(files: ["r.yaml": """
            settings: {timezone: UTC, server: {tick_every: 0}}
            people: [{id: ann, contacts: [{command: ["/bin/true"]}]}]
            escalations: [{id: e, levels: [{notify: [person:ann]}]}]
            services: [{id: web, escalation: e}, {id: db, escalation: e}]
            integrations:
              - {id: prom, kind: alertmanager, service: web, service_label: service, token_env: ROTA_TOKEN_PROM}
              - {id: pd, kind: pagerduty, service: web, token_env: ROTA_TOKEN_PD}
            """])
        return (rota, try ServeProcess(rota))
    }

    private func alerts(_ rota: RotaRunner) throws -> [[String: Any]] {
        try rota.run(["alert", "list", "--all", "--json"]).json["alerts"] as? [[String: Any]] ?? []
    }

    @Test("through the webhook receiver: an alert arrives, resent is deduplicated, ended is resolved", arguments: ["webhook", "pagerduty"])
    func alertmanagerToRota(receiver: String) async throws {
        let (rota, server) = try rotaWithServer()
        defer { server.stop(.kill) }
        let alertmanager = try AlertmanagerPeer(receiverPort: server.port, receiver: receiver)
        defer { alertmanager.stop() }
        let alert: [String: Any] = ["labels": ["alertname": "DiskFull", "service": "db", "severity": "critical"],
                                    "annotations": ["summary": "disk full on db1"], "startsAt": isoNow(-60)]
        #expect(try await alertmanager.post([alert]) == 200)
        #expect(try await eventually(15) { try alerts(rota).count == 1 }, "the alert reached rota")
        let first = try #require(try alerts(rota).first)
        if receiver == "webhook" {
            #expect(first["summary"] as? String == "disk full on db1")
            #expect(first["severity"] as? String == "critical")
            #expect(first["service"] as? String == "db", "routed by its service label")
        } else {
            // Alertmanager's PagerDuty template: "[FIRING:1] DiskFull …", severity error (high here).
            #expect((first["summary"] as? String ?? "").contains("DiskFull"))
            #expect(first["severity"] as? String == "high")
        }
        // Resent (as Prometheus does every evaluation): still one alert once the end below has come through
        // (Alertmanager sends in order, so the resolved notification follows whatever the resend caused).
        #expect(try await alertmanager.post([alert]) == 200)
        // Ended: Alertmanager sends it resolved, and rota resolves it.
        var ended = alert
        ended["endsAt"] = isoNow(-1)
        #expect(try await alertmanager.post([ended]) == 200)
        #expect(try await eventually(20) { try alerts(rota).first?["status"] as? String == "resolved" }, "resolved through \(receiver)")
        #expect(try alerts(rota).count == 1)
    }

    @Test("one alert with an unknown service label loses nothing: the group's other alerts are kept, and it falls back to the default service")
    func unknownServiceLabelLosesNothing() async throws {
        let (rota, server) = try rotaWithServer()
        defer { server.stop(.kill) }
        let alertmanager = try AlertmanagerPeer(receiverPort: server.port, receiver: "webhook")
        defer { alertmanager.stop() }
        // One group (same alertname), the bad label first: Alertmanager never retries a 4xx.
        let bad: [String: Any] = ["labels": ["alertname": "Storm", "service": "no-such-service", "instance": "a"],
                                  "annotations": ["summary": "mislabelled"], "startsAt": isoNow(-60)]
        let good: [String: Any] = ["labels": ["alertname": "Storm", "service": "db", "instance": "b"],
                                   "annotations": ["summary": "well labelled"], "startsAt": isoNow(-60)]
        #expect(try await alertmanager.post([bad, good]) == 200)
        #expect(try await eventually(20) { try alerts(rota).count == 2 }, "both alerts of the group reached rota")
        let services = Dictionary(uniqueKeysWithValues: try alerts(rota).map { ($0["summary"] as? String ?? "", $0["service"] as? String ?? "") })
        #expect(services == ["well labelled": "db", "mislabelled": "web"], "the unknown label fell back to the integration's default service")
        // The answer says so, alert by alert.
        let body = """
            {"version":"4","groupKey":"g","status":"firing","receiver":"r","alerts":[
             {"status":"firing","fingerprint":"f-bad","labels":{"alertname":"X","service":"nope"},"annotations":{}},
             {"status":"firing","fingerprint":"f-good","labels":{"alertname":"X","service":"db"},"annotations":{}}]}
            """
        let answer = try await server.request("POST", "/v1/alertmanager", body: body, token: "tok-prom")
        #expect(answer.status == 200, "\(answer.body)")
        let items = try #require((try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])?["alerts"] as? [[String: Any]])
        #expect(items.map { $0["service"] as? String } == ["web", "db"])
        let note = items.first?["note"] as? String ?? ""
        #expect(note.contains("no service nope"), "\(items)")
        #expect(items.last?["note"] == nil)
    }
}
