import Foundation
import Testing

/// A rota whose `web` service groups by the `source` label within 30 minutes, paged through a
/// recorder that logs the incident and its alert count.
private func groupedRota() throws -> (rota: RotaRunner, log: String) {
    let rota = try RotaRunner(files: [:])
    let dir = rota.directory.path
    let log = dir + "/pages.log"
    try """
        #!/bin/sh
        echo "$ROTA_PERSON $ROTA_ALERT_ID $ROTA_ALERT_COUNT $ROTA_NOTICE" >> "\(log)"
        cat > "\(dir)/last-page.txt"
        """.write(toFile: dir + "/pager.sh", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/pager.sh")
    try rota.write("r.yaml", """
        settings: {timezone: UTC}
        people:
          - {id: ann, contacts: [{command: ["\(dir)/pager.sh"]}]}
          - {id: boss, contacts: [{command: ["\(dir)/pager.sh"]}]}
        escalations: [{id: e, levels: [{notify: [person:ann], escalate_after: 10m}, {notify: [person:boss]}]}]
        services:
          - {id: web, escalation: e, group: {within: 30m, by: [source]}}
          - {id: db, escalation: e}
        """)
    return (rota, log)
}

private func lines(_ log: String) -> [String] {
    ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

@Suite("Incidents from the command line")
struct IncidentCommandTests {
    @Test("group.by: equal --label values join one incident, paging nobody; another value opens its own; the page carries the count")
    func groupingByLabel() throws {
        let (rota, log) = try groupedRota()
        func raise(_ summary: String, source: String, at time: String) throws -> [String: Any] {
            let result = try rota.run(["alert", "raise", "--service", "web", "--summary", summary, "--label", "source=\(source)", "--json", "--now", time])
            #expect(result.status == 0, "\(result.stderr)")
            return result.json
        }
        let first = try raise("twitter storm", source: "twitter", at: "2026-03-03T09:00:00Z")
        #expect(first["incident"] as? Int == 1)
        let join = try raise("more on twitter", source: "twitter", at: "2026-03-03T09:05:00Z")
        #expect(join["id"] as? Int == 2 && join["incident"] as? Int == 1)
        let other = try raise("facebook comment", source: "facebook", at: "2026-03-03T09:06:00Z")
        #expect(other["incident"] as? Int == 3, "another source opens its own incident")
        #expect(lines(log) == ["ann 1 1 ", "ann 3 1 "], "the join paged nobody (positive control: the other source paged)")
        let human = try rota.run(["alert", "raise", "--service", "web", "--summary", "again", "--label", "source=twitter", "--now", "2026-03-03T09:07:00Z"])
        #expect(human.stdout.contains("joined open incident #1"), "\(human.stdout)")
        // Level 2 of the grouped incident names its three alerts.
        #expect(try rota.run(["tick", "--now", "2026-03-03T09:10:00Z"]).status == 0)
        #expect(lines(log).contains("boss 1 3 "), "\(lines(log))")
        let page = try String(contentsOfFile: rota.directory.path + "/last-page.txt", encoding: .utf8)
        #expect(page.contains("Incident #1 on web (web), severity high: 3 alerts.") && page.contains("- again"), "\(page)")
        // A bad label is refused before anything is stored.
        let bad = try rota.run(["alert", "raise", "--service", "web", "--summary", "x", "--label", "nokey"])
        #expect(bad.status == 64 && bad.stderr.contains("key=value"))
    }

    @Test("ack with any alert's id answers the whole incident and says so; merge moves incidents in, tells who was paged, and is logged")
    func answerAndMerge() throws {
        let (rota, log) = try groupedRota()
        for (index, source) in ["a", "a", "a", "b"].enumerated() {
            _ = try rota.run(["alert", "raise", "--service", "web", "--summary", "s\(index)", "--label", "source=\(source)",
                              "--now", "2026-03-03T09:0\(index):00Z"])
        }
        let db = try rota.run(["alert", "raise", "--service", "db", "--summary", "db slow", "--json", "--now", "2026-03-03T09:05:00Z"])
        let dbID = try #require(db.json["id"] as? Int)
        // Merge the db incident and the b incident into incident 1.
        let merged = try rota.run(["incident", "merge", "1", "4", String(dbID), "--as", "ann", "--json", "--now", "2026-03-03T09:06:00Z"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.json["alerts"] as? Int == 5 && merged.json["merged"] as? [Int] == [4, dbID])
        #expect(lines(log).filter { $0.hasSuffix(" merged") }.isEmpty, "queued, sent by the runner")
        #expect(try rota.run(["tick", "--now", "2026-03-03T09:06:00Z"]).status == 0)
        #expect(lines(log).filter { $0.hasSuffix(" merged") } == ["ann   merged"], "ann, paged for both, is told once: \(lines(log))")
        let list = try rota.run(["incident", "list", "--json", "--now", "2026-03-03T09:06:00Z"]).json["incidents"] as? [[String: Any]] ?? []
        #expect(list.map { $0["id"] as? Int } == [1], "merged incidents are listed only with --all")
        let all = try rota.run(["incident", "list", "--all", "--json", "--now", "2026-03-03T09:06:00Z"]).json["incidents"] as? [[String: Any]] ?? []
        #expect(all.filter { $0["status"] as? String == "merged" }.count == 2)
        // Ack through the db alert: the whole incident, in words and in JSON.
        let ack = try rota.run(["ack", String(dbID), "--as", "ann", "--now", "2026-03-03T09:07:00Z"])
        #expect(ack.stdout.contains("acknowledged incident #1 (5 alerts)"), "\(ack.stdout)")
        let json = try rota.run(["ack", "2", "--json", "--now", "2026-03-03T09:08:00Z"]).json
        #expect(json["id"] as? Int == 2 && json["incident"] as? Int == 1 && json["alerts"] as? Int == 5 && json["status"] as? String == "acknowledged")
        let shown = try rota.run(["incident", "show", "4", "--json", "--now", "2026-03-03T09:08:00Z"]).json
        #expect(shown["id"] as? Int == 1 && (shown["alert_ids"] as? [Int])?.count == 5)
        let events = (shown["timeline"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
        #expect(events.first == "opened" && events.contains("joined") && events.contains("merged") && events.contains("acknowledged"), "\(events)")
        // Merging into an answered-away incident is refused with a usage error; an unknown id is not found.
        _ = try rota.run(["resolve", "1", "--as", "ann", "--now", "2026-03-03T09:09:00Z"])
        let refused = try rota.run(["incident", "merge", "1", "3", "--now", "2026-03-03T09:10:00Z"])
        #expect(refused.status == 64 && refused.stderr.contains("resolved"), "\(refused.stderr)")
        #expect(try rota.run(["incident", "show", "99"]).status == 69)
    }
}
