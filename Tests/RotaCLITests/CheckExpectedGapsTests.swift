import Foundation
import Testing

@Suite("rota check: business-hours rotas (expect_gaps) and one schedule at a time")
struct CheckExpectedGapsTests {
    static let files = """
        settings: {timezone: Europe/Paris}
        people: [{id: ann}, {id: bob}]
        schedules:
          - id: office
            expect_gaps: true
            layers:
              - {members: [ann], start: 2026-03-02T09:00, shift: 1d, restrict: [{days: mon-fri, from: "09:00", to: "18:00"}]}
          - id: always
            layers:
              - {members: [bob], start: 2026-03-02T00:00, shift: 1w}
        """

    @Test("a gap every night is one line with its count (28, across the Paris spring change); --json keeps every gap and adds the series")
    func recurringGaps() throws {
        let rota = try RotaRunner(files: ["r.yaml": """
            settings: {timezone: Europe/Paris}
            people: [{id: ann}, {id: bob}]
            schedules:
              - id: desk
                layers:
                  - {members: [ann, bob], start: 2026-03-02T07:00, shift: 1w, restrict: [{days: daily, from: "07:00", to: "24:00"}]}
              - id: always
                layers:
                  - {members: [bob], start: 2026-03-02T00:00, shift: 1w}
            """])
        let window = ["--from", "2026-03-16T12:00", "--days", "28", "--now", "2026-03-01T00:00:00Z"]
        let human = try rota.run(["check"] + window)
        #expect(human.status == 1, "a gap: exit 1")
        let rows = human.stdout.split(separator: "\n").filter { $0.hasPrefix("desk ") }
        #expect(rows.count == 1 && rows[0].contains("00:00 every day, 28 times") && rows[0].contains("07:00") && rows[0].contains("195.0 in all"),
                "one line for 28 nights, 7 h each but the one the clocks go forward: \(human.stdout)")
        let json = try rota.run(["check", "--json"] + window).json
        #expect((json["gaps"] as? [[String: Any]])?.count == 28, "every gap is still listed")
        let series = (json["recurring"] as? [[String: Any]]) ?? []
        #expect(series.count == 1 && series.first?["count"] as? Int == 28 && series.first?["from"] as? String == "00:00"
                    && series.first?["to"] as? String == "07:00" && (series.first?["days"] as? [String])?.count == 7, "\(series)")
        // Positive control: a lone gap (one night in a one-day window) is a line of its own, not a series.
        let one = try rota.run(["check", "--json", "--from", "2026-03-16T12:00", "--days", "1", "--now", "2026-03-01T00:00:00Z"]).json
        #expect((one["gaps"] as? [[String: Any]])?.count == 1 && (one["recurring"] as? [[String: Any]])?.isEmpty == true, "\(one)")
    }

    @Test("an office-hours rota's gaps are information (exit 0), a real gap elsewhere still fails (exit 1); --schedule looks at one")
    func expectedGaps() throws {
        let rota = try RotaRunner(files: ["r.yaml": Self.files])
        let window = ["--from", "2026-03-02T00:00", "--days", "7", "--now", "2026-03-01T00:00:00Z"]
        for _ in 0..<2 {  // the second run reads the compiled rota from the cache
            let check = try rota.run(["check", "--json"] + window)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect((check.json["gaps"] as? [Any])?.isEmpty == true)
            #expect((check.json["expected_gaps"] as? [[String: Any]])?.count == 6, "five weeknights and the weekend")
        }
        let human = try rota.run(["check"] + window)
        #expect(human.stdout.contains("No unexpected gaps"))
        #expect(human.stdout.contains("expected gap(s) in schedules that cover business hours only"))
        // bob on leave on Saturday: the 24/7 schedule has a real gap.
        #expect(try rota.run(["leave", "add", "--person", "bob", "--from", "2026-03-07T00:00", "--for", "1d", "--now", "2026-03-01T00:00:00Z"]).status == 0)
        let failing = try rota.run(["check", "--json"] + window)
        #expect(failing.status == 1)
        #expect((failing.json["gaps"] as? [[String: Any]])?.map { $0["schedule"] as? String } == ["always"])
        #expect(try rota.run(["check", "--schedule", "office"] + window).status == 0)
        #expect(try rota.run(["check", "--schedule", "always"] + window).status == 1)
        let unknown = try rota.run(["check", "--schedule", "nope"] + window)
        #expect(unknown.status == 69)
        #expect(unknown.stderr.contains("no schedule 'nope'"))
        // With the files half-edited, the stored revision keeps expect_gaps.
        try rota.write("r.yaml", Self.files + "\nbroken: [\n")
        let fallback = try rota.run(["check", "--schedule", "office", "--json"] + window)
        #expect(fallback.status == 0, "\(fallback.stderr)")
        #expect((fallback.json["expected_gaps"] as? [Any])?.count == 6)
    }

    @Test("expect_gaps must be true or false")
    func badFlag() throws {
        let rota = try RotaRunner(files: ["r.yaml": Self.files.replacingOccurrences(of: "expect_gaps: true", with: "expect_gaps: sometimes")])
        let result = try rota.run(["validate"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("expect_gaps must be true or false"), "\(result.stderr)")
    }
}

@Suite("rota shifts as a table agrees with the calendar: gaps as rows, cut shifts marked")
struct ShiftsTableTests {
    @Test("a gap is a row of its own ('— nobody —'); shifts cut by the window are marked …, across Paris' spring-forward")
    func gapsAndCuts() throws {
        let rota = try RotaRunner(files: ["r.yaml": CheckExpectedGapsTests.files])
        let result = try rota.run(["shifts", "--schedule", "office", "--from", "2026-03-27T12:00", "--to", "2026-03-30T12:00",
                                   "--now", "2026-03-01T00:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows == [
            "SCHEDULE PERSON START END",
            "office ann …Fri 27 Mar 12:00 +01:00 Fri 27 Mar 18:00 +01:00",
            "office — nobody — Fri 27 Mar 18:00 +01:00 Mon 30 Mar 09:00 +02:00",
            "office ann Mon 30 Mar 09:00 +02:00 Mon 30 Mar 12:00 +02:00…",
            "… the shift began before or goes on after the window ('--format ical' gives whole shifts).",
        ], "\(result.stdout)")
        let always = try rota.run(["shifts", "--schedule", "always", "--from", "2026-03-27T12:00", "--to", "2026-03-30T12:00",
                                   "--now", "2026-03-01T00:00:00Z"])
        #expect(!always.stdout.contains("nobody"))
        #expect(always.stdout.contains("bob …Fri 27 Mar 12:00 +01:00") || always.stdout.contains("…Fri 27 Mar 12:00 +01:00"), "\(always.stdout)")
    }
}
