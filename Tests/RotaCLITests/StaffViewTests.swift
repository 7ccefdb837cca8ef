import Foundation
import Testing

@Suite("Staff and team-lead views: next shift, calendar feed, hours and fairness reports")
struct StaffViewTests {
    @Test("next: my shift under way or to come, in my own zone, with who hands over to me and to whom I hand over")
    func next() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        // Tuesday 3 March, 20:00 Paris: the 'office' layer is closed; 'always' is bob's week.
        let upcoming = try rota.run(["next", "--person", "ann", "--json", "--now", "2026-03-03T20:00"])
        #expect(upcoming.status == 0, "\(upcoming.stderr)")
        #expect(upcoming.json["schedule"] as? String == "office")
        #expect(upcoming.json["start"] as? String == "2026-03-04T08:00:00Z")
        #expect(upcoming.json["end"] as? String == "2026-03-04T17:00:00Z")
        #expect(upcoming.json["from_person"] is NSNull, "office hours open on a gap")
        #expect(upcoming.json["to_person"] is NSNull)
        let current = try rota.run(["next", "--person", "bob", "--json", "--now", "2026-03-04T10:00"])
        #expect(current.json["schedule"] as? String == "always")
        #expect(current.json["start"] as? String == "2026-03-02T08:00:00Z")
        #expect(current.json["end"] as? String == "2026-03-09T08:00:00Z")
        #expect(current.json["to_person"] as? String == "ann")
        let mine = try rota.run(["next", "--me"], environment: ["USER": "ann", "ROTA_NOW": "2026-03-03T20:00"])
        #expect(mine.stdout.contains("03:00"), "ann reads it in New York time: \(mine.stdout)")
    }

    @Test("shifts --format ical: RFC 5545, CRLF, folded lines, UTC times, stable UIDs, no RRULE")
    func calendarFeed() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota.replacingOccurrences(of: "  - id: always\n", with: "  - id: always\n    name: \"Always, on call; round-the-clock \\\\ with a very long name that must be folded somewhere\"\n")])
        let first = try rota.run(["shifts", "--format", "ical", "--schedule", "always", "--from", "2026-03-01", "--days", "21", "--now", "2026-03-01T00:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        let text = first.stdout
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends with CRLF")
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(!text.contains("RRULE"))
        #expect(text.contains("DTSTART:20260302T080000Z"))
        #expect(text.contains("DTEND:20260309T080000Z"))
        #expect(text.contains("\\,") && text.contains("\\;") && text.contains("\\\\"))
        let uids = text.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") }
        #expect(uids.count == 3)
        // A later export over another window keeps the UID of the same shift.
        let second = try rota.run(["shifts", "--format", "ical", "--schedule", "always", "--from", "2026-03-05", "--days", "3", "--now", "2026-03-04T00:00:00Z"])
        let again = second.stdout.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") }
        #expect(again.count == 1)
        #expect(uids.contains(again[0]))
        #expect(second.stdout.contains("DTSTART:20260302T080000Z"), "whole shifts, not clipped to the window")
    }

    @Test("report hours: parts add up to the total over a DST week, pages and night pages counted")
    func hoursReport() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let report = try rota.run(["report", "hours", "--from", "2026-03-23T09:00", "--to", "2026-03-30T09:00", "--json", "--now", "2026-03-01T00:00:00Z"])
        #expect(report.status == 0, "\(report.stderr)")
        let people = report.json["people"] as? [[String: Any]] ?? []
        let ann = try #require(people.first { $0["person"] as? String == "ann" })
        // ann has the 'always' week of 23 March: 167 hours (a 23-hour Sunday); the office layer is bob's that week.
        let parts = ["weekday_day", "weekday_night", "weekend", "holiday"].map { ann[$0] as? Double ?? -1 }
        #expect(parts.reduce(0, +) == ann["hours"] as? Double)
        #expect(ann["hours"] as? Double == 167)
        #expect(ann["weekday_day"] as? Double == 60)
        #expect(ann["weekend"] as? Double == 47)
        let csv = try rota.run(["report", "hours", "--from", "2026-03-23T09:00", "--to", "2026-03-30T09:00", "--format", "csv", "--now", "2026-03-01T00:00:00Z"])
        #expect(csv.stdout.hasPrefix("person,hours,weekday_day,weekday_night,weekend,holiday,pages,night_pages\n"))
    }

    @Test("report hours: a schedule's own holidays count as holiday for that schedule only")
    func scheduleHolidays() throws {
        let text = officeRota.replacingOccurrences(of: "  - id: always\n", with: "  - id: always\n    holidays: [2026-03-25]\n")
        let rota = try RotaRunner(files: ["team.yaml": text])
        let report = try rota.run(["report", "hours", "--from", "2026-03-23T09:00", "--to", "2026-03-30T09:00", "--json", "--now", "2026-03-01T00:00:00Z"])
        let people = report.json["people"] as? [[String: Any]] ?? []
        let ann = try #require(people.first { $0["person"] as? String == "ann" })
        #expect(ann["holiday"] as? Double == 24)
        #expect(ann["hours"] as? Double == 167)
        // bob's office hours on that Wednesday are not a holiday: 'office' does not list it.
        let bob = try #require(people.first { $0["person"] as? String == "bob" })
        #expect(bob["holiday"] as? Double == 0)
        #expect(bob["weekday_day"] as? Double == 45)
    }

    @Test("report hours counts pages received, and those at night")
    func pagesCounted() throws {
        let team = try PagedRota()
        try team.run(["alert", "raise", "--service", "web", "--summary", "x"], at: "2026-03-03T09:00:00Z")
        try team.run(["alert", "raise", "--service", "web", "--summary", "y"], at: "2026-03-03T21:00:00Z")
        try team.cron(from: "2026-03-03T21:01:00Z", minutes: 12)
        let people = try team.run(["report", "hours", "--from", "2026-03-03", "--to", "2026-03-04", "--json"], at: "2026-03-04T00:00:00Z").json["people"] as? [[String: Any]] ?? []
        let lead = people.first { $0["person"] as? String == "lead" }
        // Alert x's levels 1.2 (09:10) and 2.2 (09:50), paged late at 21:01, and alert y's 1.2 at 21:10 UTC (22:10 in Paris).
        #expect(lead?["pages"] as? Int == 3)
        #expect(lead?["night_pages"] as? Int == 1)
    }

    @Test("report fairness: each member's share per schedule, with the spread")
    func fairness() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let report = try rota.run(["report", "fairness", "--from", "2026-03-02T09:00", "--to", "2026-03-16T09:00", "--json", "--now", "2026-03-01T00:00:00Z"])
        #expect(report.status == 0, "\(report.stderr)")
        let schedules = report.json["schedules"] as? [[String: Any]] ?? []
        let always = try #require(schedules.first { $0["schedule"] as? String == "always" })
        let people = always["people"] as? [[String: Any]] ?? []
        #expect(Set(people.compactMap { $0["person"] as? String }) == ["ann", "bob"])
        #expect(people.allSatisfy { $0["hours"] as? Double == 168 })
        #expect((always["spread"] as? [String: Any])?["hours"] as? Double == 0)
    }

    @Test("report fairness per layer: a weekend layer's own rotation shows who it gives the weekends, though the schedule as a whole evens out")
    func fairnessPerLayer() throws {
        // A weekend layer above the weekly one gives bob five weekends for ann's one.
        let layered = officeRota
            .replacingOccurrences(of: "        shift: 1w\nescalations", with: "        shift: 1w\n      - name: weekends\n        members: [bob, bob, bob, bob, bob, ann]\n        start: 2026-03-07T00:00\n        shift: 1w\n        restrict: [{days: [sat, sun], from: \"00:00\", to: \"24:00\"}]\nescalations")
        let rota = try RotaRunner(files: ["team.yaml": layered])
        let report = try rota.run(["report", "fairness", "--from", "2026-03-02T00:00", "--to", "2026-04-13T00:00", "--json", "--now", "2026-03-01T00:00:00Z"])
        let schedules = report.json["schedules"] as? [[String: Any]] ?? []
        let always = try #require(schedules.first { $0["schedule"] as? String == "always" }, "\(report.stdout)")
        let layers = always["layers"] as? [[String: Any]] ?? []
        #expect(layers.compactMap { $0["layer"] as? String }.count == 2, "\(layers)")
        let weekends = try #require(layers.first { $0["layer"] as? String == "weekends" })
        let hours = Dictionary(uniqueKeysWithValues: (weekends["people"] as? [[String: Any]] ?? []).compactMap { row in
            (row["person"] as? String).map { ($0, row["weekend"] as? Double ?? -1) }
        })
        // Six weekends in the window, five bob's and one ann's, 48 h each but the one the Paris clocks go forward (47 h, bob's).
        #expect(hours == ["bob": 239, "ann": 48], "\(weekends)")
        #expect((weekends["spread"] as? [String: Any])?["weekend"] as? Double == 191)
        // The table says it too, layer by layer.
        let table = try rota.run(["report", "fairness", "--from", "2026-03-02T00:00", "--to", "2026-04-13T00:00", "--now", "2026-03-01T00:00:00Z"])
        #expect(table.stdout.contains("layer weekends, its own rotation (spread: 191 h, weekend 191 h"), "\(table.stdout)")
        // Positive control: one layer, no layer section (the schedule's figures already are the layer's).
        let plain = try RotaRunner(files: ["team.yaml": officeRota]).run(["report", "fairness", "--from", "2026-03-02T00:00", "--to", "2026-04-13T00:00", "--now", "2026-03-01T00:00:00Z"])
        #expect(plain.status == 0 && !plain.stdout.contains("its own rotation"), "\(plain.stdout)")
    }

    @Test("check warns when someone gets more than 1.5× the mean weekend hours of their layer")
    func unfairWeekends() throws {
        // A weekend layer where bob has five turns for ann's one.
        let unfair = officeRota
            .replacingOccurrences(of: "        shift: 1w\nescalations", with: "        shift: 1w\n      - name: weekends\n        members: [bob, bob, bob, bob, bob, ann]\n        start: 2026-03-07T00:00\n        shift: 1w\n        restrict: [{days: [sat, sun], from: \"00:00\", to: \"24:00\"}]\nescalations")
        let rota = try RotaRunner(files: ["team.yaml": unfair])
        let result = try rota.run(["check", "--json", "--from", "2026-03-02T09:00", "--now", "2026-03-01T00:00:00Z"])
        let warnings = result.json["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["kind"] as? String == "unfair_weekends" && ($0["message"] as? String)?.hasPrefix("bob") == true }, "\(result.stdout)")
        #expect(!warnings.contains { ($0["message"] as? String)?.hasPrefix("ann") == true })
        // The fair rota of the other tests raises no such warning.
        let fair = try RotaRunner(files: ["team.yaml": officeRota]).run(["check", "--json", "--from", "2026-03-02T09:00", "--now", "2026-03-01T00:00:00Z"])
        #expect(!(fair.json["warnings"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "unfair_weekends" })
    }

    @Test("shift notices: 'your shift starts in 1h' and 'your next 7 days changed', each sent once by tick")
    func shiftNotices() throws {
        let team = try PagedRota(settings: ", shift_notices: {before: 1h, changes: true}")
        // Wednesday 4 March: the 'days' desk opens at 09:00 Paris (08:00 UTC) with ann.
        try team.cron(from: "2026-03-04T06:50:00Z", minutes: 20)
        let starts = team.deliveryIDs().filter { $0.contains("start|") }
        #expect(starts == ["rota-notice-start|days|ann|2026-03-04T08:00:00Z"], "\(team.deliveryIDs())")
        // bob covers ann on Friday: both hear of it, once.
        let override = try team.run(["override", "add", "--schedule", "days", "--person", "bob", "--from", "2026-03-06T09:00",
                                     "--to", "2026-03-06T18:00", "--json"], at: "2026-03-04T07:20:00Z")
        #expect(override.status == 0, "\(override.stderr)")
        try team.cron(from: "2026-03-04T07:21:00Z", minutes: 3)
        let changes = team.deliveryIDs().filter { $0.contains("changes|") }.sorted()
        #expect(changes == ["rota-notice-changes|override-1|ann", "rota-notice-changes|override-1|bob"], "\(team.deliveryIDs())")
        let text = try String(contentsOfFile: team.rota.directory.appendingPathComponent("last-page.txt").path, encoding: .utf8)
        #expect(text.contains("next 7 days changed"))
    }
}
