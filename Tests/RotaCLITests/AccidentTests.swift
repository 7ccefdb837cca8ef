import Foundation
import Testing

/// One person, one contact list, one escalation and one service, in UTC.
func onePersonRota(_ contacts: String) -> String {
    """
    settings: {timezone: UTC}
    people: [{id: ann, contacts: [\(contacts)]}]
    escalations: [{id: e, levels: [{notify: [person:ann]}]}]
    services: [{id: web, escalation: e}]
    """
}

/// The escalation promise under the accidents operators cause: each test reproduces one item of
/// the issue "The escalation promise must survive everyday accidents" with the built binary.
@Suite("Everyday accidents: the promise holds")
struct AccidentTests {
    /// PagedRota's chain cut after its first level, as a save cut short would leave it.
    static let cutChain = """
        escalations:
          - id: chain
            levels:
              - {notify: [schedule:days], escalate_after: 10m}
        """

    @Test("a rota file emptied for one tick neither stops the alert nor is taken as 'no definitions'")
    func emptiedFile() throws {
        let team = try PagedRota()
        let text = try String(contentsOfFile: team.rota.rotas + "/team.yaml", encoding: .utf8)
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        try team.run(["tick"], at: "2026-03-03T09:01:00Z")
        try "".write(toFile: team.rota.rotas + "/team.yaml", atomically: false, encoding: .utf8)
        let validate = try team.rota.run(["validate"])
        #expect(validate.status == 65)
        #expect(validate.stderr.contains("empty"))
        let tick = try team.run(["tick"], at: "2026-03-03T09:11:00Z")
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(team.delivered().contains("lead 1.2"), "level 2 paged from the last valid revision")
        try text.write(toFile: team.rota.rotas + "/team.yaml", atomically: true, encoding: .utf8)
        try team.cron(from: "2026-03-03T09:12:00Z", minutes: 10)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "ceo 1.3"])
    }

    @Test("an escalation cut short mid-incident keeps climbing by the levels it had, loudly")
    func cutShortEscalation() throws {
        let team = try PagedRota()
        let path = team.rota.rotas + "/team.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        try text.replacingOccurrences(of: PagedRota.chain, with: Self.cutChain).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try team.rota.run(["validate"]).status == 0, "the cut file is valid YAML")
        try team.cron(from: "2026-03-03T09:01:00Z", minutes: 25)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "ceo 1.3"])
        let show = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:26:00Z")
        let events = (show.json["log"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
        #expect(events.contains("definition.kept"))
        let status = try team.run(["status"], at: "2026-03-03T09:26:00Z")
        #expect(status.status == 1)
        #expect(status.stdout.contains("alert #1"))
        let check = try team.run(["check", "--json", "--days", "1"], at: "2026-03-03T09:26:00Z")
        let kinds = (check.json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds.contains("alert_on_kept_definition"))
    }

    @Test("a person cut from the files is still paged through the contacts they had")
    func vanishedPerson() throws {
        let team = try PagedRota()
        let path = team.rota.rotas + "/team.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        // The CEO's line and level go (an edit mid-incident); levels 1 and 2 stay.
        let edited = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("id: ceo") && !$0.contains("person:ceo") }
            .joined(separator: "\n")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try team.rota.run(["validate"]).status == 0)
        try team.cron(from: "2026-03-03T09:01:00Z", minutes: 25)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2", "ceo 1.3"])
    }

    @Test("a rota file that is a dangling symbolic link is an error, not a silent skip")
    func danglingLink() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        try FileManager.default.createSymbolicLink(atPath: rota.rotas + "/b.yaml", withDestinationPath: rota.rotas + "/gone.yaml")
        let result = try rota.run(["validate"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("b.yaml"))
        #expect(result.stderr.contains("leads nowhere"))
    }

    @Test("a closed pipe, a full disk and an unwritable stderr end output cleanly; paging goes on")
    func closedPipesAndFullDisks() throws {
        let rota = try RotaRunner(files: ["a.yaml": """
            settings: {timezone: UTC}
            people: [{id: ann}, {id: bob}]
            schedules:
              - id: hourly
                layers: [{members: [ann, bob], start: 2026-01-01T00:00, shift: 1h}]
            """])
        let piped = try rota.shell(#""$ROTA" shifts --days 3660 --from 2026-01-01 2>err.txt | head -1 >/dev/null; echo "${PIPESTATUS[0]}""#)
        #expect(piped.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let errors = try String(contentsOfFile: rota.directory.path + "/err.txt", encoding: .utf8)
        #expect(errors.isEmpty, "no crash, no backtrace: \(errors)")
        for format in ["ical", "csv", "table"] {
            let cut = try rota.shell(#""$ROTA" shifts --days 3660 --from 2026-01-01 --format "# + format + #" 2>&1 | head -c 100 >/dev/null; echo "${PIPESTATUS[0]}""#)
            #expect(cut.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "--format \(format)")
        }
        let full = try rota.shell(#""$ROTA" now > /dev/full"#)
        #expect(full.status == 74)
        #expect(full.stderr.contains("cannot write the output"))

        let team = try PagedRota()
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        try team.rota.write("zz-half.yaml", "people: [\n")
        let tick = try team.rota.shell(#""$ROTA" tick --now 2026-03-03T09:11:00Z 2>/dev/full"#)
        #expect(tick.status == 0)
        #expect(team.delivered() == ["bob 1.1", "lead 1.2"], "warnings on a full stderr do not stop the tick")
    }

    @Test("years outside 1970–9999 and windows over 3660 days are refused as bad usage", arguments: [
        ["shifts", "--from", "0000-01-01"], ["shifts", "--from", "1582-10-10"], ["now", "--at", "1969-12-31T23:00:00Z"],
        ["shifts", "--from", "2026-01-01", "--to", "9999-12-31", "--format", "ical"],
        ["report", "hours", "--from", "2026-01-01", "--to", "2099-01-01"], ["now", "--tz", "Etc/GMT+1"],
    ])
    func refusedTimes(arguments: [String]) throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        let result = try rota.run(arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test("a preview with a future --now records nothing, so the next edit takes effect at once")
    func futurePreview() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        try rota.run(["now", "--now", "2030-06-01T12:00:00Z"])
        try rota.run(["shifts", "--days", "1", "--now", "2030-06-01T12:00:00Z"])
        let edited = officeRota.replacingOccurrences(of: "members: [bob, ann]", with: "members: [ann, bob]")
        try rota.write("a.yaml", edited)
        // The edit is seen on the system clock and answers from now, not from 2030.
        let now = try rota.run(["now", "--schedule", "always", "--json"])
        let fresh = try RotaRunner(files: ["a.yaml": edited]).run(["now", "--schedule", "always", "--json"])
        let person = { (result: RotaRunner.Result) in (result.json["schedules"] as? [[String: Any]])?.first?["person"] as? String }
        #expect(person(now) != nil)
        #expect(person(now) == person(fresh))
        // The runner on the system clock records the files in force from now (read-only commands record nothing).
        try rota.run(["tick"])
        let events = (try rota.run(["log", "--json"]).json["events"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "revision" }
        #expect(events.count == 1)
        let detail = events.first?["detail"] as? String ?? ""
        #expect(detail.contains("in force from 20") && !detail.contains("2030"), "\(detail)")
    }

    @Test("tick --dry-run prints what would be paged and changes nothing")
    func dryRun() throws {
        let team = try PagedRota()
        try team.run(["alert", "raise", "--service", "web", "--summary", "down"], at: "2026-03-03T09:00:00Z")
        let before = try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:00:30Z").stdout
        let dry = try team.run(["tick", "--dry-run", "--json"], at: "2026-03-03T09:25:00Z")
        #expect(dry.status == 0, "\(dry.stderr)")
        let pages = dry.json["pages"] as? [[String: Any]] ?? []
        #expect(pages.compactMap { $0["person"] as? String } == ["lead", "ceo"])
        #expect(pages.allSatisfy { $0["status"] as? String == "would_send" })
        #expect(team.delivered() == ["bob 1.1"])
        #expect(try team.run(["alert", "show", "1", "--json"], at: "2026-03-03T09:00:30Z").stdout == before)
        #expect(try team.run(["status", "--json"], at: "2026-03-03T09:00:30Z").json["last_tick"] is NSNull)
    }

    @Test("a tick with a future --now leaves status failing, saying why, instead of hiding a dead cron")
    func futureTickIsStale() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        try rota.run(["tick", "--now", "2030-01-01T00:00:00Z"])
        let status = try rota.run(["status"])
        #expect(status.status == 1)
        #expect(status.stdout.contains("in the future"))
        try rota.run(["tick"])
        #expect(try rota.run(["status"]).status == 0, "a real tick replaces the future mark")
    }

    /// A rota whose one person is paged through a webhook on a loopback peer, its valid files seen once.
    private func webhookRotaSeen(path: String) throws -> (RotaRunner, Peer, String) {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
        let text = onePersonRota("{webhook: \"http://127.0.0.1:\(server.port)\(path)\"}")
        try rota.write("r.yaml", text)
        try rota.run(["tick", "--now", "2026-03-03T08:00:00Z"])
        return (rota, server, text)
    }

    @Test("with half-edited files and no address book, a webhook page fails visibly and is never posted to a reduced address")
    func webhookNeverToReducedAddress() throws {
        let (rota, server, text) = try webhookRotaSeen(path: "/ok/T0/secret-token")
        defer { server.stop() }
        try FileManager.default.removeItem(atPath: rota.database + ".addresses")
        try rota.write("r.yaml", text + "\nbroken: [\n")
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect(raised.status == 0)
        #expect(raised.stderr.contains("not known"))
        #expect(server.requests.isEmpty, "nothing posted anywhere")
        try rota.write("r.yaml", text)
        let tick = try rota.run(["tick", "--now", "2026-03-03T09:05:00Z"])
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(server.requests.map { $0["path"] as? String } == ["/ok/T0/secret-token"])
    }

    @Test("--db through a symbolic link finds the address book by the database's real path")
    func databaseThroughLink() throws {
        let (rota, server, text) = try webhookRotaSeen(path: "/ok/linked")
        defer { server.stop() }
        let link = rota.directory.appendingPathComponent("link.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: rota.database)
        try rota.write("r.yaml", text + "\nbroken: [\n")
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"],
                                  environment: ["ROTA_DB": link])
        #expect(raised.status == 0, "\(raised.stderr)")
        #expect(server.requests.map { $0["path"] as? String } == ["/ok/linked"])
    }

    @Test("pages name their contact by kind and address: reordering changes nothing, a removed one fails for good")
    func contactIdentity() throws {
        let rota = try RotaRunner(files: [:])
        let dir = rota.directory.path
        for name in ["a", "b", "c"] {
            try "#!/bin/sh\necho \"\(name) $ROTA_PAGE_ID\" >> \(dir)/pages.log\n".write(toFile: "\(dir)/\(name).sh", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/\(name).sh")
        }
        let file = onePersonRota
        func pages() -> [String] {
            ((try? String(contentsOfFile: "\(dir)/pages.log", encoding: .utf8)) ?? "").split(separator: "\n").map { String($0.prefix(1)) }
        }
        try rota.write("r.yaml", file("{command: [\"\(dir)/a.sh\"]}, {command: [\"\(dir)/b.sh\"], after: 10m}"))
        try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect(pages() == ["a"])
        try rota.write("r.yaml", file("{command: [\"\(dir)/c.sh\"]}, {command: [\"\(dir)/b.sh\"], after: 10m}, {command: [\"\(dir)/a.sh\"]}"))
        try rota.run(["tick", "--now", "2026-03-03T09:11:00Z"])
        #expect(pages() == ["a", "b"], "b went out through b, after its own 10 minutes; c was not paged for a level already due")

        try rota.write("r.yaml", file("{command: [\"\(dir)/a.sh\"]}, {command: [\"\(dir)/b.sh\"], after: 10m}"))
        try rota.run(["alert", "raise", "--service", "web", "--summary", "y", "--now", "2026-03-03T10:00:00Z"])
        try rota.write("r.yaml", file("{command: [\"\(dir)/a.sh\"]}"))
        let tick = try rota.run(["tick", "--now", "2026-03-03T10:11:00Z"])
        #expect(tick.status == 75)
        #expect(tick.stderr.contains("no longer in the rota files"))
        #expect(tick.stderr.contains("for good"))
        #expect(pages() == ["a", "b", "a"])
        let status = try rota.run(["status", "--now", "2026-03-03T10:11:30Z"])
        #expect(status.status == 1)
        #expect(status.stdout.contains("failed for good"))
    }

    @Test("runbooks and rota files behind symbolic links cannot lead out of the rotas directory or be echoed")
    func symlinksOut() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota + "\n"])
        try rota.write("b.yaml", "services: [{id: other, escalation: main, runbook: guides/x.md}]\n")
        try FileManager.default.createDirectory(atPath: rota.rotas + "/guides", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: rota.rotas + "/guides/x.md", withDestinationPath: "/etc/hostname")
        let runbook = try rota.run(["validate"])
        #expect(runbook.status == 65)
        #expect(runbook.stderr.contains("outside the rotas directory"))

        let other = try RotaRunner(files: ["a.yaml": officeRota])
        try FileManager.default.createSymbolicLink(atPath: other.rotas + "/z.yaml", withDestinationPath: "/etc/passwd")
        let echoed = try other.run(["validate"])
        #expect(echoed.status == 65)
        #expect(!echoed.stderr.contains("/bin/bash"), "no line of the linked file is echoed whole")
    }

    @Test("every raise on the system clock pages level 1 at once")
    func raisesOnTheSystemClock() throws {
        let team = try PagedRota(schedules: """
            schedules:
              - id: days
                layers:
                  - {members: [ann, bob], start: 2026-03-02T09:00, shift: 1d}
            """)
        for index in 1...20 {
            let raised = try team.rota.run(["alert", "raise", "--service", "web", "--summary", "storm \(index)"])
            #expect(raised.status == 0, "\(raised.stderr)")
            #expect(team.delivered().count == index, "raise \(index) paged at once")
        }
    }

    @Test("pages due at different instants go out together: one slow pager holds up no other")
    func concurrentDeliveries() throws {
        let rota = try RotaRunner(files: [:])
        let dir = rota.directory.path
        try "#!/bin/sh\ndate +%s.%N >> \(dir)/starts.log\nsleep 2\n".write(toFile: "\(dir)/slow.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/slow.sh")
        try rota.write("r.yaml", onePersonRota("""
            {command: ["\(dir)/slow.sh"], after: 5m}
            """))
        for second in 0..<6 {
            try rota.run(["alert", "raise", "--service", "web", "--summary", "s\(second)", "--now", "2026-03-03T09:00:0\(second)Z"])
        }
        let tick = try rota.run(["tick", "--json", "--now", "2026-03-03T09:10:00Z"])
        #expect((tick.json["pages"] as? [Any])?.count == 6)
        let starts = try String(contentsOfFile: "\(dir)/starts.log", encoding: .utf8).split(separator: "\n").compactMap { Double($0) }
        #expect(starts.count == 6)
        #expect((starts.max() ?? 0) - (starts.min() ?? 0) < 1.5, "all six started together, not one after another")
    }

    /// A rota whose pager announces itself, sleeps, then records that it finished.
    private func slowPagerRota(seconds: Int) throws -> RotaRunner {
        let rota = try RotaRunner(files: [:])
        let dir = rota.directory.path
        try "#!/bin/sh\necho $$ >> \(dir)/pager.pids\necho start >> \(dir)/pager.log\nsleep \(seconds)\necho done >> \(dir)/pager.log\n"
            .write(toFile: "\(dir)/slow.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/slow.sh")
        try rota.write("r.yaml", onePersonRota("""
            {command: ["\(dir)/slow.sh"], after: 1m}
            """))
        try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        return rota
    }

    private func waitForPagerStart(_ rota: RotaRunner, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(eventuallyBlocking(30) { FileManager.default.fileExists(atPath: rota.directory.path + "/pager.log") },
                "the pager started", sourceLocation: sourceLocation)
    }

    @Test("a tick killed with SIGKILL mid-delivery takes its pager with it")
    func sigkillTakesPagers() throws {
        let rota = try slowPagerRota(seconds: 2)
        let tick = rota.process(["tick", "--now", "2026-03-03T09:02:00Z"])
        try tick.run()
        waitForPagerStart(rota)
        kill(tick.processIdentifier, SIGKILL)
        tick.waitUntilExit()
        #expect(pagersEnded(listedIn: rota.directory.path + "/pager.pids"), "the pager ended with the runner")
        let log = try String(contentsOfFile: rota.directory.path + "/pager.log", encoding: .utf8)
        #expect(log == "start\n", "the pager died with the runner: \(log)")
        // The page was claimed, not lost: after its lease another tick delivers it.
        try rota.run(["tick", "--now", "2026-03-03T09:10:00Z"])
        let after = try String(contentsOfFile: rota.directory.path + "/pager.log", encoding: .utf8)
        #expect(after == "start\nstart\ndone\n")
    }

    @Test("SIGTERM mid-delivery lets the delivery finish, records it, and exits 0")
    func sigtermFinishes() throws {
        let rota = try slowPagerRota(seconds: 1)
        let tick = rota.process(["tick", "--now", "2026-03-03T09:02:00Z"])
        try tick.run()
        waitForPagerStart(rota)
        kill(tick.processIdentifier, SIGTERM)
        tick.waitUntilExit()
        #expect(tick.terminationReason == .exit && tick.terminationStatus == 0)
        #expect(try String(contentsOfFile: rota.directory.path + "/pager.log", encoding: .utf8) == "start\ndone\n")
        let show = try rota.run(["alert", "show", "1", "--json", "--now", "2026-03-03T09:03:00Z"])
        #expect((show.json["pages"] as? [[String: Any]])?.first?["status"] as? String == "sent")
        try rota.run(["tick", "--now", "2026-03-03T09:20:00Z"])
        #expect(try String(contentsOfFile: rota.directory.path + "/pager.log", encoding: .utf8) == "start\ndone\n", "not delivered twice")
    }

    @Test("twenty raises at once on a new database: every alert stored, none fails")
    func concurrentFirstUse() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        let processes = (0..<20).map { index in
            rota.process(["alert", "raise", "--service", "web", "--summary", "s\(index)", "--now", "2026-03-03T09:00:00Z"])
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let list = try rota.run(["alert", "list", "--json", "--now", "2026-03-03T09:01:00Z"])
        #expect((list.json["alerts"] as? [Any])?.count == 20)
    }

    @Test("the first ticks of cron on several hosts at once, without the runner lock, on a new database: none fails to switch it to WAL (five new databases)")
    func concurrentFirstTicks() async throws {
        for round in 0..<5 {
            let rota = try RotaRunner(files: ["a.yaml": officeRota])
            try await withThrowingTaskGroup(of: RotaRunner.Result.self) { group in
                for _ in 0..<8 {
                    group.addTask { try rota.run(["tick", "--now", "2026-03-03T09:00:00Z"], environment: ["ROTA_TICK_LOCK": "off"]) }
                }
                for try await result in group { #expect(result.status == 0, "round \(round): \(result.stderr)") }
            }
            #expect(try rota.run(["status", "--json", "--now", "2026-03-03T09:00:30Z"]).json["last_tick"] as? String == "2026-03-03T09:00:00Z")
        }
    }

    @Test("a webhook secret file behind a symbolic link (a Kubernetes secret) is judged by its target and signs")
    func linkedSecretFile() throws {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path,
                              environment: ["SECRETS": "s3cret"])
        defer { server.stop() }
        let secret = rota.directory.appendingPathComponent("secret-data").path
        try "s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        try FileManager.default.createSymbolicLink(atPath: rota.directory.appendingPathComponent("secret").path, withDestinationPath: secret)
        try rota.write("r.yaml", """
            settings: {timezone: UTC, webhook_secret_file: \(rota.directory.appendingPathComponent("secret").path)}
            people: [{id: ann, contacts: [{webhook: "http://127.0.0.1:\(server.port)/ok/x"}]}]
            escalations: [{id: e, levels: [{notify: [person:ann]}]}]
            services: [{id: web, escalation: e}]
            """)
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect(!raised.stderr.contains("chmod"), "\(raised.stderr)")
        #expect(server.requests.first?["valid"] as? [Bool] == [true])
    }

    @Test("no webhook token reaches the database, however the URL is spelled or commented out")
    func tokensStayOutOfTheDatabase() throws {
        let rota = try RotaRunner(files: ["r.yaml": #"""
            settings: {timezone: UTC}
            people:
              - id: ann
                contacts:
                  - webhook: "https://chat.example.com/hooks/\x54OKENESCAPED1"
                  - webhook: "https://chat.example.com/hooks/TOKENCONT\
                      INUED2"
                  # - webhook: https://chat.example.com/hooks/TOKENCOMMENTED3
                  - webhook: https://chat.example.com/hooks/TOKENPLAIN4/extra
            escalations: [{id: e, levels: [{notify: [person:ann]}]}]
            services: [{id: web, escalation: e}]
            """#])
        let now = try rota.run(["now", "--now", "2026-03-03T08:00:00Z"])
        #expect(now.status == 0, "\(now.stderr)")
        var bytes = Data()
        for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: rota.database + suffix) ?? Data() }
        let text = String(decoding: bytes, as: UTF8.self)
        for token in ["TOKENESCAPED1", "TOKENCONTINUED2", "TOKENCONT", "TOKENCOMMENTED3", "TOKENPLAIN4"] {
            #expect(!text.contains(token), "\(token) is in the database")
        }
    }

    @Test("terminal escapes in alert text never reach the terminal raw")
    func terminalInjection() throws {
        let team = try PagedRota()
        let hostile = "ok\u{1B}]0;pwned\u{07}\u{1B}[2J\r\u{8}\u{202E}evil"
        let raised = try team.rota.run(["alert", "raise", "--service", "web", "--summary", hostile, "--details", hostile,
                                        "--now", "2026-03-03T09:00:00Z"])
        #expect(raised.status == 0)
        for arguments in [["alert", "list"], ["alert", "show", "1"], ["log"]] {
            let result = try team.run(arguments, at: "2026-03-03T09:01:00Z")
            for bad in ["\u{1B}", "\r", "\u{8}", "\u{7}", "\u{202E}"] {
                #expect(!result.stdout.contains(bad), "\(arguments) printed \(bad.unicodeScalars.first!.value)")
            }
            #expect(result.stdout.contains("\\u{1b}"), "shown escaped instead")
        }
    }

    @Test("a missing TMPDIR stops no page")
    func missingTemporaryDirectory() throws {
        let team = try PagedRota()
        let raised = try team.rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"],
                                       environment: ["TMPDIR": "/nonexistent/tmp"])
        #expect(raised.status == 0, "\(raised.stderr)")
        #expect(team.delivered() == ["bob 1.1"])
    }

    @Test("a webhook redirect is not followed: the page fails, saying where it points")
    func webhookRedirect() throws {
        let rota = try RotaRunner(files: [:])
        let server = try Peer("webhook_server.py", record: rota.directory.appendingPathComponent("requests.jsonl").path)
        defer { server.stop() }
        try rota.write("r.yaml", onePersonRota("""
            {webhook: "http://127.0.0.1:\(server.port)/redirect"}
            """))
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"])
        #expect(raised.stderr.contains("redirect"))
        #expect(!raised.stderr.contains("elsewhere-token"))
        #expect(server.requests.map { $0["path"] as? String } == ["/redirect"])
        let show = try rota.run(["alert", "show", "1", "--json", "--now", "2026-03-03T09:01:00Z"])
        #expect((show.json["pages"] as? [[String: Any]])?.first?["status"] as? String == "failed")
    }

    @Test("the shift-start notice gives the whole shift, not one cut at the notice horizon")
    func shiftNoticeEnd() throws {
        let team = try PagedRota(schedules: """
            schedules:
              - id: days
                layers:
                  - {members: [ann, bob], start: 2026-03-02T08:00, shift: 1d, restrict: [{days: daily, from: "08:00", to: "18:00"}]}
            """, settings: ", shift_notices: {before: 1h}")
        let tick = try team.run(["tick"], at: "2026-03-03T06:10:00Z")
        #expect(tick.status == 0, "\(tick.stderr)")
        let notice = try String(contentsOfFile: team.rota.directory.path + "/last-page.txt", encoding: .utf8)
        #expect(notice.contains("18:00"), "\(notice)")
    }

    @Test("minor accidents get the right answer", arguments: [
        (["override", "list", "--schedule", "nope"], Int32(69), "nope"),
        (["leave", "list", "--person", "nobody"], Int32(69), "nobody"),
    ])
    func unknownFilterNames(arguments: [String], status: Int32, text: String) throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        let result = try rota.run(arguments)
        #expect(result.status == status)
        #expect(result.stderr.contains(text))
    }

    @Test("--rotas naming a file says it is not a directory")
    func rotasIsAFile() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        let result = try rota.run(["validate", "--rotas", rota.rotas + "/a.yaml"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("not a directory"))
    }

    @Test("a database from a newer rota is refused with 74")
    func newerDatabase() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        try rota.run(["now"])
        let sqlite = try rota.shell("""
            python3 - "$ROTA_DB" <<'EOF'
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("INSERT INTO grdb_migrations VALUES ('v99-future')")
            db.commit()
            EOF
            """)
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        let result = try rota.run(["now"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("newer rota"))
    }

    @Test("a raise whose alert is written but whose paging then fails exits 0, says so, and the next tick pages it")
    func raiseRecordedThenStoreFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rota-deferred-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "#!/bin/sh\necho \"$ROTA_ALERT_ID\" >> \(dir)/pages.log\n".write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
        chmod("\(dir)/pager.sh", 0o755)
        let rota = try RotaRunner(files: ["r.yaml": onePersonRota("{command: [\"\(dir)/pager.sh\"]}")])
        func paged() -> [String] { ((try? String(contentsOfFile: "\(dir)/pages.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        // Positive control: a raise pages at once.
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "first"]).status == 0)
        #expect(paged() == ["1"])
        // The store refuses every page from now on, as a database moved or cut after the alert's commit would.
        func sql(_ statement: String) throws {
            let result = try rota.shell("python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()' \"$ROTA_DB\" \"\(statement)\"")
            #expect(result.status == 0, "\(result.stderr)")
        }
        try sql("CREATE TRIGGER refuse_pages BEFORE INSERT ON page BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;")
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "second", "--json"])
        #expect(raised.status == 0, "the alert is recorded: a caller must not raise it again. \(raised.stderr)")
        #expect(raised.json["id"] as? Int == 2)
        #expect(raised.stderr.contains("alert #2 is recorded, but paging it now failed") && raised.stderr.contains("next 'rota tick' pages it"),
                "\(raised.stderr)")
        #expect(paged() == ["1"])
        try sql("DROP TRIGGER refuse_pages;")
        #expect(try rota.run(["tick"]).status == 0)
        #expect(paged() == ["1", "2"], "the next tick pages what the raise could not")
    }

    @Test("pagers and sendmail never inherit rota's secrets, whatever the files name their variables; other variables pass")
    func environmentScrubbed() throws {
        let team = try PagedRota(settings: """
            , webhook_secret_env: HOOK_KEY, server: {secret_env: LEAD_KEY},
              gateways: {slack: {bot_token_env: CHAT_BOT, signing_secret_env: CHAT_SIGN},
                         twilio: {account_sid_env: PHONE_SID, auth_token_env: PHONE_TOKEN, from: "+33100000000"}}
            """)
        try team.rota.write("doors.yaml", """
            integrations: [{id: monitor, kind: generic, service: web, token_env: MONITOR_TOKEN}]
            heartbeats: [{id: backup, service: web, every: 24h, token_env: BACKUP_TOKEN}]
            """)
        let dir = team.rota.directory.path
        try "#!/bin/sh\nenv > \(dir)/env.txt\n".write(toFile: "\(dir)/env.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/env.sh")
        let path = team.rota.rotas + "/team.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "- {id: bob, contacts: [{command: [\"\(dir)/pager.sh\"]}]}", with: "- {id: bob, contacts: [{command: [\"\(dir)/env.sh\"]}]}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try team.rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-03-03T09:00:00Z"],
                          environment: ["ROTA_WEBHOOK_SECRET": "topsecret", "ROTA_WEBHOOK_SECRET_PREVIOUS": "oldsecret",
                                        "HOOK_KEY": "secret-hook", "HOOK_KEY_PREVIOUS": "secret-hook-before", "LEAD_KEY": "secret-lead-0123456789",
                                        "CHAT_BOT": "secret-bot", "CHAT_SIGN": "secret-sign", "PHONE_SID": "secret-sid", "PHONE_TOKEN": "secret-phone",
                                        "MONITOR_TOKEN": "secret-monitor", "BACKUP_TOKEN": "secret-backup", "PLAIN_VARIABLE": "plain-visible"])
        let environment = try String(contentsOfFile: "\(dir)/env.txt", encoding: .utf8)
        #expect(!environment.contains("topsecret"))
        #expect(!environment.contains("oldsecret"))
        #expect(!environment.contains("secret-"), "a variable holding a secret reached the pager: \(environment.split(separator: "\n").filter { $0.contains("secret-") })")
        // The positive controls: the page's own variables and an unrelated one reach the pager.
        #expect(environment.contains("ROTA_PAGE_ID="))
        #expect(environment.contains("PLAIN_VARIABLE=plain-visible"))
    }

    @Test("bad text in arguments and files is refused, not silently changed")
    func badText() throws {
        let rota = try RotaRunner(files: ["a.yaml": officeRota])
        let invalid = try rota.shell(#""$ROTA" alert raise --service web --summary "$(printf 'bad\xff')" --now 2026-03-03T09:00:00Z"#)
        #expect(invalid.status == 64)
        #expect(invalid.stderr.contains("UTF-8"))
        try rota.write("b.yaml", #"services: [{id: x, escalation: main}]"# + "\npeople: [{id: z, contacts: [{command: [\"/bin/echo\", \"a\\0b\"]}]}]\n")
        let nul = try rota.run(["validate"])
        #expect(nul.status == 65)
        #expect(nul.stderr.contains("NUL"))
    }

    @Test("rota next gives the whole of a shift longer than two weeks")
    func longShiftNext() throws {
        let rota = try RotaRunner(files: ["a.yaml": """
            settings: {timezone: UTC}
            people: [{id: ann, login: ann}, {id: bob}]
            schedules:
              - id: long
                layers: [{members: [ann, bob], start: 2026-03-01T00:00, shift: 4w}]
            """])
        let next = try rota.run(["next", "--person", "ann", "--json", "--now", "2026-03-02T00:00:00Z"])
        #expect(next.json["end"] as? String == "2026-03-29T00:00:00Z")
    }
}
