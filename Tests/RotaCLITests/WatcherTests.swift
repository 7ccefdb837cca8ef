import Foundation
import Testing

/// A rota where ann is paged through a webhook that answers 404 (fails for good) on a loopback
/// peer, and ops, the admin, through a pager that records each notice's kind and summary.
private func watchedRota(_ rota: RotaRunner, port: Int, settings: String = "") throws {
    let dir = rota.directory.path
    try "#!/bin/sh\necho \"$ROTA_NOTICE|$ROTA_SUMMARY\" >> \(dir)/ops.log\n".write(toFile: "\(dir)/ops.sh", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/ops.sh")
    try rota.write("r.yaml", """
        settings: {timezone: UTC, admins: [person:ops]\(settings)}
        people:
          - {id: ann, contacts: [{webhook: "http://127.0.0.1:\(port)/gone/T0"}]}
          - {id: ops, contacts: [{command: ["\(dir)/ops.sh"]}]}
        escalations: [{id: e, levels: [{notify: [person:ann]}]}]
        services: [{id: web, escalation: e}]
        """)
}

/// A watched rota and its loopback webhook peer (stop the peer when done).
private func watched(settings: String = "") throws -> (RotaRunner, Peer) {
    let rota = try RotaRunner(files: [:])
    let peer = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
    try watchedRota(rota, port: peer.port, settings: settings)
    return (rota, peer)
}

/// What ops received: kind|summary per notice.
private func opsNotices(_ rota: RotaRunner) -> [String] {
    ((try? String(contentsOfFile: rota.directory.path + "/ops.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

@Suite("Who watches the watcher (DESIGN §15)")
struct WatcherTests {
    @Test("a page that failed for good pages the admins once, and rota status says so until the alert is answered")
    func failedPagePagesAdmins() throws {
        let (rota, peer) = try watched()
        defer { peer.stop() }
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "db down"])
        #expect(raised.stderr.contains("answered 404"), "ann's webhook answered 404: \(raised.stderr)")
        #expect(opsNotices(rota).isEmpty, "admins hear of it from the runner")
        #expect(try rota.run(["tick"]).status == 0)
        #expect(opsNotices(rota) == ["admin|rota: a page failed for good"], "\(opsNotices(rota))")
        #expect(try rota.run(["tick"]).status == 0)
        #expect(opsNotices(rota).count == 1, "once per cause")
        let status = try rota.run(["status", "--json"])
        #expect(status.status == 1)
        let problems = status.json["problems"] as? [String] ?? []
        #expect(problems.contains { $0.contains("failed for good") }, "\(problems)")
        #expect(try rota.run(["resolve", "1"]).status == 0)
        #expect(try rota.run(["status"]).status == 0, "answered, the problem clears")
    }

    @Test("rota files invalid for 10 minutes page the admins once; a fresh break waits its 10 minutes; a later break pages again")
    func invalidFilesPageAdmins() throws {
        let (rota, peer) = try watched()
        defer { peer.stop() }
        #expect(try rota.run(["tick"]).status == 0)
        let file = rota.directory.appendingPathComponent("rotas/r.yaml").path
        let valid = try String(contentsOfFile: file, encoding: .utf8)
        func breakFiles(minutesAgo: Double, _ note: String) throws {
            try (valid + "\nbroken: [ # \(note)\n").write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-minutesAgo * 60)], ofItemAtPath: file)
        }
        try breakFiles(minutesAgo: 1, "just now")
        #expect(try rota.run(["tick"]).status == 0)
        #expect(opsNotices(rota).isEmpty, "invalid for a minute: not yet")
        let status = try rota.run(["status", "--json"])
        #expect(status.status == 1, "but rota status says so at once")
        #expect((status.json["problems"] as? [String] ?? []).contains { $0.contains("rota files are invalid") })
        try breakFiles(minutesAgo: 11, "eleven minutes")
        #expect(try rota.run(["tick"]).status == 0)
        #expect(try rota.run(["tick"]).status == 0)
        #expect(opsNotices(rota).count == 1, "\(opsNotices(rota))")
        #expect(opsNotices(rota).first?.hasPrefix("admin|rota: the rota files have been invalid for 11 minutes") == true, "\(opsNotices(rota))")
        try valid.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try rota.run(["tick"]).status == 0)
        #expect(try rota.run(["status"]).status == 0, "valid again: no problem")
        try breakFiles(minutesAgo: 20, "later")
        #expect(try rota.run(["tick"]).status == 0)
        #expect(opsNotices(rota).count == 2, "a new break is a new cause: \(opsNotices(rota))")
    }

    @Test("rota serve with tick_every 0 notices that cron stopped ticking and pages the admins itself; /healthz lists it with 200")
    func serveWatchesCron() async throws {
        let (rota, peer) = try watched(settings: ", server: {public_url: \"http://127.0.0.1:1\", tick_every: 0}")
        defer { peer.stop() }
        // Cron's last tick was 10 minutes ago.
        let tenMinutesAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600))
        #expect(try rota.run(["tick", "--now", tenMinutesAgo]).status == 0)
        let server = try ServeProcess(rota)
        defer { server.stop(.kill) }
        #expect(try await eventually(30) { opsNotices(rota).contains { $0.hasPrefix("admin|rota: no tick for 10 minutes") } }, "\(opsNotices(rota))")
        let health = try await server.request("GET", "/healthz")
        #expect(health.status == 200, "a stale tick never takes intake out of a load balancer")
        #expect(health.body.contains(#""status":"problems""#) && health.body.contains("the last tick is"), "\(health.body)")
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.body.contains("rota_problems 1"), "\(metrics.body)")
        // Cron comes back: the problem clears.
        #expect(try rota.run(["tick"]).status == 0)
        let again = try await server.request("GET", "/healthz")
        #expect(again.body.contains(#""status":"ok""#), "\(again.body)")
        // SIGTERM wakes the watcher at once: no minute-long wait for its next check.
        let started = Date()
        #expect(server.stop(.term) == 0)
        #expect(Date().timeIntervalSince(started) < 15, "SIGTERM ended rota serve in \(Date().timeIntervalSince(started)) s")
    }
}
