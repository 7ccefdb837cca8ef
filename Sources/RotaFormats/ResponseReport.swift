import Foundation
import RotaCore
import RotaStore

/// `rota report response` (DESIGN §12, §16): how fast people answered, over a period and the one
/// of equal length before it. Pure: the store's records and the timetable in, figures and
/// documents out.
public struct ResponseReport: Sendable {
    public var from: Date
    public var to: Date
    public var service: String?
    public var current: ResponsePeriod
    /// The period of equal length just before `from`.
    public var previous: ResponsePeriod
    /// The drills of the period, counted apart (DESIGN §12).
    public var drills: DrillFigures

    public init(from: Date, to: Date, service: String?, current: ResponsePeriod, previous: ResponsePeriod, drills: DrillFigures) {
        self.from = from
        self.to = to
        self.service = service
        self.current = current
        self.previous = previous
        self.drills = drills
    }

    public var previousFrom: Date { from.addingTimeInterval(-to.timeIntervalSince(from)) }

    // MARK: from the store's records

    /// The incidents as the figures read them (DESIGN §16): the clocks start at level 1's first
    /// due time (after a maintenance hold or a daytime wait), else the opening; the acknowledgement
    /// is the first by a person, else a person's resolve; the level reached is the highest its own
    /// chain paged; a page counts once per round, level and person, when it first reached them,
    /// the pages of incidents merged into it included (they interrupted someone). An executive
    /// is a person `settings.executives` names at the page's time, else anyone paged at the last
    /// level of the incident's chain (as the files stood when it opened).
    public static func incidents(_ records: [ResponseRecord], timetable: Timetable) -> [ResponseIncident] {
        let current = timetable.current
        var people = Set(current.people.map(\.id))
        for record in records { for page in record.paged { people.insert(page.person) } }
        // Who could be an executive at all: the people named, and every member of the schedules named.
        var candidates: Set<String> = []
        for revision in timetable.revisions {
            for target in revision.rota.settings.executives {
                switch target {
                case .person(let id): candidates.insert(id)
                case .schedule(let id):
                    for layer in revision.rota.schedule(id)?.layers ?? [] { candidates.formUnion(layer.members) }
                    candidates.formUnion(timetable.overrides[id]?.map(\.person) ?? [])
                }
            }
        }
        // Per revision (a handful): when it starts, the executives it names, its chains' last levels.
        let starts = timetable.revisions.map(\.from)
        let named = timetable.revisions.map(\.rota.settings.executives)
        let lastLevels = timetable.revisions.map { revision in
            Dictionary(revision.rota.escalations.map { ($0.id, $0.levels.count) }, uniquingKeysWith: { a, _ in a })
        }
        func revision(at instant: Date) -> Int { starts.lastIndex { $0 <= instant } ?? 0 }
        var incidents: [ResponseIncident] = []
        incidents.reserveCapacity(records.count)
        for record in records {
            var dueAt: Date?
            var level = 0
            for paged in record.paged where paged.own {
                if paged.level == 1, dueAt.map({ paged.dueAt < $0 }) ?? true { dueAt = paged.dueAt }
                level = max(level, paged.level)
            }
            let resolvedAt = record.status == .resolved ? record.resolvedAt : nil
            let ack = ResponseIncident.acknowledgement(record.acknowledgements.map { ($0.at, $0.actor) }, resolvedAt: resolvedAt,
                                                       resolvedBy: record.resolvedBy, people: people)
            let top = lastLevels[revision(at: record.createdAt)][record.escalation]
            var pages: [ResponseIncident.Page] = []
            pages.reserveCapacity(record.paged.count)
            var exposed = false
            for paged in record.paged {
                guard let at = paged.reachedAt else { continue }
                let executives = named.count == 1 ? named[0] : named[revision(at: at)]
                let executive = executives.isEmpty
                    ? paged.own && paged.level == top
                    : candidates.contains(paged.person) && timetable.people(executives, at: at).contains(paged.person)
                exposed = exposed || executive
                pages.append(ResponseIncident.Page(person: paged.person, at: at, level: paged.level, executive: executive))
            }
            incidents.append(ResponseIncident(id: record.id, service: record.service, dueAt: dueAt ?? record.createdAt, acknowledgedAt: ack?.at,
                                              acknowledgedBy: ack?.person, resolvedAt: resolvedAt, levelReached: level,
                                              executive: exposed ? (record.dedupKey?.hasPrefix("surge:") == true ? .surge : .nobodyAnswered) : nil,
                                              pages: pages, openedAt: record.createdAt))
        }
        return incidents
    }

    // MARK: documents

    public func json() -> JSONValue {
        .object([("from", .instant(from)), ("to", .instant(to)), ("service", .text(service))]
                + Self.fields(current)
                + [("drills", Self.drillFields(drills)),
                   ("previous", .object([("from", .instant(previousFrom)), ("to", .instant(from))] + Self.fields(previous)))])
    }

    static func drillFields(_ drills: DrillFigures) -> JSONValue {
        .object([
            ("incidents", .int(drills.runs.count)), ("answered", .int(drills.answered)), ("first_answer", summary(drills.firstAnswer)),
            ("by_person", .array(drills.rows.map { row in
                .object([("person", .string(row.person)), ("level", .int(row.level)), ("paged", .int(row.paged)), ("answered", .int(row.answered)),
                         ("answer_p50_s", row.answerTime.map { .int($0.p50) } ?? .null), ("answer_p90_s", row.answerTime.map { .int($0.p90) } ?? .null)])
            })),
            ("failed_contacts", .array(drills.failed.map { item in
                .object([("incident", .int(item.incident)), ("person", .string(item.contact.person)), ("level", .int(item.contact.level)),
                         ("contact", .string(item.contact.contact)), ("error", .string(item.contact.error)), ("for_good", .bool(item.contact.forGood))])
            })),
            ("runs", .array(drills.runs.map { run in
                .object([("incident", .int(run.incident)), ("drill", .string(run.drill)), ("escalation", .string(run.escalation)),
                         ("opened_at", .instant(run.openedAt)), ("levels", .int(run.paged.map(\.level).max() ?? 0)),
                         ("answers", .array(run.timedAnswers.map { answer in
                             .object([("person", .string(answer.person)), ("level", .int(answer.level)), ("at", .instant(answer.at)),
                                      ("after_s", .int(answer.seconds))])
                         }))])
            })),
        ])
    }

    static func summary(_ summary: ResponseFigures.Summary?) -> JSONValue {
        .object([("p50_s", summary.map { .int($0.p50) } ?? .null), ("p90_s", summary.map { .int($0.p90) } ?? .null),
                 ("mean_s", summary.map { .int($0.mean) } ?? .null)])
    }

    static func fields(_ period: ResponsePeriod) -> [(String, JSONValue)] {
        [("incidents", .int(period.incidents)), ("acknowledged", .int(period.acknowledged)), ("unacknowledged", .int(period.unacknowledged)),
         ("tta", summary(period.tta)), ("ttr", summary(period.ttr)),
         ("by_service", .array(period.byService.map { group in
             .object([("service", .string(group.key)), ("incidents", .int(group.incidents)), ("acknowledged", .int(group.acknowledged)),
                      ("unacknowledged", .int(group.incidents - group.acknowledged)), ("tta", summary(group.tta)), ("ttr", summary(group.ttr))])
         })),
         ("by_level", .array(period.byLevel.map { group in
             .object([("level", .int(Int(group.key) ?? 0)), ("incidents", .int(group.incidents)), ("acknowledged", .int(group.acknowledged)),
                      ("tta_p50_s", group.tta.map { .int($0.p50) } ?? .null), ("tta_p90_s", group.tta.map { .int($0.p90) } ?? .null)])
         })),
         ("reach", .array(period.reach.enumerated().map { .object([("level", .int($0.offset + 1)), ("incidents", .int($0.element))]) })),
         ("by_person", .array(period.byPerson.map { row in
             .object([("person", .string(row.person)), ("pages", .int(row.pages)), ("acks", .int(row.acks)),
                      ("tta_p50_s", row.tta.map { .int($0.p50) } ?? .null),
                      ("business", .int(row.business)), ("off_hours", .int(row.offHours)), ("sleep", .int(row.sleep)),
                      ("on_call_hours", Documents.hours(seconds: row.onCallSeconds)),
                      ("pages_per_100h", row.pagesPer100Hours.map { .double($0) } ?? .null)])
         })),
         ("executive", .object([("incidents", .int(period.executiveIncidents)), ("pages", .int(period.executivePages)),
                                ("by_reason", .object(ResponseIncident.ExecutiveReason.allCases.map { ($0.rawValue, .int(period.executiveByReason[$0] ?? 0)) }))]))]
    }

    /// One row per figure group and period: overall, per service, per level reached, per person.
    public func csv() -> String {
        func seconds(_ value: Int?) -> String { value.map(String.init) ?? "" }
        var rows: [[String]] = []
        for (name, period) in [("current", current), ("previous", previous)] {
            func group(_ section: String, _ group: ResponsePeriod.Group) -> [String] {
                [name, section, group.key, "\(group.incidents)", "\(group.acknowledged)", "\(group.incidents - group.acknowledged)",
                 seconds(group.tta?.p50), seconds(group.tta?.p90), seconds(group.tta?.mean),
                 seconds(group.ttr?.p50), seconds(group.ttr?.p90), seconds(group.ttr?.mean), "", "", "", "", ""]
            }
            rows.append(group("overall", period.overall))
            rows += period.byService.map { group("service", $0) }
            rows += period.byLevel.map { group("level", $0) }
            rows += period.byPerson.map { row in
                [name, "person", row.person, "", "\(row.acks)", "", seconds(row.tta?.p50), seconds(row.tta?.p90), seconds(row.tta?.mean),
                 "", "", "", "\(row.pages)", "\(row.business)", "\(row.offHours)", "\(row.sleep)", row.pagesPer100Hours.map { "\($0)" } ?? ""]
            }
        }
        // Drills: one row per person and level (incidents: times paged; acknowledged: times answered).
        rows += drills.rows.map { row in
            ["drills", "person_level", "\(row.person)@\(row.level)", "\(row.paged)", "\(row.answered)", "\(row.paged - row.answered)",
             seconds(row.answerTime?.p50), seconds(row.answerTime?.p90), seconds(row.answerTime?.mean), "", "", "", "\(row.paged)", "", "", "", ""]
        }
        return CSV.document(header: ["period", "section", "key", "incidents", "acknowledged", "unacknowledged",
                                     "tta_p50_s", "tta_p90_s", "tta_mean_s", "ttr_p50_s", "ttr_p90_s", "ttr_mean_s",
                                     "pages", "business", "off_hours", "sleep", "pages_per_100h"], rows: rows)
    }
}
