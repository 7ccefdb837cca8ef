import Foundation
import Testing

/// Issue 15, a shared host: in a group-writable, setgid state directory (install -d -m 2770
/// -g oncall), rota's files are 0660 in that group, so two logins can use one database.
@Suite("A shared host: two logins, one database")
struct SharedHostTests {
    /// Runs rota as another uid in group 100 (`users`), as `setpriv` allows root to.
    func run(as uid: Int, _ rota: RotaRunner, _ arguments: [String], at time: String) throws -> RotaRunner.Result {
        try rota.run([], executable: "/usr/bin/setpriv",
                     arguments: ["--reuid=\(uid)", "--regid=100", "--clear-groups", "--", RotaRunner.binary] + arguments + ["--now", time])
    }

    func mode(_ path: String) -> (mode: Int, group: Int)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = attributes[.posixPermissions] as? Int, let group = attributes[.groupOwnerAccountID] as? Int else { return nil }
        return (mode, group)
    }

    @Test("two different uids raise, list, tick and acknowledge on one database; every file rota makes is 0660 in the group")
    func twoLogins() throws {
        guard getuid() == 0 else {
            FileHandle.standardError.write(Data("\n*** shared host test: needs root to run as two uids; SKIPPED ***\n\n".utf8))
            return
        }
        var team = try PagedRota()
        let state = team.rota.directory.appendingPathComponent("shared").path
        // install -d -m 2770 -g users
        #expect(mkdir(state, 0o700) == 0)
        #expect(chown(state, 0, 100) == 0 && chmod(state, 0o2770) == 0)
        // The rota files and the pager must be readable and runnable by the other logins (the pager writes beside them).
        chmod(team.rota.directory.path, 0o777)
        chmod(team.rota.rotas, 0o755)
        for file in try FileManager.default.contentsOfDirectory(atPath: team.rota.rotas) { chmod(team.rota.rotas + "/" + file, 0o644) }
        let environment = ["ROTA_DB": state + "/rota.db"]
        team.rota.baseEnvironment = environment
        let daemon = 1, nobody = 65534
        _ = FileManager.default.createFile(atPath: team.log, contents: nil, attributes: [.posixPermissions: 0o666])

        let raised = try run(as: daemon, team.rota, ["alert", "raise", "--service", "web", "--summary", "disk full"], at: "2026-03-03T10:00:00Z")
        #expect(raised.status == 0, "\(raised.stderr)")
        let listed = try run(as: nobody, team.rota, ["alert", "list", "--json"], at: "2026-03-03T10:01:00Z")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect((listed.json["alerts"] as? [Any])?.count == 1, "the other login sees the alert")
        let ticked = try run(as: nobody, team.rota, ["tick"], at: "2026-03-03T10:02:00Z")
        #expect(ticked.status == 0, "\(ticked.stderr)")
        let acked = try run(as: daemon, team.rota, ["ack", "1", "--as", "ann"], at: "2026-03-03T10:03:00Z")
        #expect(acked.status == 0, "\(acked.stderr)")
        let shown = try run(as: nobody, team.rota, ["alert", "show", "1", "--json"], at: "2026-03-03T10:04:00Z")
        #expect(shown.json["status"] as? String == "acknowledged")

        let files = try FileManager.default.contentsOfDirectory(atPath: state).filter { !$0.contains(".tmp-") }
        #expect(files.contains("rota.db") && files.contains("rota.db.tick-lock") && files.contains("rota.db.rota-cache"), "\(files)")
        #expect(team.delivered() == ["bob 1.1"], "the other login's tick paged")
        for file in files {
            let found = mode(state + "/" + file)
            #expect(found?.mode == 0o660, "\(file) is \(String(found?.mode ?? 0, radix: 8))")
            #expect(found?.group == 100, "\(file) is in group \(found?.group ?? -1)")
        }
    }

    @Test("in a private directory the files stay 0600, whatever the umask")
    func privateStaysPrivate() throws {
        let team = try PagedRota()
        let previous = umask(0)
        defer { umask(previous) }
        #expect(try team.run(["alert", "raise", "--service", "web", "--summary", "x"], at: "2026-03-03T10:00:00Z").status == 0)
        #expect(try team.run(["tick"], at: "2026-03-03T10:01:00Z").status == 0)
        let state = (team.rota.database as NSString).deletingLastPathComponent
        for file in try FileManager.default.contentsOfDirectory(atPath: state) {
            #expect(mode(state + "/" + file)?.mode == 0o600, "\(file)")
        }
    }
}
