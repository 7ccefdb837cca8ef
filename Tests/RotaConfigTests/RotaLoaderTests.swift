import Foundation
import RotaTestSupport
import Testing
@testable import RotaConfig
import RotaCore

/// A temporary rotas directory with the given files.
func rotasDirectory(_ files: [String: String]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-config-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (name, text) in files {
        let path = (directory as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return directory
}

func load(_ files: [String: String]) throws -> Result<LoadedRota, RotaLoadFailure> {
    RotaLoader.load(directory: try rotasDirectory(files))
}

/// The diagnostics of files that must fail, as "name:line:column message".
func problems(_ files: [String: String]) throws -> [String] {
    switch try load(files) {
    case .success: return []
    case .failure(let failure):
        return failure.diagnostics.map { "\(($0.location.file as NSString).lastPathComponent):\($0.location.line):\($0.location.column) \($0.message)" }
    }
}

let minimal = """
settings:
  timezone: Europe/Paris
people:
  - id: ann
    contacts:
      - command: ["/bin/true"]
  - id: bob
schedules:
  - id: ops
    layers:
      - name: main
        members: [ann, bob]
        start: 2026-01-05T09:00
        shift: 1w
escalations:
  - id: ops
    levels:
      - notify: [schedule:ops]
        escalate_after: 15m
      - notify: [person:bob]
services:
  - id: web
    escalation: ops

"""

@Suite("Loading rota files")
struct RotaLoaderTests {
    @Test("a minimal rota loads with every part in place")
    func minimalLoads() throws {
        let loaded = try load(["team.yaml": minimal]).get()
        let rota = loaded.rota
        #expect(rota.settings.zone.identifier == "Europe/Paris")
        #expect(rota.people.map(\.id) == ["ann", "bob"])
        #expect(rota.schedules.first?.layers.first?.members == ["ann", "bob"])
        #expect(rota.schedules.first?.zone.identifier == "Europe/Paris")
        #expect(rota.escalations.first?.levels.map(\.escalateAfter) == [900, nil])
        #expect(rota.services.first?.escalation == "ops")
        #expect(loaded.sources.map(\.name) == ["team.yaml"])
    }

    @Test("an escalation's crisis organisation: roles as targets, stakeholders, updates_every")
    func crisisOrganisation() throws {
        let text = minimal.replacingOccurrences(of: "      - notify: [person:bob]\n", with: """
                  - notify: [person:bob]
                roles: {commander: schedule:ops, comms: person:bob}
                stakeholders: [person:ann]
                updates_every: 30m

            """)
        let escalation = try #require(try load(["team.yaml": text]).get().rota.escalations.first)
        #expect(escalation.roles == CrisisRoles(commander: .schedule("ops"), comms: .person("bob")))
        #expect(escalation.stakeholders == [.person("ann")] && escalation.updatesEvery == 1800)
        let plain = try #require(try load(["team.yaml": minimal]).get().rota.escalations.first)
        #expect(plain.roles.isEmpty && plain.stakeholders.isEmpty && plain.updatesEvery == nil)
    }

    @Test("settings.executives: people and schedules, for the response report; none by default")
    func executives() throws {
        let text = minimal.replacingOccurrences(of: "  timezone: Europe/Paris\n", with: "  timezone: Europe/Paris\n  executives: [person:bob, schedule:ops]\n")
        #expect(try load(["team.yaml": text]).get().rota.settings.executives == [.person("bob"), .schedule("ops")])
        #expect(try load(["team.yaml": minimal]).get().rota.settings.executives.isEmpty)
    }

    @Test("drills: every in days or weeks, at with or without a weekday, start; none by default")
    func drills() throws {
        let text = minimal + """
            drills:
              - {id: sunday, escalation: ops, every: 4w, at: "sun 10:00", start: 2027-01-03}
              - {id: daily, escalation: ops, every: 1d, at: "09:30"}

            """
        let drills = try load(["team.yaml": text]).get().rota.drills
        #expect(drills == [Drill(id: "sunday", escalation: "ops", everyDays: 28, weekday: .sunday, time: LocalTime(hour: 10, minute: 0),
                                 start: LocalDate(year: 2027, month: 1, day: 3)),
                           Drill(id: "daily", escalation: "ops", everyDays: 1, weekday: nil, time: LocalTime(hour: 9, minute: 30))])
        #expect(try load(["team.yaml": minimal]).get().rota.drills.isEmpty)
    }

    @Test("the example rotas in the repository validate")
    func exampleRotasValidate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = RotaLoader.load(directory: root.appendingPathComponent("rotas").path)
        if case .failure(let failure) = result { Issue.record("examples invalid: \(failure)") }
        let rota = try result.get().rota
        #expect(rota.schedules.count >= 3)
        #expect(rota.escalations.contains { $0.levels.count >= 4 })
    }

    @Test("files merge in name order and settings from any file apply to all")
    func filesMerge() throws {
        let rota = try load([
            "b.yaml": "schedules:\n  - id: s\n    layers:\n      - {members: [p], start: 2026-01-05T09:00, shift: 1d}\n",
            "a.yaml": "people:\n  - id: p\n",
            "z.yaml": "settings:\n  timezone: America/New_York\n",
            "notes.txt": "not a rota file",
        ]).get().rota
        #expect(rota.schedules.first?.zone.identifier == "America/New_York")
        #expect(rota.schedules.first?.layers.first?.name == "layer 1")
    }

    @Test("restriction days: ranges, wrapping ranges, lists and daily")
    func restrictionDays() throws {
        let text = minimal.replacingOccurrences(of: "        shift: 1w\n", with: """
                shift: 1w
                restrict:
                  - {days: fri-mon, from: "22:00", to: "06:00"}
                  - {days: [sat, sun], from: "00:00", to: "24:00"}
                  - {days: daily, from: "12:00", to: "13:00"}
                  - {days: wed, from: "09:00", to: "09:00"}

        """)
        let restrictions = try load(["t.yaml": text]).get().rota.schedules[0].layers[0].restrictions
        #expect(restrictions[0].days == [.friday, .saturday, .sunday, .monday])
        #expect(restrictions[1].days == [.saturday, .sunday])
        #expect(restrictions[1].to.minutes == 1440)
        #expect(restrictions[2].days.count == 7)
        #expect(restrictions[3].days == [.wednesday])
    }

    @Test("file overrides without an offset are read in the schedule's zone")
    func fileOverridesUseScheduleZone() throws {
        let text = minimal.replacingOccurrences(of: "        shift: 1w\n", with: """
                shift: 1w
            overrides:
              - {person: bob, from: 2026-03-29T02:30, to: "2026-03-29T10:00:00Z"}

        """)
        let override = try load(["t.yaml": text]).get().rota.schedules[0].overrides[0]
        #expect(TimeText.utc(override.start) == "2026-03-29T01:30:00Z")
        #expect(TimeText.utc(override.end) == "2026-03-29T10:00:00Z")
    }
}

/// Issue 2, item 2: every kind of bad file is refused with file:line:column and a fix.
@Suite("Rota file errors")
struct RotaFileErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let find: String
        let replace: String
        /// "line:column" of the expected diagnostic, and a piece of its message.
        let at: String
        let says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown key, with a suggestion", find: "        members: [ann, bob]", replace: "        membres: [ann, bob]", at: "12:9", says: "did you mean 'members'"),
        Case(name: "unknown top-level key", find: "settings:", replace: "setings:", at: "1:1", says: "unknown key 'setings'"),
        Case(name: "unknown member", find: "members: [ann, bob]", replace: "members: [ann, bobb]", at: "12:24", says: "member 'bobb' is not a known person; did you mean 'bob'"),
        Case(name: "unknown notify target", find: "notify: [person:bob]", replace: "notify: [person:zed]", at: "20:18", says: "'zed' is not a known person"),
        Case(name: "malformed notify target", find: "notify: [person:bob]", replace: "notify: [team:bob]", at: "20:18", says: "must be person:ID or schedule:ID"),
        Case(name: "unknown escalation", find: "    escalation: ops", replace: "    escalation: opz", at: "23:17", says: "'opz' is not a known escalation"),
        Case(name: "unknown zone", find: "timezone: Europe/Paris", replace: "timezone: Europe/Pariss", at: "2:13", says: "not an IANA time zone"),
        Case(name: "zone abbreviation", find: "timezone: Europe/Paris", replace: "timezone: CET", at: "2:13", says: "abbreviations"),
        Case(name: "bad shift length", find: "shift: 1w", replace: "shift: 1y", at: "14:16", says: "Nh, Nd or Nw"),
        Case(name: "bad escalate_after", find: "escalate_after: 15m", replace: "escalate_after: 15 minutes", at: "19:25", says: "not a duration"),
        Case(name: "bad start time", find: "start: 2026-01-05T09:00", replace: "start: 2026-01-35T09:00", at: "13:16", says: "not a date and time"),
        Case(name: "start with an offset", find: "start: 2026-01-05T09:00", replace: "start: 2026-01-05T09:00Z", at: "13:16", says: "has an offset"),
        Case(name: "start after end", find: "        shift: 1w\n", replace: "        shift: 1w\n        end: 2026-01-01T09:00\n", at: "15:14", says: "is not after its start"),
        Case(name: "empty members", find: "members: [ann, bob]", replace: "members: []", at: "12:18", says: "members is empty"),
        Case(name: "missing escalate_after on a middle level", find: "        escalate_after: 15m\n", replace: "", at: "18:9", says: "level 1 needs 'escalate_after'"),
        Case(name: "missing escalate_after on the last level with repeats", find: "  - id: ops\n    levels:", replace: "  - id: ops\n    repeat: 2\n    levels:", at: "21:9", says: "the last level needs 'escalate_after'"),
        Case(name: "duplicate id", find: "  - id: bob\n", replace: "  - id: ann\n", at: "7:5", says: "person id 'ann' is already defined"),
        Case(name: "bad id", find: "  - id: bob\n", replace: "  - id: Bob Smith\n", at: "7:9", says: "not a valid id"),
        Case(name: "anchor", find: "members: [ann, bob]", replace: "members: &team [ann, bob]", at: "12:18", says: "anchors"),
        Case(name: "duplicate key", find: "        shift: 1w\n", replace: "        shift: 1w\n        shift: 1d\n", at: "15:9", says: "appears twice"),
        Case(name: "command as a shell string", find: "command: [\"/bin/true\"]", replace: "command: /bin/true --now", at: "6:18", says: "never runs a shell"),
        Case(name: "email that looks like an option", find: "command: [\"/bin/true\"]", replace: "email: -oQ/tmp/x@example.com", at: "6:16", says: "must not start with '-'"),
        Case(name: "webhook that is not http", find: "command: [\"/bin/true\"]", replace: "webhook: file:///etc/passwd", at: "6:18", says: "http:// or https://"),
        Case(name: "restriction time out of range", find: "        shift: 1w\n", replace: "        shift: 1w\n        restrict: [{days: mon, from: \"25:00\", to: \"24:00\"}]\n", at: "15:38", says: "not a time of day"),
        Case(name: "bad day range", find: "        shift: 1w\n", replace: "        shift: 1w\n        restrict: [{days: monday-friday, from: \"09:00\", to: \"17:00\"}]\n", at: "15:27", says: "days 'monday-friday'"),
        Case(name: "YAML syntax error", find: "members: [ann, bob]", replace: "members: [ann, bob", at: "13:14", says: "YAML syntax"),
        Case(name: "a tab for indentation", find: "  - id: bob\n", replace: "\t- id: bob\n", at: "7:1", says: "YAML syntax"),
        Case(name: "integration of an unknown kind", find: "services:\n", replace: "integrations:\n  - {id: mon, kind: nagios, service: web, token_env: T}\nservices:\n", at: "22:21", says: "not one of: alertmanager, pagerduty, generic"),
        Case(name: "integration without a token source", find: "services:\n", replace: "integrations:\n  - {id: mon, kind: generic, service: web}\nservices:\n", at: "22:5", says: "tokens never live in rota files"),
        Case(name: "integration naming an unknown service", find: "services:\n", replace: "integrations:\n  - {id: mon, kind: generic, service: wbe, token_env: T}\nservices:\n", at: "22:39", says: "'wbe' is not a known service"),
        Case(name: "pagerduty integration without a service", find: "services:\n", replace: "integrations:\n  - {id: pd, kind: pagerduty, token_env: T}\nservices:\n", at: "22:5", says: "needs a service"),
        Case(name: "server listen that is not HOST:PORT", find: "  timezone: Europe/Paris\n", replace: "  timezone: Europe/Paris\n  server: {listen: \"8080\"}\n", at: "3:20", says: "must be HOST:PORT"),
        Case(name: "server public_url that is not http", find: "  timezone: Europe/Paris\n", replace: "  timezone: Europe/Paris\n  server: {public_url: \"ftp://x\"}\n", at: "3:24", says: "public_url must be an http"),
        Case(name: "group without within", find: "    escalation: ops\n", replace: "    escalation: ops\n    group: {by: [source]}\n", at: "24:12", says: "needs 'within'"),
        Case(name: "group by a label twice", find: "    escalation: ops\n", replace: "    escalation: ops\n    group: {within: 30m, by: [source, source]}\n", at: "24:39", says: "names 'source' twice"),
        Case(name: "group within that is not a duration", find: "    escalation: ops\n", replace: "    escalation: ops\n    group: {within: soon}\n", at: "24:21", says: "not a duration"),
        Case(name: "a role that is not commander or comms", find: "      - notify: [person:bob]\n", replace: "      - notify: [person:bob]\n    roles: {captain: person:ann}\n", at: "21:13", says: "captain"),
        Case(name: "a role naming an unknown person", find: "      - notify: [person:bob]\n", replace: "      - notify: [person:bob]\n    roles: {commander: person:zoe}\n", at: "21:24", says: "'zoe'"),
        Case(name: "a stakeholder that is not a target", find: "      - notify: [person:bob]\n", replace: "      - notify: [person:bob]\n    stakeholders: [dg-office]\n", at: "21:20", says: "must be person:ID or schedule:ID"),
        Case(name: "a stakeholder named twice", find: "      - notify: [person:bob]\n", replace: "      - notify: [person:bob]\n    stakeholders: [person:ann, person:ann]\n", at: "21:32", says: "names 'person:ann' twice"),
        Case(name: "updates_every that is not a duration", find: "      - notify: [person:bob]\n", replace: "      - notify: [person:bob]\n    updates_every: often\n", at: "21:20", says: "not a duration"),
        Case(name: "an executive naming an unknown person", find: "  timezone: Europe/Paris\n", replace: "  timezone: Europe/Paris\n  executives: [person:zoe]\n", at: "3:16", says: "'zoe'"),
        Case(name: "an executive that is not a target", find: "  timezone: Europe/Paris\n", replace: "  timezone: Europe/Paris\n  executives: [ceo]\n", at: "3:16", says: "must be person:ID or schedule:ID"),
        Case(name: "a drill at with no weekday", find: "services:\n", replace: "drills:\n  - {id: practice, escalation: ops, every: 1w, at: \"tuesday 10:00\"}\nservices:\n", at: "22:52", says: "names no weekday"),
        Case(name: "a drill at that is not a time", find: "services:\n", replace: "drills:\n  - {id: practice, escalation: ops, every: 1w, at: \"tue 25:00\"}\nservices:\n", at: "22:52", says: "is not a time"),
        Case(name: "a drill every few days on a weekday", find: "services:\n", replace: "drills:\n  - {id: practice, escalation: ops, every: 3d, at: \"tue 10:00\"}\nservices:\n", at: "22:44", says: "whole weeks"),
        Case(name: "a drill every few hours", find: "services:\n", replace: "drills:\n  - {id: practice, escalation: ops, every: 12h, at: \"10:00\"}\nservices:\n", at: "22:44", says: "not a duration"),
        Case(name: "a drill of an unknown escalation", find: "services:\n", replace: "drills:\n  - {id: practice, escalation: opz, every: 1w, at: \"tue 10:00\"}\nservices:\n", at: "22:32", says: "'opz' is not a known escalation"),
        Case(name: "runbook outside the rotas directory", find: "    escalation: ops\n", replace: "    escalation: ops\n    runbook: ../../etc/passwd\n", at: "24:14", says: "no leading '/', no '..'"),
    ]

    @Test(arguments: cases)
    func badFileIsRefused(_ c: Case) throws {
        #expect(minimal.contains(c.find), "the case's text is not in the minimal rota")
        let found = try problems(["team.yaml": minimal.replacingOccurrences(of: c.find, with: c.replace)])
        #expect(found.contains { $0.hasPrefix("team.yaml:\(c.at) ") && $0.contains(c.says) }, "got: \(found)")
    }

    @Test("every problem is reported at once, across files, in file order")
    func allProblemsAtOnce() throws {
        let broken = minimal
            .replacingOccurrences(of: "membres", with: "members")
            .replacingOccurrences(of: "shift: 1w", with: "shift: 1y")
            .replacingOccurrences(of: "timezone: Europe/Paris", with: "timezone: EST")
            .replacingOccurrences(of: "escalation: ops", with: "escalation: nope")
        let found = try problems(["a.yaml": broken, "b.yaml": "people:\n  - id: ann\n"])
        #expect(found.count == 4, "got: \(found)")
        #expect(found.last?.hasPrefix("b.yaml:2:5") == true)
    }

    @Test("a billion-laughs file is refused at once, without expanding it")
    func billionLaughs() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let letters = Array("bcdefghi")
        var previous = "a"
        for letter in letters {
            text += "\(letter): &\(letter) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = String(letter)
        }
        let started = ContinuousClock.now
        let found = try problems(["bomb.yaml": text])
        #expect(found.contains { $0.hasPrefix("bomb.yaml:1:4 ") && $0.contains("anchors") }, "got: \(found)")
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("an alias alone is refused")
    func alias() throws {
        let found = try problems(["a.yaml": "people:\n  - id: ann\n  - *ann\n"])
        #expect(found.contains { $0.hasPrefix("a.yaml:3:5 ") && $0.contains("aliases") }, "got: \(found)")
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() throws {
        let text = "people: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        #expect(try problems(["deep.yaml": text]).contains { $0.contains("nested more than") || $0.contains("YAML syntax") })
    }

    @Test("files over 1 MiB are refused unread")
    func largeFile() throws {
        let text = "# " + String(repeating: "x", count: 1 << 20) + "\n"
        #expect(try problems(["big.yaml": text]).contains { $0.contains("limited to 1 MiB") })
    }

    @Test("a second YAML document is refused")
    func twoDocuments() throws {
        #expect(try problems(["two.yaml": "people: []\n---\npeople: []\n"]).contains { $0.hasPrefix("two.yaml:2:1 ") })
    }

    @Test("a rotas directory that does not exist is an error, not a crash")
    func missingDirectory() {
        guard case .failure(let failure) = RotaLoader.load(directory: "/nonexistent/rotas-\(UUID().uuidString)") else {
            Issue.record("loaded a missing directory"); return
        }
        #expect(failure.diagnostics.first?.message.contains("does not exist") == true)
    }

    @Test("an empty directory is an error: probably the wrong --rotas")
    func emptyDirectory() throws {
        #expect(try problems([:]).contains { $0.contains("no rota files") })
    }

    @Test("a file that is not UTF-8 is refused")
    func notUTF8() throws {
        let directory = try rotasDirectory([:])
        try Data([0x70, 0x65, 0x6f, 0x70, 0x6c, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: directory + "/bad.yaml"))
        guard case .failure(let failure) = RotaLoader.load(directory: directory) else { Issue.record("loaded"); return }
        #expect(failure.diagnostics.contains { $0.message.contains("UTF-8") })
    }
}

@Suite("Hostile rota files")
struct HostileRotaFileTests {
    @Test("500 mutated rota files: each loads or is refused with located diagnostics, never a crash or a hang")
    func mutations() throws {
        var random = SeededGenerator(seed: 20261125)
        let pieces = ["&a ", "*a", "!!str ", "---\n", "[", "]", "{", "}", ":", "- ", "\t", "\"", "'", "#", "\n", "  ", "?", "|", ">",
                      "%YAML 1.2\n", "\u{0}", "é", "24:00", "-1w", "0h", "9999999999d"]
        let directory = try rotasDirectory([:])
        let path = (directory as NSString).appendingPathComponent("team.yaml")
        for round in 0..<500 {
            var text = Array(minimal)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0...text.count, using: &random)
                if Bool.random(using: &random), at < text.count {
                    text.removeSubrange(at..<min(text.count, at + Int.random(in: 1...6, using: &random)))
                } else {
                    text.insert(contentsOf: pieces.randomElement(using: &random)!, at: at)
                }
            }
            try String(text).write(toFile: path, atomically: true, encoding: .utf8)
            switch RotaLoader.load(directory: directory) {
            case .success: break
            case .failure(let failure):
                #expect(!failure.diagnostics.isEmpty, "round \(round)")
                #expect(failure.diagnostics.allSatisfy { $0.location.file.hasSuffix("team.yaml") && !$0.message.isEmpty }, "round \(round)")
            }
        }
    }
}

@Suite("The compiled rota cache")
struct RotaCacheTests {
    static let full = minimal.replacingOccurrences(of: "        shift: 1w\n", with: """
            shift: 1w
            end: 2027-01-04T09:00
            restrict:
              - {days: fri-mon, from: "22:00", to: "06:00"}
              - {days: [sat, sun], from: "00:00", to: "24:00"}
        overrides:
          - {person: bob, from: 2026-03-29T02:30, to: "2026-03-29T10:00:30Z"}
        holidays: [2026-05-01, 2026-05-08]

    """).replacingOccurrences(of: "  timezone: Europe/Paris\n", with: """
      timezone: Europe/Paris
      email_from: "On-call <oncall@example.com>"
      command_timeout: 45s
      shift_notices: {before: 2h, changes: true}
    holidays: [2026-12-25]

    """).replacingOccurrences(of: "      - command: [\"/bin/true\"]\n", with: """
          - command: ["/bin/true", "--flag", "é"]
          - {webhook: "https://chat.example.com/hooks/x?token=y", after: 5m}
          - {email: ann@example.com, after: 1h}
        timezone: Asia/Kolkata
        login: ann

    """).replacingOccurrences(of: "    escalation: ops\n", with: "    escalation: ops\n    ack_timeout: 1h\n    runbook: https://wiki.example.com/ops\n")

    @Test("a rota read back from the cache is the rota that was written")
    func roundTrip() throws {
        let directory = try rotasDirectory(["team.yaml": Self.full])
        let loaded = try RotaLoader.load(directory: directory).get()
        #expect(loaded.rota.schedules[0].holidays.count == 2)
        #expect(loaded.rota.people[0].contacts.count == 3)
        let cache = RotaCache(path: directory + "/cache.bin")
        cache.write(loaded.rota, fingerprint: loaded.fingerprint)
        let back = cache.read(fingerprint: loaded.fingerprint)
        #expect(back?.settings == loaded.rota.settings)
        #expect(back?.people == loaded.rota.people)
        #expect(back?.schedules == loaded.rota.schedules)
        #expect(back?.schedules.first?.layers == loaded.rota.schedules.first?.layers)
        #expect(back?.schedules.first?.overrides == loaded.rota.schedules.first?.overrides)
        #expect(back?.escalations == loaded.rota.escalations)
        #expect(back?.services == loaded.rota.services)
        #expect(back?.holidays == loaded.rota.holidays)
        #expect(back == loaded.rota)
        #expect(cache.read(fingerprint: "another") == nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let examples = try RotaLoader.load(directory: root.appendingPathComponent("rotas").path).get()
        cache.write(examples.rota, fingerprint: examples.fingerprint)
        #expect(cache.read(fingerprint: examples.fingerprint) == examples.rota)
    }

    @Test("the loader uses the cache only while the files are unchanged")
    func loaderUsesCache() throws {
        let directory = try rotasDirectory(["team.yaml": minimal])
        let cache = RotaCache(path: directory + "/cache.bin")
        let first = try RotaLoader.load(directory: directory, cache: cache).get()
        #expect(cache.read(fingerprint: first.fingerprint) == first.rota)
        try minimal.replacingOccurrences(of: "members: [ann, bob]", with: "members: [bob, ann]")
            .write(toFile: directory + "/team.yaml", atomically: true, encoding: .utf8)
        let second = try RotaLoader.load(directory: directory, cache: cache).get()
        #expect(second.rota.schedules[0].layers[0].members == ["bob", "ann"])
        try minimal.replacingOccurrences(of: "members: [ann, bob]", with: "members: [ann, bobby]")
            .write(toFile: directory + "/team.yaml", atomically: true, encoding: .utf8)
        guard case .failure = RotaLoader.load(directory: directory, cache: cache) else {
            Issue.record("an invalid file must not be answered from the cache"); return
        }
    }

    @Test("server settings and integrations survive the cache and the stored model")
    func serverRoundTrip() throws {
        let text = minimal.replacingOccurrences(of: "  timezone: Europe/Paris\n", with: """
              timezone: Europe/Paris
              server: {public_url: "https://oncall.example.com/", listen: "[::1]:9090", secret_env: RS, tick_every: 0, board: public}

            """).replacingOccurrences(of: "services:\n", with: """
            integrations:
              - {id: prometheus, kind: alertmanager, service: web, service_label: service, token_env: ROTA_TOKEN_PROMETHEUS}
              - {id: scripts, kind: generic, token_file: /etc/rota/token}
            services:

            """)
        let directory = try rotasDirectory(["team.yaml": text])
        let loaded = try RotaLoader.load(directory: directory).get()
        #expect(loaded.rota.settings.server == ServerSettings(publicURL: "https://oncall.example.com", listen: "[::1]:9090", secretEnv: "RS",
                                                              tickEvery: 0, boardPublic: true))
        #expect(loaded.rota.integrations.map(\.id) == ["prometheus", "scripts"])
        #expect(loaded.rota.integration("scripts")?.service == nil)
        let cache = RotaCache(path: directory + "/cache.bin")
        cache.write(loaded.rota, fingerprint: loaded.fingerprint)
        #expect(cache.read(fingerprint: loaded.fingerprint) == loaded.rota)
        #expect(RotaModelCodec.decode(RotaModelCodec.encode(loaded.rota)) == loaded.rota)
    }

    @Test("a damaged cache is a miss, never a crash", arguments: [0, 5, 20, 100])
    func damagedCache(_ keep: Int) throws {
        let directory = try rotasDirectory(["team.yaml": Self.full])
        let loaded = try RotaLoader.load(directory: directory).get()
        let cache = RotaCache(path: directory + "/cache.bin")
        cache.write(loaded.rota, fingerprint: loaded.fingerprint)
        let data = try Data(contentsOf: URL(fileURLWithPath: cache.path))
        try data.prefix(keep).write(to: URL(fileURLWithPath: cache.path))
        #expect(cache.read(fingerprint: loaded.fingerprint) == nil)
        var flipped = data
        flipped[data.count / 2] ^= 0xff
        try flipped.write(to: URL(fileURLWithPath: cache.path))
        _ = cache.read(fingerprint: loaded.fingerprint)
    }
}
