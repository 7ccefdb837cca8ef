import Foundation
import RotaConfig
import RotaCore
import RotaEngine
import RotaStore
import Testing

/// Crisis mode's pure rules (DESIGN §11, §16): who holds the roles when an incident opens, who
/// hears an update, which reminders are due. Tables of cases; no store, no clock.
@Suite("Crisis rules: roles, audience, reminders")
struct CrisisRulesTests {
    static let rota = try! EngineRig.decode("""
        settings: {timezone: Europe/Paris}
        people:
          - {id: ann, contacts: [{command: [/bin/true]}]}
          - {id: bob, contacts: [{command: [/bin/true]}]}
          - {id: lead, contacts: [{command: [/bin/true]}]}
          - {id: ceo, contacts: [{command: [/bin/true]}]}
          - {id: office, contacts: [{command: [/bin/true]}]}
        schedules:
          - id: leads
            timezone: Europe/Paris
            layers:
              - {members: [ann, bob], start: 2026-10-19T09:00, shift: 1w}
          - id: days
            timezone: Europe/Paris
            layers:
              - {members: [ann], start: 2026-10-19T09:00, shift: 1d, restrict: [{days: mon-fri, from: "09:00", to: "18:00"}]}
        escalations:
          - id: crisis
            levels:
              - {notify: [schedule:days], escalate_after: 10m}
              - {notify: [person:lead], escalate_after: 10m}
              - {notify: [person:ceo, person:lead]}
            roles: {commander: schedule:leads, comms: person:lead}
            stakeholders: [person:office]
            updates_every: 30m
        services:
          - {id: storm, escalation: crisis}
        """)
    static let policy = rota.escalation("crisis")!
    static let paris = Zone(identifier: "Europe/Paris")!

    static func incident(status: AlertStatus = .acknowledged, acknowledgedBy: String? = "bob (link)") -> StoredAlert {
        StoredAlert(id: 7, service: "storm", escalation: "crisis", summary: "storm", details: nil, severity: "critical", dedupKey: nil, count: 1,
                    createdAt: Date(timeIntervalSince1970: 0), acknowledgedBy: acknowledgedBy, resolvedAt: nil, resolvedBy: nil,
                    progress: EscalationProgress(status: status, round: 1, cycleFirstRound: 1, nextLevel: nil, nextDueAt: nil), definition: nil)
    }

    @Test("a role is the person named, or whoever is on call on the schedule when the incident opens; a gap names nobody", arguments: [
        ("2026-10-20T10:00:00Z", "ann"),   // week 1 of leads: ann
        ("2026-10-27T10:00:00Z", "bob"),   // week 2: bob (the Paris clocks went back in between: the week is still 7 local days)
    ])
    func roles(at instant: String, commander: String) {
        let roles = Crisis.roles(Self.policy.roles, timetable: Timetable(rota: Self.rota), at: ISO8601DateFormatter().date(from: instant)!)
        #expect(roles == IncidentRoles(commander: commander, comms: "lead"))
        let gap = Crisis.roles(CrisisRoles(commander: .schedule("days")), timetable: Timetable(rota: Self.rota),
                               at: ISO8601DateFormatter().date(from: "2026-10-25T10:00:00Z")!)  // a Sunday: days has nobody
        #expect(gap.commander == nil && gap.isEmpty)
    }

    @Test("an update goes to the stakeholders, the roles and everyone paged, once each, never to its poster", arguments: [
        (["office"], IncidentRoles(commander: "ann", comms: "lead"), ["lead", "ceo"], "ann", ["office", "lead", "ceo"]),
        (["office"], IncidentRoles(commander: "ann", comms: "lead"), ["ann"], "office", ["ann", "lead"]),
        ([], IncidentRoles(), ["ann", "ann"], nil, ["ann"]),
        ([], IncidentRoles(), [], "ann", []),
    ] as [([String], IncidentRoles, [String], String?, [String])])
    func audience(stakeholders: [String], roles: IncidentRoles, paged: [String], poster: String?, expected: [String]) {
        #expect(Crisis.updateAudience(stakeholders: stakeholders, roles: roles, paged: paged, poster: poster) == expected)
    }

    /// (minutes since the first ack, minutes of the latest update or nil, level reached) → (reminder keys, people told above).
    @Test("reminders: each full silence reminds the commander once, twice it tells the level above once; an update restarts the count", arguments: [
        (29.0, nil, 1, [String](), [String]()),
        (30.0, nil, 1, ["remind|7|A0|1|ann"], []),
        (45.0, nil, 1, ["remind|7|A0|1|ann"], []),
        (60.0, nil, 1, ["remind|7|A0|2|ann", "silence|7|A0|lead"], ["lead"]),
        (60.0, nil, 2, ["remind|7|A0|2|ann", "silence|7|A0|ceo", "silence|7|A0|lead"], ["ceo", "lead"]),   // above the top is the top
        (60.0, nil, 0, ["remind|7|A0|2|ann", "silence|7|A0|lead"], ["lead"]),                               // nothing paged: level 1 is above
        (240.0, nil, 1, ["remind|7|A0|8|ann", "silence|7|A0|lead"], ["lead"]),                              // a runner away: one, not eight
        (50.0, 40.0, 1, [], []),
        (70.0, 40.0, 1, ["remind|7|A40|1|ann"], []),
    ] as [(Double, Double?, Int, [String], [String])])
    func reminders(minutes: Double, update: Double?, level: Int, keys: [String], above: [String]) {
        let ack = ISO8601DateFormatter().date(from: "2026-10-20T10:00:00Z")!
        // `A0`/`A40` in the table: the silence's start in milliseconds.
        let anchor = update.map { ack.addingTimeInterval($0 * 60) } ?? ack
        let expected = keys.map { $0.replacingOccurrences(of: update == nil ? "A0" : "A40", with: String(anchor.millis)) }
        var policy = Self.policy
        policy.levels[0].targets = [.person("lead")]
        let crisis = StoredCrisis(incident: 7, roles: IncidentRoles(commander: "ann", comms: "lead"),
                                  lastUpdateAt: update.map { ack.addingTimeInterval($0 * 60) }, updates: update == nil ? 0 : 1, firstAcknowledgedAt: ack)
        let due = Crisis.reminders(incident: Self.incident(), crisis: crisis, policy: policy, levelReached: level,
                                   timetable: Timetable(rota: Self.rota), now: ack.addingTimeInterval(minutes * 60), zone: Self.paris)
        #expect(due.flatMap { $0.notices.map(\.key) }.sorted() == expected.sorted())
        #expect(due.filter { $0.entry.detail.hasPrefix("level above") }.flatMap { $0.notices.map(\.person) }.sorted() == above)
    }

    @Test("no reminder before the first acknowledgement, once resolved, after a merge, or on a chain without updates_every")
    func noReminders() {
        let ack = ISO8601DateFormatter().date(from: "2026-10-20T10:00:00Z")!
        let later = ack.addingTimeInterval(3 * 3600)
        let acked = StoredCrisis(incident: 7, roles: IncidentRoles(commander: "ann"), firstAcknowledgedAt: ack)
        let timetable = Timetable(rota: Self.rota)
        func due(_ incident: StoredAlert, _ crisis: StoredCrisis, _ policy: EscalationPolicy = Self.policy) -> Int {
            Crisis.reminders(incident: incident, crisis: crisis, policy: policy, levelReached: 1, timetable: timetable, now: later, zone: Self.paris).count
        }
        // Positive control: the same incident, acknowledged and open, is owed reminders.
        #expect(due(Self.incident(), acked) == 2)
        #expect(due(Self.incident(status: .triggered), StoredCrisis(incident: 7, roles: IncidentRoles(commander: "ann"))) == 0)
        #expect(due(Self.incident(status: .resolved), acked) == 0)
        var merged = Self.incident()
        merged.mergedInto = 9
        #expect(due(merged, acked) == 0)
        var quiet = Self.policy
        quiet.updatesEvery = nil
        #expect(due(Self.incident(), acked, quiet) == 0)
    }

    @Test("without a commander the reminder goes to whoever acknowledged (the person behind the door), and says so")
    func acknowledgerReminded() throws {
        let ack = ISO8601DateFormatter().date(from: "2026-10-20T10:00:00Z")!
        let due = Crisis.reminders(incident: Self.incident(acknowledgedBy: "bob (slack)"), crisis: StoredCrisis(incident: 7, firstAcknowledgedAt: ack),
                                   policy: Self.policy, levelReached: 1, timetable: Timetable(rota: Self.rota),
                                   now: ack.addingTimeInterval(1800), zone: Self.paris)
        let notice = try #require(due.first?.notices.first)
        #expect(notice.person == "bob" && notice.text.contains("no commander"))
    }

    @Test("a silence across the autumn clock change is counted in real time: 30 minutes are 30 minutes, the text in Paris time", arguments: [
        // The Paris clocks go back at 03:00 CEST (01:00Z) on 25 October 2026: 02:40 CEST is 00:40Z.
        ("2026-10-25T00:40:00Z", "2026-10-25T01:09:00Z", 0),
        ("2026-10-25T00:40:00Z", "2026-10-25T01:10:00Z", 1),
        ("2026-10-25T00:40:00Z", "2026-10-25T01:40:00Z", 2),
    ])
    func acrossDST(since: String, now: String, periods: Int) {
        let iso = ISO8601DateFormatter()
        let ack = iso.date(from: since)!
        let due = Crisis.reminders(incident: Self.incident(), crisis: StoredCrisis(incident: 7, roles: IncidentRoles(commander: "ann"), firstAcknowledgedAt: ack),
                                   policy: Self.policy, levelReached: 1, timetable: Timetable(rota: Self.rota), now: iso.date(from: now)!, zone: Self.paris)
        let commander = due.first { $0.notices.first?.person == "ann" }
        #expect((commander?.notices.first?.key.split(separator: "|")[3]).map(String.init) == (periods == 0 ? nil : String(periods)))
        if periods > 0 { #expect(commander?.notices.first?.text.contains("Sun 25 Oct 02:40 +02:00") == true, "\(commander?.notices.first?.text ?? "")") }
    }
}
