import Foundation
import Testing

/// A rota whose `ann` is paged through `annContact` and whose `bob` through a command pager that
/// records the page id and the time it ran (Unix seconds) in `bob.log`; service `chat` pages ann,
/// `web` pages bob at level 1 and again at level 2 after 15 minutes.
private func twoPeopleRota(_ rota: RotaRunner, annContact: String, settings: String = "", extra: String = "") throws {
    let dir = rota.directory.path
    try "#!/bin/sh\necho \"$ROTA_PAGE_ID $(date +%s.%N)\" >> \(dir)/bob.log\n".write(toFile: "\(dir)/bob.sh", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/bob.sh")
    try rota.write("r.yaml", """
        settings: {timezone: UTC\(settings)}
        people:
          - {id: ann, contacts: [\(annContact)]}
          - {id: bob, contacts: [{command: ["\(dir)/bob.sh"]}]}
        escalations:
          - {id: to-ann, levels: [{notify: [person:ann]}]}
          - {id: to-bob, levels: [{notify: [person:bob], escalate_after: 15m}, {notify: [person:bob]}]}
        services:
          - {id: chat, escalation: to-ann}
          - {id: web, escalation: to-bob}
        \(extra)
        """)
}

/// bob's pager runs: page id and Unix time of each.
private func bobPages(_ rota: RotaRunner) -> [(id: String, at: Double)] {
    ((try? String(contentsOfFile: rota.directory.path + "/bob.log", encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
        let parts = $0.split(separator: " ")
        guard parts.count == 2, let at = Double(parts[1]) else { return nil }
        return (String(parts[0]), at)
    }
}

@Suite("One slow or broken peer never stops paging")
struct HostilePeerTests {
    @Test("a webhook that sends its status line and closes, or garbage, is a failed attempt with a clear error, never a crash",
          arguments: ["status-then-close", "garbage"])
    func brokenAnswerIsAFailedAttempt(mode: String) throws {
        let rota = try RotaRunner(files: [:])
        let peer = try Peer("hostile_peer.py", record: rota.directory.appendingPathComponent("peer.jsonl").path)
        defer { peer.stop() }
        try twoPeopleRota(rota, annContact: "{webhook: \"http://127.0.0.1:\(peer.port)/\(mode)/T0\"}")
        let test = try rota.run(["test-page", "--person", "ann", "--json"])
        #expect(test.status == 75, "exit \(test.status): \(test.stderr)")
        let contact = try #require((test.json["contacts"] as? [[String: Any]])?.first)
        #expect(contact["status"] as? String == "failed")
        #expect((contact["error"] as? String ?? "").contains("webhook http://127.0.0.1:\(peer.port)/… failed"), "\(contact)")
        // The runner's paths too: a raise pages at once, a tick retries; neither crashes.
        let raised = try rota.run(["alert", "raise", "--service", "chat", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect([0, 75].contains(raised.status), "exit \(raised.status): \(raised.stderr)")
        let tick = try rota.run(["tick", "--json", "--now", "2026-03-03T09:10:00Z"])
        #expect(tick.status == 75, "exit \(tick.status): \(tick.stderr)")
        #expect(((tick.json["errors"] as? [Any]) ?? []).count == 1)
        #expect(peer.requests.filter { $0["mode"] as? String == mode }.count == 3, "the peer was reached each time")
    }

    @Test("a webhook that trickles a header every 3 s is cut at webhook_timeout, from start to finish")
    func trickleIsCutAtTheDeadline() throws {
        let rota = try RotaRunner(files: [:])
        let peer = try Peer("hostile_peer.py", record: rota.directory.appendingPathComponent("peer.jsonl").path)
        defer { peer.stop() }
        try twoPeopleRota(rota, annContact: "{webhook: \"http://127.0.0.1:\(peer.port)/trickle/T0\"}", settings: ", webhook_timeout: 4s")
        let started = Date()
        let test = try rota.run(["test-page", "--person", "ann", "--json"])
        let took = Date().timeIntervalSince(started)
        #expect(test.status == 75)
        let contact = try #require((test.json["contacts"] as? [[String: Any]])?.first)
        #expect((contact["error"] as? String ?? "").contains("timed out"), "\(contact)")
        #expect(took >= 4 && took < 12, "took \(took) s against a 4 s webhook_timeout (the peer would go on for ever)")
    }

    @Test("a delivery stuck on a slow peer keeps neither cron's next tick from paging nor holds the runner lock")
    func stuckDeliveryDoesNotStopCron() async throws {
        let rota = try RotaRunner(files: [:])
        let peer = try Peer("hostile_peer.py", record: rota.directory.appendingPathComponent("peer.jsonl").path)
        defer { peer.stop() }
        // ann's webhook is only used a minute after level 1 is due, so the raise itself does not wait on it.
        try twoPeopleRota(rota, annContact: "{webhook: \"http://127.0.0.1:\(peer.port)/trickle/T0\", after: 1m}", settings: ", webhook_timeout: 120s")
        try rota.run(["alert", "raise", "--service", "chat", "--summary", "chat down", "--now", "2026-03-03T09:00:00Z"])
        try rota.run(["alert", "raise", "--service", "web", "--summary", "web down", "--now", "2026-03-03T09:00:00Z"])
        #expect(bobPages(rota).count == 1, "bob's level 1 went at the raise")
        // Cron's 09:01 tick takes ann's webhook page and is stuck on the trickling peer.
        let stuck = rota.process(["tick", "--now", "2026-03-03T09:01:00Z"])
        let stuckStarted = Date().timeIntervalSince1970
        try stuck.run()
        defer { if stuck.isRunning { kill(stuck.processIdentifier, SIGKILL) }; stuck.waitUntilExit() }
        // From here to bob's page the waits hold this test's thread (blocking polls): an await would
        // give it back to the 2-thread pool, where a full parallel run can keep it for minutes, and
        // the stuck tick would reach its webhook_timeout before the next tick was even started.
        #expect(eventuallyBlocking(20) { peer.requests.contains { $0["mode"] as? String == "trickle" } }, "the stuck delivery began")
        // Cron's 09:15 tick, while the 09:01 one still waits: bob's level 2 goes at once.
        let started = Date()
        let next = rota.process(["tick", "--now", "2026-03-03T09:15:00Z"])
        try next.run()
        defer { if next.isRunning { kill(next.processIdentifier, SIGKILL) }; next.waitUntilExit() }
        #expect(eventuallyBlocking(30) { bobPages(rota).count == 2 }, "bob's level 2 was paged by the next tick")
        let lag = (bobPages(rota).last?.at ?? .infinity) - started.timeIntervalSince1970
        #expect(lag < 5, "bob's level 2 went \(lag) s after the next tick started")
        // The test's premise: the first tick was still stuck when bob's level 2 went. The peer trickles
        // for ever, so that tick can only end at its 120 s webhook_timeout: either it still runs, or
        // bob's page went well before that deadline (a loaded machine may reach this line later).
        let paged = bobPages(rota).last?.at ?? .infinity
        #expect(stuck.isRunning || paged - stuckStarted < 110, "the first tick was still stuck on the slow peer when bob's level 2 went (\(paged - stuckStarted) s after it began)")
    }

    @Test("a tick killed with SIGKILL takes its pager's children with it; left alone, the child would have delivered")
    func sigkillTakesPagerChildren() async throws {
        // The pager starts a child (as a script runs curl) that delivers once told to (a file
        // named go appears), records both pids, and waits for it: no race with the clock.
        func setUp() throws -> RotaRunner {
            let rota = try RotaRunner(files: [:])
            let dir = rota.directory.path
            try """
                #!/bin/sh
                ( i=0; while [ ! -e \(dir)/go ] && [ $i -lt 3000 ]; do sleep 0.05; i=$((i+1)); done
                  [ -e \(dir)/go ] && echo delivered >> \(dir)/child.log ) &
                echo "$$ $!" > \(dir)/pids
                wait
                """.write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
            // A loaded machine must not turn the control into a timeout.
            try rota.write("r.yaml", onePersonRota("{command: [\"\(dir)/pager.sh\"], after: 1m}")
                .replacingOccurrences(of: "settings: {timezone: UTC}", with: "settings: {timezone: UTC, command_timeout: 5m}"))
            try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
            return rota
        }
        func pids(_ rota: RotaRunner) -> [Int32] {
            ((try? String(contentsOfFile: rota.directory.path + "/pids", encoding: .utf8)) ?? "").split(separator: " ").compactMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let childLog = { (rota: RotaRunner) in FileManager.default.fileExists(atPath: rota.directory.path + "/child.log") }
        let go = { (rota: RotaRunner) in FileManager.default.createFile(atPath: rota.directory.path + "/go", contents: nil) }

        // Positive control: the runner left alone, the child delivers when told to.
        let control = try setUp()
        let running = control.process(["tick", "--now", "2026-03-03T09:02:00Z"])
        let errors = Pipe()
        running.standardError = errors
        try running.run()
        // Blocking waits hold this test's thread: under the full suite an await resumed minutes late,
        // after the child had stopped waiting for its go (CI failed the control once that way).
        #expect(eventuallyBlocking(30) { pids(control).count == 2 }, "the pager started its child")
        _ = go(control)
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        running.waitUntilExit()
        #expect(running.terminationStatus == 0, "\(said)")
        #expect(childLog(control), "the child delivers when nothing kills the runner")

        let rota = try setUp()
        let tick = rota.process(["tick", "--now", "2026-03-03T09:02:00Z"])
        try tick.run()
        #expect(eventuallyBlocking(30) { pids(rota).count == 2 }, "the pager started its child")
        kill(tick.processIdentifier, SIGKILL)
        tick.waitUntilExit()
        let started = pids(rota)
        #expect(eventuallyBlocking(10) { !started.contains(where: processRuns) }, "the pager and its child died with the runner")
        _ = go(rota)
        #expect(!childLog(rota), "the child of a killed runner's pager delivered anyway")
    }

    @Test("rota serve goes on paging on time while one webhook trickles: every other page within 5 s of its due time")
    func servePagesPastATrickle() async throws {
        let rota = try RotaRunner(files: [:])
        let peer = try Peer("hostile_peer.py", record: rota.directory.appendingPathComponent("peer.jsonl").path)
        defer { peer.stop() }
        try twoPeopleRota(rota, annContact: "{webhook: \"http://127.0.0.1:\(peer.port)/trickle/T0\"}", settings: ", webhook_timeout: 15s, server: {public_url: \"http://127.0.0.1:1\", tick_every: 1s}",
                          extra: "integrations: [{id: scripts, kind: generic, service: web, token_env: ROTA_TOKEN_SCRIPTS}]")
        let server = try ServeProcess(rota)
        defer { server.stop(.kill) }
        let chat = try await server.request("POST", "/v1/alerts", body: #"{"service":"chat","summary":"chat down"}"#, token: "tok-scripts")
        #expect(chat.status == 202, "\(chat.body)")
        #expect(try await eventually(20) { peer.requests.contains { $0["mode"] as? String == "trickle" } }, "a delivery is stuck on the trickling peer")
        // For 30 s, an alert on another service every 3 s: each is paged within 5 s of arriving
        // (its level 1 is due at once), while the trickle is cut and retried.
        var raised: [Double] = []
        for n in 0..<10 {
            let sent = Date().timeIntervalSince1970
            let web = try await server.request("POST", "/v1/alerts", body: #"{"service":"web","summary":"web \#(n)","dedup_key":"w\#(n)"}"#,
                                               token: "tok-scripts")
            #expect(web.status == 202, "\(web.body)")
            raised.append(sent)
            #expect(try await eventually(10) { bobPages(rota).count == n + 1 }, "web \(n) was paged")
            try await Task.sleep(for: .seconds(3))
        }
        let pages = bobPages(rota)
        #expect(pages.count == 10)
        for (sent, page) in zip(raised, pages) {
            #expect(page.at - sent < 5, "a page went \(page.at - sent) s after its alert arrived")
        }
        let chatPages = try rota.run(["alert", "show", "1", "--json"]).json["pages"] as? [[String: Any]] ?? []
        let error = chatPages.first?["error"] as? String ?? ""
        #expect(error.contains("timed out"), "the trickle was cut at webhook_timeout meanwhile, to be retried: \(chatPages)")
        #expect(server.stop() == 0, "SIGTERM still ends rota serve")
    }
}
