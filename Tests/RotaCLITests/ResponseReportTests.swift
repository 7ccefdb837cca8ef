import Foundation
import RotaTestSupport
import Testing

/// `rota report response` (DESIGN §12, §16) against a history made here at random (seeded): three
/// services, people in three zones, incidents acknowledged, resolved without an ack, never
/// answered, held by maintenance, and a surge; every figure computed again in this file from
/// `incident show --json` and `report hours --json`, on SQLite and on PostgreSQL.
private struct History {
    static let files = """
        settings: {timezone: Europe/Paris, executives: [person:boss], server: {public_url: "http://127.0.0.1:1", tick_every: 0}}
        holidays: [2026-12-08]
        people:
          - {id: ann, name: Ann, timezone: Europe/Paris, contacts: [{command: [/bin/true]}]}
          - {id: bob, name: Bob, timezone: America/New_York, contacts: [{command: [/bin/true]}]}
          - {id: chen, name: Chen, timezone: Asia/Tokyo, contacts: [{command: [/bin/true]}]}
          - {id: lead, name: Lead, contacts: [{command: [/bin/true]}]}
          - {id: ghost, name: Ghost, contacts: [{command: [/bin/false]}]}
          - {id: boss, name: Boss, contacts: [{command: [/bin/true]}]}
        schedules:
          - id: ops
            name: Ops
            timezone: UTC
            layers:
              - {name: sun, members: [ann, bob, chen], start: "2026-11-02T00:00", shift: 8h}
        escalations:
          - id: std
            name: Standard
            levels:
              - {notify: [schedule:ops], escalate_after: 5m}
              - {notify: [person:lead, person:ghost], escalate_after: 10m}
              - {notify: [person:boss]}
          - id: top
            name: Executives
            levels:
              - {notify: [person:boss]}
        services:
          - {id: web, name: Web, escalation: std}
          - {id: api, name: API, escalation: std}
          - {id: shop, name: Shop, escalation: std}
          - {id: storm, name: Storm, escalation: top}
        surges:
          - {id: flood, services: [shop], alerts: 3, within: 10m, service: storm}
        """

    /// The report's period starts on Monday 7 December 2026 (Tuesday the 8th is a holiday); the
    /// previous period is the three days before.
    static let start = ISO8601DateFormatter().date(from: "2026-12-07T00:00:00Z")!
    static let days = 3
    static let people = ["ann", "bob", "chen", "lead", "ghost", "boss"]
    static let zones = ["ann": "Europe/Paris", "bob": "America/New_York", "chen": "Asia/Tokyo"]

    let rota: RotaRunner

    static func at(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    func run(_ arguments: [String], at date: Date) throws -> RotaRunner.Result {
        let result = try rota.run(arguments + ["--now", Self.at(date)])
        // A tick exits 75 while ghost's failing pager waits for its retry.
        #expect(result.status == 0 || (arguments == ["tick"] && result.status == 75), "\(arguments) at \(Self.at(date)): \(result.stderr)")
        return result
    }

    /// Raises, ticks and answers, in time order, from the previous period's start to the end of the report's.
    func make(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var moment = Self.start.addingTimeInterval(-Double(Self.days) * 86400 + 600)
        let end = Self.start.addingTimeInterval(Double(Self.days) * 86400 - 3 * 3600)
        var surged = false
        var drills = 0
        var kinds: [String] = []
        while moment < end {
            let kind: String
            // A drill in each period: the previous one must not show in the drill section.
            if drills == 0 || (drills == 1 && moment > Self.start.addingTimeInterval(12 * 3600)) { kind = "drill"; drills += 1 } else
            if !surged && moment > Self.start.addingTimeInterval(86400) { kind = "surge"; surged = true } else {
                kind = ["ack", "ack", "ack", "resolve", "silent", "held"].randomElement(using: &random) ?? "ack"
            }
            kinds.append(kind)
            let service = ["web", "api"].randomElement(using: &random) ?? "web"
            func minutes(_ m: Int) -> Date { moment.addingTimeInterval(Double(m) * 60) }
            switch kind {
            case "surge":
                // Three arrivals on shop within 2 minutes: the surge's incident takes them in and pages the boss.
                for m in 0..<3 { _ = try run(["alert", "raise", "--service", "shop", "--summary", "order failed \(m)"], at: minutes(m)) }
                let list = try rota.run(["incident", "list", "--json", "--now", Self.at(minutes(3))]).json["incidents"] as? [[String: Any]] ?? []
                let storm = try #require(list.first { $0["service"] as? String == "storm" }?["id"] as? Int, "the surge opened its incident: \(list)")
                _ = try run(["tick"], at: minutes(3))
                _ = try run(["ack", String(storm), "--as", "lead"], at: minutes(4))
                _ = try run(["resolve", String(storm), "--as", "lead"], at: minutes(30))
            case "drill":
                // Every level paged whatever the answers (ghost's pager fails at level 2); it ends an hour later.
                let opened = try run(["drill", "--escalation", "std", "--json"], at: moment)
                let id = String(try #require(opened.json["incident"] as? Int, "\(opened.stdout)"))
                let first = Int.random(in: 1...14, using: &random)
                let who = ["ann", "bob", "chen", "lead"].randomElement(using: &random) ?? "ann"
                for (m, action) in ([(6, ["tick"]), (16, ["tick"]), (first, ["ack", id, "--as", who]), (18, ["ack", id, "--as", "boss"]),
                                     (61, ["tick"])] as [(Int, [String])]).sorted(by: { $0.0 < $1.0 }) {
                    _ = try run(action, at: minutes(m))
                }
            case "held":
                // In maintenance: level 1 is due at the window's end, where the clocks start.
                _ = try run(["maintenance", "add", "--service", service, "--from", Self.at(minutes(-5)), "--to", Self.at(minutes(20))], at: minutes(-5))
                let raised = try run(["alert", "raise", "--service", service, "--summary", "held", "--json"], at: minutes(0))
                let id = try #require(raised.json["incident"] as? Int)
                _ = try run(["tick"], at: minutes(20))
                _ = try run(["ack", String(id), "--as", "ann"], at: minutes(23))
                _ = try run(["resolve", String(id), "--as", "ann"], at: minutes(40))
            default:
                let raised = try run(["alert", "raise", "--service", service, "--summary", "\(kind) at \(Self.at(moment))", "--json"], at: moment)
                let id = try #require(raised.json["incident"] as? Int)
                let answerAt = Int.random(in: 1...25, using: &random)
                let who = ["ann", "bob", "chen", "lead"].randomElement(using: &random) ?? "ann"
                for m in [6, 16, 21] where kind == "silent" || m < answerAt { _ = try run(["tick"], at: minutes(m)) }
                if kind == "ack" {
                    _ = try run(["ack", String(id), "--as", who], at: minutes(answerAt))
                    _ = try run(["resolve", String(id), "--as", who], at: minutes(answerAt + Int.random(in: 5...50, using: &random)))
                } else if kind == "resolve" {
                    _ = try run(["resolve", String(id), "--as", who], at: minutes(answerAt))
                }
            }
            moment = moment.addingTimeInterval(Double(Int.random(in: 3...9, using: &random)) * 3600 + Double(Int.random(in: 0...59, using: &random)) * 60)
        }
        print("response report history, seed \(seed): \(kinds.joined(separator: " "))")
        #expect(kinds.contains("silent") && kinds.contains("resolve") && kinds.contains("held") && kinds.contains("surge") && drills == 2,
                "every kind drawn: \(kinds)")
    }

    // MARK: the figures again, from incident show

    struct Incident {
        var service: String
        var openedAt: Date
        var dueAt: Date
        var ackAt: Date?
        var ackBy: String?
        var resolvedAt: Date?
        var level: Int
        var pages: [(person: String, at: Date)]
        var surge: Bool
    }

    func incidents(from: Date, to: Date, now: Date) throws -> [Incident] {
        let iso = ISO8601DateFormatter()
        let list = try rota.run(["incident", "list", "--all", "--json", "--now", Self.at(now)]).json["incidents"] as? [[String: Any]] ?? []
        #expect(!list.isEmpty, "incident list --all lists the history")
        var out: [Incident] = []
        for entry in list {
            let opened = try #require(iso.date(from: entry["created_at"] as? String ?? ""))
            guard opened >= from, opened < to, entry["status"] as? String != "merged", let id = entry["id"] as? Int else { continue }
            let shown = try rota.run(["incident", "show", String(id), "--json", "--now", Self.at(now)]).json
            // A drill never counts as an incident (checked apart, in `drillSection`).
            if shown["drill"] as? Bool == true { continue }
            let pages = (shown["pages"] as? [[String: Any]] ?? []).filter { $0["status"] as? String != "cancelled" }
            let timeline = shown["timeline"] as? [[String: Any]] ?? []
            // Its own pages say when the clocks start and how high it climbed; the pages of incidents
            // merged into it (the surge's) interrupted people too.
            let own = pages.filter { $0["alert"] as? Int == id }
            let due = own.filter { $0["level"] as? Int == 1 }.compactMap { iso.date(from: $0["due_at"] as? String ?? "") }.min() ?? opened
            let ack = timeline.first { $0["event"] as? String == "acknowledged" && Self.people.contains(Self.person($0["actor"] as? String ?? "")) }
            var ackAt = ack.flatMap { iso.date(from: $0["at"] as? String ?? "") }
            var ackBy = ack.map { Self.person($0["actor"] as? String ?? "") }
            var resolvedAt: Date?
            if shown["status"] as? String == "resolved" {
                resolvedAt = timeline.last { $0["event"] as? String == "resolved" }.flatMap { iso.date(from: $0["at"] as? String ?? "") }
                if ackAt == nil, let by = shown["resolved_by"] as? String, Self.people.contains(Self.person(by)) {
                    ackAt = resolvedAt
                    ackBy = Self.person(by)
                }
            }
            var reached: [String: (person: String, at: Date)] = [:]
            for page in pages where page["status"] as? String == "sent" {
                let key = "\(page["alert"] ?? 0)|\(page["round"] ?? 0)|\(page["level"] ?? 0)|\(page["person"] ?? "")"
                let at = try #require(iso.date(from: page["sent_at"] as? String ?? ""))
                if reached[key].map({ at < $0.at }) ?? true { reached[key] = (page["person"] as? String ?? "", at) }
            }
            out.append(Incident(service: shown["service"] as? String ?? "", openedAt: opened, dueAt: due, ackAt: ackAt, ackBy: ackBy,
                                resolvedAt: resolvedAt, level: own.compactMap { $0["level"] as? Int }.max() ?? 0,
                                pages: Array(reached.values), surge: shown["service"] as? String == "storm"))
        }
        return out
    }

    static func person(_ actor: String) -> String { actor.components(separatedBy: " (").first ?? actor }

    /// The report's drill section computed again from `incident show` of the drills opened in
    /// [from, to): per level and person, paged and answered (each person's first answer, timed from
    /// their own lowest level), each drill's first answer from level 1, contacts that failed.
    func drillSection(from: Date, to: Date, now: Date) throws -> [String: Any] {
        let iso = ISO8601DateFormatter()
        let list = try rota.run(["incident", "list", "--all", "--json", "--now", Self.at(now)]).json["incidents"] as? [[String: Any]] ?? []
        var paged: [String: Int] = [:], times: [String: [Int]] = [:], firsts: [Int] = [], failed: [String] = []
        var count = 0
        for entry in list {
            let opened = try #require(iso.date(from: entry["created_at"] as? String ?? ""))
            guard opened >= from, opened < to, let id = entry["id"] as? Int else { continue }
            let shown = try rota.run(["incident", "show", String(id), "--json", "--now", Self.at(now)]).json
            guard shown["drill"] as? Bool == true else { continue }
            count += 1
            let pages = shown["pages"] as? [[String: Any]] ?? []
            var lowest: [String: (level: Int, due: Date)] = [:]
            for page in pages {
                let person = page["person"] as? String ?? "", level = page["level"] as? Int ?? 0
                let due = try #require(iso.date(from: page["due_at"] as? String ?? ""))
                if lowest[person].map({ level < $0.level || (level == $0.level && due < $0.due) }) ?? true { lowest[person] = (level, due) }
                if page["status"] as? String != "sent", let error = page["error"] as? String { failed.append("\(id) \(person) \(level) \(page["contact"] ?? "") \(error)") }
            }
            var levels: Set<String> = []
            for page in pages { levels.insert("\(page["level"] as? Int ?? 0) \(page["person"] as? String ?? "")") }
            for key in levels { paged[key, default: 0] += 1 }
            var answered: Set<String> = []
            var first: Date?
            for line in (shown["timeline"] as? [[String: Any]] ?? []) where line["event"] as? String == "drill_answered" {
                let person = Self.person(line["actor"] as? String ?? "")
                guard let mine = lowest[person], answered.insert(person).inserted else { continue }
                let at = try #require(iso.date(from: line["at"] as? String ?? ""))
                times["\(mine.level) \(person)", default: []].append(Self.seconds(mine.due, at))
                first = first ?? at
            }
            let start = pages.filter { $0["level"] as? Int == 1 }.compactMap { iso.date(from: $0["due_at"] as? String ?? "") }.min()
            if let first, let start { firsts.append(Self.seconds(start, first)) }
        }
        return ["incidents": count, "answered": firsts.count, "first_answer": Self.summary(firsts) as Any,
                "rows": paged.keys.sorted { (Int($0.split(separator: " ")[0]) ?? 0, $0) < (Int($1.split(separator: " ")[0]) ?? 0, $1) }.map { key in
                    "\(key) \(paged[key] ?? 0) \(times[key]?.count ?? 0) \(Self.summary(times[key] ?? [])?["p50_s"].map(String.init) ?? "-")"
                }, "failed": failed.sorted()]
    }

    static func summary(_ values: [Int]) -> [String: Int]? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ p: Double) -> Int { sorted[Int((p * Double(sorted.count)).rounded(.up)) - 1] }
        return ["p50_s": rank(0.5), "p90_s": rank(0.9), "mean_s": Int((Double(sorted.reduce(0, +)) / Double(sorted.count)).rounded())]
    }

    static func seconds(_ a: Date, _ b: Date) -> Int { max(0, Int(b.timeIntervalSince(a).rounded())) }

    /// `business`, `off_hours` or `sleep`, read on the person's own clock.
    static func part(_ at: Date, person: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zones[person] ?? "Europe/Paris")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .weekday], from: at)
        let hour = parts.hour ?? 0
        if hour < 8 || hour >= 22 { return "sleep" }
        let holiday = parts.year == 2026 && parts.month == 12 && parts.day == 8
        let weekend = parts.weekday == 1 || parts.weekday == 7 || holiday
        return !weekend && hour < 18 ? "business" : "off_hours"
    }

    /// A summary shown in the JSON equals the one computed (nil: every figure null).
    static func same(_ shown: Any?, _ expected: [String: Int]?) -> Bool {
        let object = shown as? [String: Any] ?? [:]
        guard let expected else { return object.values.allSatisfy { $0 is NSNull } }
        return expected.allSatisfy { object[$0.key] as? Int == $0.value }
    }

    /// The report's period figures checked against the incidents.
    func check(_ figures: [String: Any], _ incidents: [Incident], onCallHours: [String: Double], label: String) {
        let acked = incidents.filter { $0.ackAt != nil }
        #expect(figures["incidents"] as? Int == incidents.count, "\(label) incidents")
        #expect(figures["acknowledged"] as? Int == acked.count && figures["unacknowledged"] as? Int == incidents.count - acked.count, "\(label) acknowledged")
        func tta(_ list: [Incident]) -> [String: Int]? { Self.summary(list.compactMap { i in i.ackAt.map { Self.seconds(i.dueAt, $0) } }) }
        func ttr(_ list: [Incident]) -> [String: Int]? { Self.summary(list.compactMap { i in i.resolvedAt.map { Self.seconds(i.dueAt, $0) } }) }
        #expect(Self.same(figures["tta"], tta(incidents)), "\(label) tta: \(figures["tta"] ?? "") vs \(tta(incidents) ?? [:])")
        #expect(Self.same(figures["ttr"], ttr(incidents)), "\(label) ttr: \(figures["ttr"] ?? "") vs \(ttr(incidents) ?? [:])")
        let services = Dictionary(grouping: incidents, by: \.service)
        let byService = figures["by_service"] as? [[String: Any]] ?? []
        #expect(byService.compactMap { $0["service"] as? String } == services.keys.sorted(), "\(label) services")
        for row in byService {
            let group = services[row["service"] as? String ?? ""] ?? []
            #expect(row["incidents"] as? Int == group.count && Self.same(row["tta"], tta(group)) && Self.same(row["ttr"], ttr(group)), "\(label) \(row)")
        }
        let levels = Dictionary(grouping: incidents, by: \.level)
        let byLevel = figures["by_level"] as? [[String: Any]] ?? []
        #expect(byLevel.compactMap { $0["level"] as? Int } == levels.keys.sorted(), "\(label) levels")
        for row in byLevel {
            let group = levels[row["level"] as? Int ?? -1] ?? []
            #expect(row["incidents"] as? Int == group.count && row["tta_p50_s"] as? Int == tta(group)?["p50_s"], "\(label) \(row)")
        }
        let top = incidents.map(\.level).max() ?? 0
        let reach = (figures["reach"] as? [[String: Any]] ?? []).compactMap { $0["incidents"] as? Int }
        #expect(reach == (top == 0 ? [] : (1...top).map { level in incidents.filter { $0.level >= level }.count }), "\(label) reach \(reach)")
        // Executives: pages that reached the boss, and why.
        let exposed = incidents.filter { $0.pages.contains { $0.person == "boss" } }
        let executive = figures["executive"] as? [String: Any] ?? [:]
        #expect(executive["incidents"] as? Int == exposed.count
                    && executive["pages"] as? Int == incidents.reduce(0) { $0 + $1.pages.filter { $0.person == "boss" }.count }
                    && (executive["by_reason"] as? [String: Int]) == ["surge": exposed.filter(\.surge).count, "nobody_answered": exposed.filter { !$0.surge }.count],
                "\(label) executive: \(executive)")
        // People: pages by part of their day, acknowledgements and their median, pages per 100 hours on call.
        var expected: [String: [String: Int]] = [:]
        for incident in incidents {
            for page in incident.pages {
                expected[page.person, default: [:]]["pages", default: 0] += 1
                expected[page.person, default: [:]][Self.part(page.at, person: page.person), default: 0] += 1
            }
            if let by = incident.ackBy { expected[by, default: [:]]["acks", default: 0] += 1 }
        }
        let byPerson = figures["by_person"] as? [[String: Any]] ?? []
        #expect(byPerson.compactMap { $0["person"] as? String } == expected.keys.sorted(), "\(label) people")
        for row in byPerson {
            let person = row["person"] as? String ?? ""
            let want = expected[person] ?? [:]
            for key in ["pages", "acks", "business", "off_hours", "sleep"] {
                #expect(row[key] as? Int == want[key, default: 0], "\(label) \(person) \(key): \(row)")
            }
            let theirs = incidents.filter { $0.ackBy == person }
            #expect(row["tta_p50_s"] as? Int == tta(theirs)?["p50_s"], "\(label) \(person) tta")
            let hours = onCallHours[person] ?? 0
            let per100 = hours > 0 ? (Double(want["pages", default: 0]) * 100 / hours * 10).rounded() / 10 : nil
            #expect((row["pages_per_100h"] as? Double).map { abs($0 - (per100 ?? -1)) < 0.051 } ?? (per100 == nil), "\(label) \(person) per 100 h: \(row) vs \(per100 ?? -1)")
        }
    }

    func onCallHours(from: Date, to: Date) throws -> [String: Double] {
        let people = try rota.run(["report", "hours", "--from", Self.at(from), "--to", Self.at(to), "--json"]).json["people"] as? [[String: Any]] ?? []
        return Dictionary(people.compactMap { row in (row["person"] as? String).map { ($0, (row["hours"] as? Double) ?? Double(row["hours"] as? Int ?? 0)) } },
                          uniquingKeysWith: +)
    }

    func verify() throws {
        let end = Self.start.addingTimeInterval(Double(Self.days) * 86400)
        let before = Self.start.addingTimeInterval(-Double(Self.days) * 86400)
        let reported = try rota.run(["report", "response", "--from", Self.at(Self.start), "--to", Self.at(end), "--json", "--now", Self.at(end)])
        #expect(reported.status == 0, "\(reported.stderr)")
        let figures = reported.json
        let current = try incidents(from: Self.start, to: end, now: end)
        let previous = try incidents(from: before, to: Self.start, now: end)
        #expect(current.contains { $0.ackAt == nil } && current.contains { $0.level >= 2 } && !previous.isEmpty, "the history has what the figures need")
        check(figures, current, onCallHours: try onCallHours(from: Self.start, to: end), label: "current")
        let earlier = figures["previous"] as? [String: Any] ?? [:]
        #expect(earlier["from"] as? String == Self.at(before) && earlier["to"] as? String == Self.at(Self.start))
        check(earlier, previous, onCallHours: try onCallHours(from: before, to: Self.start), label: "previous")
        // The same figures as CSV: the overall row of each period.
        let csv = try rota.run(["report", "response", "--from", Self.at(Self.start), "--to", Self.at(end), "--csv", "--now", Self.at(end)])
        let overall = csv.stdout.split(separator: "\n").first { $0.hasPrefix("current,overall,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(overall.map { Int($0[3]) == current.count && Int($0[6]) == (figures["tta"] as? [String: Any])?["p50_s"] as? Int } == true, "\(csv.stdout)")
        // The drill section: the current period's drill only, equal to a computation from incident show.
        let drills = try #require(figures["drills"] as? [String: Any])
        let expected = try drillSection(from: Self.start, to: end, now: end)
        #expect(drills["incidents"] as? Int == 1 && expected["incidents"] as? Int == 1, "one drill in the period: \(drills)")
        #expect(drills["answered"] as? Int == expected["answered"] as? Int)
        #expect(Self.same(drills["first_answer"], expected["first_answer"] as? [String: Int]), "\(drills["first_answer"] ?? "") vs \(expected["first_answer"] ?? "")")
        let rows = (drills["by_person"] as? [[String: Any]] ?? []).map { row in
            "\(row["level"] as? Int ?? 0) \(row["person"] as? String ?? "") \(row["paged"] as? Int ?? -1) \(row["answered"] as? Int ?? -1) \((row["answer_p50_s"] as? Int).map(String.init) ?? "-")"
        }
        #expect(rows == expected["rows"] as? [String], "\(rows) vs \(expected["rows"] ?? "")")
        let failures = (drills["failed_contacts"] as? [[String: Any]] ?? []).map { "\($0["incident"] ?? 0) \($0["person"] ?? "") \($0["level"] ?? 0) \($0["contact"] ?? "") \($0["error"] ?? "")" }
        #expect(failures.sorted() == expected["failed"] as? [String] && !failures.isEmpty, "ghost's pager failed: \(failures)")
        // One service: only its incidents.
        let web = try rota.run(["report", "response", "--from", Self.at(Self.start), "--to", Self.at(end), "--service", "web", "--json", "--now", Self.at(end)]).json
        #expect(web["incidents"] as? Int == current.filter { $0.service == "web" }.count && web["service"] as? String == "web", "\(web)")
    }
}

@Suite("rota report response: the figures a chief executive reads, equal to a computation from incident show")
struct ResponseReportTests {
    static var seed: UInt64 { ProcessInfo.processInfo.environment["ROTA_TEST_SEED"].flatMap(UInt64.init) ?? 20_261_205 }

    @Test("a seeded history on SQLite: TTA/TTR from level 1's due time, unacknowledged apart, per service, level, person and zone, executives, the previous period")
    func sqlite() throws {
        let history = History(rota: try RotaRunner(files: ["rota.yaml": History.files]))
        try history.make(seed: Self.seed)
        try history.verify()
    }

    @Test("the same history on PostgreSQL", .enabled(if: PostgresTestServer.available))
    func postgres() throws {
        var rota = try RotaRunner(files: ["rota.yaml": History.files], database: try PostgresTestServer.freshDatabase())
        rota.baseEnvironment = PostgresTestServer.environment
        let history = History(rota: rota)
        try history.make(seed: Self.seed)
        try history.verify()
    }

    @Test("the board's /report in chromium at 390 px: every figure equal to --json, three SVG charts with a bar per figure, no script, nothing wider than the screen",
          .enabled(if: browserAvailable))
    func reportPage() async throws {
        let history = History(rota: try RotaRunner(files: ["rota.yaml": History.files]))
        try history.make(seed: Self.seed)
        let rota = history.rota
        let end = History.start.addingTimeInterval(Double(History.days) * 86400)
        let period = "from=\(History.at(History.start))&to=\(History.at(end))"
        let json = try rota.run(["report", "response", "--from", History.at(History.start), "--to", History.at(end), "--json", "--now", History.at(end)]).json
        let server = try ServeProcess(rota, arguments: ["--now", History.at(end)])
        defer { server.stop() }
        let signIn = try rota.run(["board", "url", "--now", History.at(end)], environment: ServeProcess.environment)
        let signInPath = try #require(URL(string: signIn.stdout.trimmingCharacters(in: .whitespacesAndNewlines))?.path, "\(signIn.stderr)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/report_browser.py").path
        var arguments = ["python3", script, server.url, signInPath, "/report?" + period.replacingOccurrences(of: ":", with: "%3A")]
        if let shot = ProcessInfo.processInfo.environment["ROTA_REPORT_SCREENSHOT"] { arguments += ["--screenshot", shot] }
        let browser = try rota.run([], executable: "/usr/bin/env", arguments: arguments)
        #expect(browser.status == 0, "\(browser.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any], "\(browser.stdout)")
        #expect(seen["error"] == nil, "\(seen["error"] ?? "")")
        #expect((seen["board_links"] as? [String])?.isEmpty == false, "the board links to the report")
        // Every figure on the page equals the JSON's.
        let figures = try #require(seen["figures"] as? [String: String])
        func value(_ path: String, in document: [String: Any]) -> String {
            var node: Any? = document
            for part in path.split(separator: ".").map(String.init) {
                if let object = node as? [String: Any] { node = object[part] } else if let list = node as? [[String: Any]] {
                    node = list.first { row in
                        let person = row["person"] as? String, level = (row["level"] as? Int).map(String.init)
                        let names = [row["service"] as? String, person, level, person.flatMap { p in level.map { "\(p)@\($0)" } }]
                        return (row["service"] as? String ?? person ?? level) == part || (person != nil && level != nil && names[3] == part)
                    }
                } else { return "?" }
            }
            if let number = node as? Double, number != number.rounded() { return "\(number)" }
            return (node as? Int).map(String.init) ?? (node as? Double).map { "\($0)" } ?? (node is NSNull || node == nil ? "" : "\(node!)")
        }
        #expect(figures.count > 30, "the page marks its figures: \(figures.count)")
        for (key, shown) in figures {
            #expect(shown == value(key, in: json), "\(key): page \(shown), json \(value(key, in: json))")
        }
        #expect(figures["incidents"] == "\(json["incidents"] as? Int ?? -1)" && figures["previous.incidents"] != nil)
        // Three charts, drawn as SVG on the server: a bar per service (p50, p90), per person (three parts), per level.
        let charts = try #require(seen["charts"] as? [[String: Any]])
        let services = (json["by_service"] as? [[String: Any]] ?? []).count, people = (json["by_person"] as? [[String: Any]] ?? []).count
        #expect(charts.map { $0["bars"] as? Int ?? 0 } == [2 * services, 3 * people, (json["reach"] as? [[String: Any]] ?? []).count], "\(charts)")
        let titles = charts.flatMap { $0["bar_titles"] as? [String] ?? [] }
        let web = (json["by_service"] as? [[String: Any]] ?? []).first { $0["service"] as? String == "web" }?["tta"] as? [String: Any]
        #expect(titles.contains { $0.hasPrefix("web: p50 ") } && web?["p50_s"] is Int, "\(titles)")
        // Usable on a 390-px phone: nothing wider than the screen, every chart inside it, no JavaScript.
        let viewport = seen["viewport"] as? Int ?? 0
        #expect(viewport > 0 && viewport <= 390 && (seen["scroll_width"] as? Int ?? 10_000) <= viewport, "\(seen["scroll_width"] ?? "") > \(viewport)")
        #expect(charts.allSatisfy { ($0["right"] as? Double ?? 10_000) <= Double(viewport) + 0.5 })
        #expect(seen["scripts"] as? Int == 0)
    }

    @Test("on the system clock (no --now): an alert raised and acknowledged a moment ago counts, its TTA a few seconds; the output cut by head -1 and a full disk end cleanly")
    func systemClockAndPipes() throws {
        let rota = try RotaRunner(files: ["rota.yaml": History.files])
        let raised = try rota.run(["alert", "raise", "--service", "web", "--summary", "now", "--json"])
        let id = try #require(raised.json["incident"] as? Int, "\(raised.stderr)")
        #expect(try rota.run(["ack", String(id), "--as", "ann"]).status == 0)
        let report = try rota.run(["report", "response", "--json"])
        #expect(report.status == 0 && report.json["incidents"] as? Int == 1 && report.json["acknowledged"] as? Int == 1, "\(report.stdout) \(report.stderr)")
        let seconds = (report.json["tta"] as? [String: Any])?["p50_s"] as? Int
        #expect(seconds.map { (0..<30).contains($0) } == true, "raised and acknowledged within seconds: \(seconds ?? -1)")
        // An hour ago by --to: the same incident is not in a period that ended before it opened (positive control above).
        let before = try rota.run(["report", "response", "--json", "--to", "-1h"])
        #expect(before.status == 0 && before.json["incidents"] as? Int == 0, "\(before.stdout) \(before.stderr)")
        for flag in ["--json", "--csv", "--service=web"] {
            let piped = try rota.shell(#""$ROTA" report response "# + flag + #" 2>err.txt | head -1 >/dev/null; echo "${PIPESTATUS[0]}""#)
            #expect(piped.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(flag)")
            #expect(try String(contentsOfFile: rota.directory.path + "/err.txt", encoding: .utf8).isEmpty)
        }
        let full = try rota.shell(#""$ROTA" report response > /dev/full"#)
        #expect(full.status == 74 && full.stderr.contains("cannot write the output"), "\(full.stderr)")
    }

    @Test("refusals: an unknown service (69), --json with --csv (64), --to before --from (64); an empty period reports zeros, not an error")
    func refusals() throws {
        let rota = try RotaRunner(files: ["rota.yaml": History.files])
        let unknown = try rota.run(["report", "response", "--service", "nope"])
        #expect(unknown.status == 69 && unknown.stderr.contains("nope"), "\(unknown.stderr)")
        #expect(try rota.run(["report", "response", "--json", "--csv"]).status == 64)
        #expect(try rota.run(["report", "response", "--from", "2026-12-07", "--to", "2026-12-01"]).status == 64)
        let empty = try rota.run(["report", "response", "--json", "--now", "2026-12-07T00:00:00Z"])
        #expect(empty.status == 0 && empty.json["incidents"] as? Int == 0 && (empty.json["tta"] as? [String: Any])?["p50_s"] is NSNull, "\(empty.stdout)")
        // Positive control: one acknowledged incident shows.
        _ = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--now", "2026-12-06T10:00:00Z"])
        _ = try rota.run(["ack", "1", "--as", "ann", "--now", "2026-12-06T10:01:30Z"])
        let one = try rota.run(["report", "response", "--json", "--now", "2026-12-07T00:00:00Z"]).json
        #expect(one["incidents"] as? Int == 1 && (one["tta"] as? [String: Any])?["p50_s"] as? Int == 90, "\(one)")
    }
}
