import Foundation
import Testing

@Suite("rota validate, now, shifts and check, run as a user would")
struct ReadCommandTests {
    @Test("validate --json says valid for good files and exits 0")
    func validateGood() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["validate", "--json"])
        #expect(result.status == 0)
        #expect(result.json["valid"] as? Bool == true)
        #expect((result.json["errors"] as? [Any])?.isEmpty == true)
    }

    @Test("validate --json lists every error with file, line and column, and exits 65")
    func validateBad() throws {
        let bad = officeRota.replacingOccurrences(of: "members: [ann, bob]", with: "members: [ann, bobby]")
            .replacingOccurrences(of: "shift: 1w\n        restrict", with: "shift: 1fortnight\n        restrict")
        let rota = try RotaRunner(files: ["team.yaml": bad])
        let result = try rota.run(["validate", "--json"])
        #expect(result.status == 65)
        #expect(result.json["valid"] as? Bool == false)
        let errors = result.json["errors"] as? [[String: Any]] ?? []
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { ($0["file"] as? String)?.hasSuffix("team.yaml") == true && ($0["line"] as? Int ?? 0) > 0 && ($0["column"] as? Int ?? 0) > 0 })
        let human = try rota.run(["validate"])
        #expect(human.status == 65)
        #expect(human.stderr.contains("team.yaml:12:"))
    }

    @Test("every other command fails with 65 on invalid files when nothing was stored before")
    func invalidFilesStopReads() throws {
        let rota = try RotaRunner(files: ["team.yaml": "people:\n  - id: Ann\n"])
        for command in [["now"], ["shifts"], ["check"]] {
            let result = try rota.run(command)
            #expect(result.status == 65, "\(command)")
            #expect(result.stderr.contains("team.yaml:2:9"))
        }
    }

    @Test("now --json answers who is on call and until when, in UTC")
    func nowJSON() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        // Tuesday 10:00 in Paris: ann's week, inside office hours.
        let result = try rota.run(["now", "--json", "--now", "2026-03-03T10:00"])
        #expect(result.status == 0)
        #expect(result.json["at"] as? String == "2026-03-03T09:00:00Z")
        let schedules = result.json["schedules"] as? [[String: Any]] ?? []
        #expect(schedules.count == 2)
        #expect(schedules[0]["schedule"] as? String == "office")
        #expect(schedules[0]["person"] as? String == "ann")
        #expect(schedules[0]["until"] as? String == "2026-03-03T17:00:00Z")
        #expect(schedules[1]["person"] as? String == "bob")
        #expect(schedules[1]["until"] as? String == "2026-03-09T08:00:00Z")
    }

    @Test("now --at and --schedule; nobody on call is null")
    func nowAtNight() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["now", "--json", "--at", "2026-03-03T22:00:00Z", "--schedule", "office"])
        let schedules = result.json["schedules"] as? [[String: Any]] ?? []
        #expect(schedules.count == 1)
        #expect(schedules[0]["person"] is NSNull)
        #expect(schedules[0]["until"] as? String == "2026-03-04T08:00:00Z")
    }

    @Test("global options work before the command too, as a crontab line reads best")
    func globalOptionsFirst() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["--json", "--rotas", rota.rotas, "--now=2026-03-03T10:00", "now", "--schedule", "office"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.json["schedules"] as? [[String: Any]])?.first?["person"] as? String == "ann")
    }

    @Test("ROTA_NOW is the clock when --now is absent")
    func nowFromEnvironment() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["now", "--json"], environment: ["ROTA_NOW": "2026-03-10T10:00:00+01:00"])
        #expect(result.json["at"] as? String == "2026-03-10T09:00:00Z")
        #expect((result.json["schedules"] as? [[String: Any]])?.first?["person"] as? String == "bob")
    }

    @Test("shifts --json over a DST week: merged, clipped, in UTC")
    func shiftsJSON() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["shifts", "--json", "--schedule", "always", "--from", "2026-03-27T00:00", "--days", "4"])
        #expect(result.status == 0)
        #expect(result.json["from"] as? String == "2026-03-26T23:00:00Z")
        #expect(result.json["to"] as? String == "2026-03-30T23:00:00Z")
        let shifts = result.json["shifts"] as? [[String: Any]] ?? []
        #expect(shifts.map { $0["person"] as? String } == ["ann", "bob"])
        // The Monday 09:00 handoff after the spring change is 07:00 UTC.
        #expect(shifts.first?["end"] as? String == "2026-03-30T07:00:00Z")
        #expect(shifts.first?["start"] as? String == "2026-03-26T23:00:00Z")
    }

    @Test("shifts --person and --me filter, csv has a header and UTC times")
    func shiftsFilters() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let mine = try rota.run(["shifts", "--me", "--json", "--from", "2026-03-02T00:00", "--days", "7"], environment: ["USER": "ann"])
        let shifts = mine.json["shifts"] as? [[String: Any]] ?? []
        #expect(!shifts.isEmpty && shifts.allSatisfy { $0["person"] as? String == "ann" })
        let csv = try rota.run(["shifts", "--person", "bob", "--format", "csv", "--from", "2026-03-09T00:00", "--to", "2026-03-10T00:00"])
        #expect(csv.stdout.split(separator: "\n").first == "schedule,person,start,end")
        #expect(csv.stdout.contains("office,bob,2026-03-09T08:00:00Z,2026-03-09T17:00:00Z"))
        let table = try rota.run(["shifts", "--person", "ann", "--from", "2026-03-02T00:00", "--days", "1"])
        // ann reads her shifts in her own zone, New York.
        #expect(table.stdout.contains("03:00"), "\(table.stdout)")
    }

    @Test("check --json lists gaps and exits 1; a fully covered rota exits 0")
    func checkGaps() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["check", "--json", "--from", "2026-03-02T09:00", "--days", "2"])
        #expect(result.status == 1)
        let gaps = result.json["gaps"] as? [[String: Any]] ?? []
        #expect(gaps.count == 2)
        #expect(gaps.allSatisfy { $0["schedule"] as? String == "office" })
        #expect(gaps.first?["start"] as? String == "2026-03-02T17:00:00Z")
        #expect(gaps.first?["end"] as? String == "2026-03-03T08:00:00Z")
        let warnings = result.json["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["kind"] as? String == "escalation_schedule_has_gaps" && $0["schedule"] as? String == "office" })

        // Its own directory and database: in the first one, March is answered by the first revision.
        let fullRota = try RotaRunner(files: ["t.yaml": officeRota.replacingOccurrences(of: "schedule:office", with: "schedule:always")
            .replacingOccurrences(of: "        restrict:\n          - {days: mon-fri, from: \"09:00\", to: \"18:00\"}\n", with: "")])
        let covered = try fullRota.run(["check", "--json", "--from", "2026-03-02T09:00", "--days", "2"])
        #expect(covered.status == 0, "\(covered.stdout)")
        #expect((covered.json["gaps"] as? [Any])?.isEmpty == true)
    }

    @Test("check warns about a handoff on a nonexistent local time")
    func checkDSTWarning() throws {
        let text = officeRota.replacingOccurrences(of: "start: 2026-03-02T09:00\n        shift: 1w\nescalations", with: "start: 2026-03-02T02:30\n        shift: 1d\nescalations")
        let rota = try RotaRunner(files: ["team.yaml": text])
        let result = try rota.run(["check", "--json", "--from", "2026-03-28T00:00", "--days", "2"])
        let warnings = result.json["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["kind"] as? String == "nonexistent_handoff" && $0["at"] as? String == "2026-03-29T01:30:00Z" }, "\(result.stdout)")
    }

    struct BadUsage: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test("bad usage and unknown names get a clear message and the right exit code", arguments: [
        BadUsage(arguments: ["now", "--at", "someday"], status: 64),
        BadUsage(arguments: ["now", "--now", "2026-13-01T00:00"], status: 64),
        BadUsage(arguments: ["now", "--tz", "CET"], status: 64),
        BadUsage(arguments: ["now", "--frobnicate"], status: 64),
        BadUsage(arguments: ["shifts", "--from", "2026-03-05", "--to", "2026-03-01"], status: 64),
        BadUsage(arguments: ["shifts", "--to", "2026-03-05", "--days", "3"], status: 64),
        BadUsage(arguments: ["shifts", "--format", "pdf"], status: 64),
        BadUsage(arguments: ["check", "--days", "0"], status: 64),
        BadUsage(arguments: ["now", "--schedule", "nope"], status: 69),
        BadUsage(arguments: ["shifts", "--person", "nobody"], status: 69),
        BadUsage(arguments: ["frobnicate"], status: 64),
    ])
    func badUsage(_ c: BadUsage) throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(c.arguments)
        #expect(result.status == c.status, "stderr: \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test("shifts --me without a matching login says how to fix it (69)")
    func meWithoutLogin() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["shifts", "--me"], environment: ["USER": "stranger"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("login"))
    }

    @Test("a rotas directory that does not exist is exit 65 with a message")
    func missingRotas() throws {
        let rota = try RotaRunner(files: [:])
        let result = try rota.run(["now", "--rotas", "/nonexistent/rotas"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("does not exist"))
    }

    @Test("--help works on every command and shows examples", arguments: ["validate", "now", "shifts", "check"])
    func help(_ command: String) throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("rota \(command)"))
    }

    @Test("human output is an aligned table that fits 80 columns")
    func humanTable() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let result = try rota.run(["now", "--now", "2026-03-03T10:00"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("SCHEDULE") == true)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(!result.stdout.contains("\u{1B}["))
    }
}
