import Foundation
import Testing

/// Ack links from every process (issue 22, DESIGN §13 and §16): the server secret in a file that
/// cron's `rota tick`, the CLI and `rota serve` all read, 0640 in a shared state directory's group.
@Suite("Ack links from cron's tick as from the server")
struct AckLinkTests {
    /// A rota whose public URL's secret is only in a file (the variable it names is never set).
    /// The state directory is shared (setgid, group-writable), as the README's deploy makes it.
    static func rotaWithSecretFile(mode: Int) throws -> (rota: RotaRunner, secret: String) {
        let rota = try RotaRunner(files: [:])
        let dir = rota.directory.path
        let state = (rota.database as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        #expect(chmod(state, 0o2770) == 0)
        let secret = "\(state)/server.secret"
        try "0123456789abcdef-from-a-file\n".write(toFile: secret, atomically: false, encoding: .utf8)
        #expect(chmod(secret, mode_t(mode)) == 0)
        try "#!/bin/sh\ncat >> \(dir)/pages.txt\necho >> \(dir)/pages.txt\n".write(toFile: "\(dir)/pager.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/pager.sh")
        try rota.write("r.yaml", """
            settings:
              timezone: UTC
              server:
                public_url: "http://127.0.0.1:1"
                secret_env: ROTA_TEST_UNSET_SECRET
                secret_file: \(secret)
                tick_every: 0
            people:
              - {id: ann, contacts: [{command: ["\(dir)/pager.sh"]}]}
              - {id: boss, contacts: [{command: ["\(dir)/pager.sh"]}]}
            escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}, {notify: [person:boss]}]}]
            services: [{id: web, escalation: e}]
            """)
        return (rota, secret)
    }

    static func pages(_ rota: RotaRunner) -> String {
        (try? String(contentsOfFile: rota.directory.path + "/pages.txt", encoding: .utf8)) ?? ""
    }

    static func links(_ text: String) -> [String] {
        text.matches(of: #/http://127\.0\.0\.1:1(/a/[A-Za-z0-9_.-]+)/#).map { String($0.output.1) }
    }

    @Test("a page sent by cron's rota tick carries an ack link that rota serve takes, from a 0640 secret file in the shared state directory")
    func tickSendsLinksServeAccepts() async throws {
        let (rota, _) = try Self.rotaWithSecretFile(mode: 0o640)
        #expect(try rota.run(["validate"]).status == 0)
        // Raised 11 minutes ago (its page to ann has a link), so cron's tick now pages level 2.
        let earlier = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-660))
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "disk full", "--json", "--now", earlier])
        #expect(raised.status == 0, "\(raised.stderr)")
        #expect(Self.links(Self.pages(rota)).count == 1, "the raise's own page to ann has a link: \(Self.pages(rota)) \(raised.stderr)")
        let tick = try rota.run(["tick"])
        #expect(tick.status == 0, "\(tick.stderr)")
        let links = Self.links(Self.pages(rota))
        #expect(links.count == 2, "the tick's page to boss carries a link: \(Self.pages(rota))")
        #expect(try rota.run(["status"]).stdout.contains("PROBLEM: settings.server") == false)
        // The server reads the same file (its environment has no secret): the tick's link acknowledges.
        let server = try ServeProcess(rota)
        defer { server.stop() }
        let path = try #require(links.last)
        let acked = try await server.request("POST", path, body: "action=ack", contentType: "application/x-www-form-urlencoded")
        #expect(acked.status == 200, "\(acked.body)")
        #expect(acked.body.contains("acknowledged by boss (link)"))
        #expect(try rota.run(["alert", "show", "1", "--json"]).json["status"] as? String == "acknowledged")
    }

    @Test("a secret file others can read, or 0640 outside a shared directory: validate names the public_url line, status says it, pages go without links")
    func unreadableSecretIsAnError() throws {
        let (rota, secret) = try Self.rotaWithSecretFile(mode: 0o644)
        let validate = try rota.run(["validate"])
        #expect(validate.status == 65)
        #expect(validate.stderr.contains("r.yaml:4:5: settings.server.public_url is set, but the server secret"), "\(validate.stderr)")
        #expect(validate.stderr.contains("readable by others"))
        let json = try rota.run(["validate", "--json"])
        #expect(json.json["valid"] as? Bool == false)
        _ = try rota.run(["tick"])
        let status = try rota.run(["status"])
        #expect(status.status == 1)
        #expect(status.stdout.contains("PROBLEM: settings.server.public_url is set, but the server secret"), "\(status.stdout)")
        #expect(try rota.run(["alert", "raise", "--service", "web", "--summary", "x"]).status == 0)
        #expect(Self.pages(rota).contains("rota ack 1"), "the page says how to answer without a link")
        #expect(Self.links(Self.pages(rota)).isEmpty)
        // The same 0640 file is fine in the shared directory (positive control) …
        #expect(chmod(secret, 0o640) == 0)
        #expect(try rota.run(["validate"]).status == 0)
        // … and refused once the directory is no longer shared.
        #expect(chmod((rota.database as NSString).deletingLastPathComponent, 0o700) == 0)
        let private_ = try rota.run(["validate"])
        #expect(private_.status == 65)
        #expect(private_.stderr.contains("chmod 600 it"), "\(private_.stderr)")
        // A secret missing altogether is said the same way.
        try FileManager.default.removeItem(atPath: secret)
        let missing = try rota.run(["validate"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("cannot be read"), "\(missing.stderr)")
    }
}
