import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RotaTestSupport
import Testing

/// The seed's storm, replayed on the example communications rotas (DESIGN §10): 300 complaints
/// in 20 minutes on a Sunday, the surge at 20 in 10 minutes, one tick a minute, nobody answering
/// for 90 minutes, then one acknowledgement from the link in a page, as from a phone. The crisis
/// tests (CrisisTests) replay a shorter one on the same rotas.
struct Storm {
    let hosts: [RotaRunner]
    let log: String
    /// Every email, one file each (senders run at once): `TO address`, then the message.
    let mail: String
    /// Sunday 6 December 2026, 11:00 in Paris.
    static let start = ISO8601DateFormatter().date(from: "2026-12-06T10:00:00Z")!

    /// The example rotas with their pager and mailer swapped for recorders, and a public URL for links.
    init(database: String? = nil, hosts count: Int = 1, environment: [String: String] = [:]) throws {
        let first = try RotaRunner(files: [:], database: database)
        let directory = first.directory.path
        log = directory + "/pages.log"
        mail = directory + "/mail"
        try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: true)
        try """
            #!/bin/sh
            echo "$ROTA_PERSON $ROTA_ALERT_ID $ROTA_ROUND $ROTA_LEVEL $ROTA_ALERT_COUNT $ROTA_NOTICE" >> "\(log)"
            cat > "\(directory)/last-page-$2.txt"
            """.write(toFile: directory + "/page", atomically: true, encoding: .utf8)
        try """
            #!/bin/sh
            f="\(directory)/mail/$$.$(date +%s%N)"
            { echo "TO $*"; cat; } > "$f.tmp" && mv "$f.tmp" "$f.eml"
            """.write(toFile: directory + "/sendmail", atomically: true, encoding: .utf8)
        for tool in ["page", "sendmail"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/" + tool)
        }
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("rotas")
        var runners = [first]
        for _ in 1..<count { runners.append(try RotaRunner(files: [:], database: first.database)) }
        for index in runners.indices {
            runners[index].baseEnvironment = environment.merging(["ROTA_SERVER_SECRET": ServeProcess.secret, "ROTA_HOST": "host\(index)",
                                                        "XDG_STATE_HOME": runners[index].directory.appendingPathComponent("state").path]) { $1 }
            let host = runners[index]
            for name in ["00-settings.yaml", "communications.yaml"] {
                var text = try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
                text = text.replacingOccurrences(of: "/usr/local/bin/page", with: directory + "/page")
                    .replacingOccurrences(of: #"["/usr/sbin/sendmail", "-oi", "--"]"#, with: #"[""# + directory + #"/sendmail"]"#)
                if name == "00-settings.yaml" {
                    text = text.replacingOccurrences(of: "settings:\n", with: "settings:\n  server: {public_url: \"http://phone.example\", tick_every: 0}\n")
                }
                try host.write(name, text)
            }
            try FileManager.default.createDirectory(atPath: host.rotas + "/guides", withIntermediateDirectories: true)
            try "# Social media storm\n".write(toFile: host.rotas + "/guides/social-media.md", atomically: true, encoding: .utf8)
        }
        hosts = runners
    }

    static func at(_ seconds: Int) -> String { ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(seconds))) }

    /// Pages (not notices) as "person incident round.level", in delivery order.
    var pages: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 5 else { return nil }  // a notice has ROTA_NOTICE
            return "\(parts[0]) \(parts[1]) \(parts[2]).\(parts[3])"
        }
    }

    /// Notices (not pages) delivered through command contacts, as "person kind", in delivery order.
    var notices: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? "\(parts[0]) \(parts[1])" : nil
        }
    }

    /// The emails sent to `address`, each as its whole text.
    func mails(to address: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: mail)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
            .compactMap { try? String(contentsOfFile: mail + "/" + $0, encoding: .utf8) }.filter { $0.hasPrefix("TO \(address)\n") }
    }

    /// Replays 90 minutes: 300 complaints, one every 4 s for 20 minutes, alternating between the
    /// two services (and the hosts); at every minute each host ticks, concurrently (`ticks` times each).
    func replay(complaints: Int = 300, minutes: ClosedRange<Int> = 1...90, ticks: Int = 1) async throws {
        var next = 0
        for minute in minutes {
            while next < complaints, next * 4 < minute * 60 {
                let host = hosts[next % hosts.count]
                let service = next % 2 == 0 ? "twitter-mentions" : "facebook-comments"
                let raised = try host.run(["alert", "raise", "--service", service, "--summary", "complaint \(next + 1) about the recall",
                                           "--now", Self.at(next * 4)])
                #expect(raised.status == 0, "raise \(next + 1): \(raised.stderr)")
                next += 1
            }
            try await tick(minute: minute, times: ticks)
        }
    }

    /// Every host ticks at `minute`, all at once (`times` processes each).
    func tick(minute: Int, times: Int = 1) async throws {
        try await withThrowingTaskGroup(of: (Int32, String).self) { group in
            for host in hosts {
                for _ in 0..<times {
                    group.addTask { let run = try host.run(["tick", "--now", Self.at(minute * 60)]); return (run.status, run.stderr) }
                }
            }
            for try await (status, stderr) in group { #expect(status == 0, "tick at minute \(minute): \(stderr)") }
        }
    }

    /// The storm's expectations, then one acknowledgement from the link in the CEO's page.
    func check() async throws {
        let pages = self.pages
        let ceo = pages.filter { $0.hasPrefix("ceo ") }, head = pages.filter { $0.hasPrefix("head-of-comms ") }
        #expect(ceo.count == 1 && head.count == 1, "the executives get one page each, not one per complaint: \(ceo) \(head)")
        #expect(!pages.contains { $0.hasPrefix("cm-lead ") }, "the complaint chain's second level is never paged: \(pages.filter { $0.hasPrefix("cm-lead") })")
        let desk = pages.filter { !$0.hasPrefix("ceo ") && !$0.hasPrefix("head-of-comms ") }
        #expect((1...19).contains(desk.count), "the desk gets at most the complaints before the surge: \(desk.count)")
        let list = try hosts[0].run(["incident", "list", "--json"], environment: ["ROTA_NOW": Self.at(90 * 60)])
        let incidents = list.json["incidents"] as? [[String: Any]] ?? []
        #expect(incidents.count == 1, "the storm is one open incident: \(list.stdout)")
        let crisis = try #require(incidents.first)
        #expect(crisis["service"] as? String == "crisis" && crisis["alerts"] as? Int == 301, "all 300 complaints and the surge's alert: \(crisis)")
        let id = try #require(crisis["id"] as? Int)
        let shown = try hosts[0].run(["incident", "show", String(id), "--json"], environment: ["ROTA_NOW": Self.at(90 * 60)])
        #expect((shown.json["alert_ids"] as? [Int])?.count == 301)
        // The CEO answers from the link in the page, on a phone: through rota serve.
        let text = try String(contentsOfFile: hosts[0].directory.path + "/last-page-claire.txt", encoding: .utf8)
        let link = try #require(text.components(separatedBy: .whitespacesAndNewlines).first { $0.hasPrefix("http://phone.example/a/") })
        #expect(text.contains("Incident #\(id) on ") && text.contains("21 alerts.") && text.contains("Latest alerts:"),
                "the crisis page names the incident, the storm taken in before it paged, and its latest complaints: \(text)")
        let notices = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasSuffix(" merged") }
        #expect(!notices.isEmpty && notices.allSatisfy { !$0.hasPrefix("ceo") }, "those paged for absorbed complaints are told, once each: \(notices)")
        #expect(Set(notices).count == notices.count)
        let server = try ServeProcess(hosts[0], arguments: ["--now", Self.at(90 * 60 + 30)])
        defer { server.stop() }
        let answer = try await server.request("POST", String(link.dropFirst("http://phone.example".count)), body: "action=ack",
                                              contentType: "application/x-www-form-urlencoded")
        #expect(answer.status == 303 || answer.status == 200, "\(answer.status) \(answer.body)")
        server.stop()
        let after = try hosts[0].run(["incident", "show", String(id), "--json"], environment: ["ROTA_NOW": Self.at(91 * 60)])
        #expect(after.json["status"] as? String == "acknowledged" && after.json["acknowledged_by"] as? String == "ceo (link)")
        // Nothing is paged after the acknowledgement: 30 more minutes of ticks, more complaints joining.
        let before = self.pages.count
        for minute in 92...120 {
            if minute == 95 {
                let late = try hosts[0].run(["alert", "raise", "--service", "twitter-mentions", "--summary", "one more", "--json",
                                             "--now", Self.at(minute * 60)])
                #expect(late.json["incident"] as? Int == id, "a later complaint joins the acknowledged crisis: \(late.stdout)")
            }
            for host in hosts { #expect(try host.run(["tick", "--now", Self.at(minute * 60)]).status == 0) }
        }
        #expect(self.pages.count == before, "nothing paged after the acknowledgement: \(self.pages.suffix(self.pages.count - before))")
        // Positive control: the recorder did record pages, so silence above means nothing was paged.
        #expect(before > 2)
    }
}

@Suite("The seed's storm is one incident", .serialized)
struct StormTests {
    @Test("300 complaints on a Sunday: the executives get one page each, the complaint chain's second level none, one ack from a phone answers all")
    func sqlite() async throws {
        let storm = try Storm()
        try await storm.replay()
        try await storm.check()
    }

    @Test("the same storm on PostgreSQL with two runners ticking at once", .enabled(if: PostgresTestServer.available))
    func postgres() async throws {
        let storm = try Storm(database: try PostgresTestServer.freshDatabase(), hosts: 2, environment: PostgresTestServer.environment)
        try await storm.replay()
        try await storm.check()
    }
}
