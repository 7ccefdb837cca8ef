import Foundation
import RotaCore
import RotaStore

/// The JSON documents of DESIGN.md §4, built in one place: `--json` prints them, and any other
/// door (an HTTP API) answers with the same shapes. Instants are UTC to the second; keys snake_case.
public enum Documents {
    public static func validation(errors: [(file: String, line: Int, column: Int, message: String)], warnings: [String] = []) -> JSONValue {
        .object([("valid", .bool(errors.isEmpty)), ("errors", .array(errors.map { item in
            .object([("file", .string(item.file)), ("line", .int(item.line)), ("column", .int(item.column)), ("message", .string(item.message))])
        })), ("warnings", .array(warnings.map { .string($0) }))])
    }

    public static func onCall(at instant: Date, _ answers: [(schedule: String, person: String?, until: Date?)]) -> JSONValue {
        .object([("at", .instant(instant)), ("schedules", .array(answers.map { answer in
            .object([("schedule", .string(answer.schedule)), ("person", .text(answer.person)), ("until", .instant(answer.until))])
        }))])
    }

    public static func shifts(from: Date, to: Date, _ shifts: [Shift]) -> JSONValue {
        .object([("from", .instant(from)), ("to", .instant(to)), ("shifts", .raw(shiftArray(shifts)))])
    }

    /// 90 days of 200 schedules is some 25,000 shifts: written straight as bytes, without a tree
    /// of values or a string per time (issue 26). The same text as the objects would give.
    static func shiftArray(_ shifts: [Shift]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(shifts.count * 112 + 2)
        for (index, shift) in shifts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"schedule":"#.utf8)
            JSONValue.quote(shift.schedule, into: &out)
            out.append(contentsOf: #","person":"#.utf8)
            JSONValue.quote(shift.person, into: &out)
            out.append(contentsOf: #","start":""#.utf8)
            TimeText.appendUTC(shift.start, to: &out)
            out.append(contentsOf: #"","end":""#.utf8)
            TimeText.appendUTC(shift.end, to: &out)
            out.append(contentsOf: #""}"#.utf8)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `rota check --json`: every gap, and (`recurring`) the unexpected gaps that come back at the
    /// same wall times of their schedule's `zone`, each series once with its count.
    public static func check(_ report: CoverageReport, zone: (String) -> Zone) -> JSONValue {
        let series: [GapSeries] = GapLine.lines(report.gaps, zone: zone).compactMap { if case .recurring(let series) = $0 { series } else { nil } }
        return .object([
            ("gaps", .array(report.gaps.map { gap in
                .object([("schedule", .string(gap.schedule)), ("start", .instant(gap.start)), ("end", .instant(gap.end))])
            })),
            ("recurring", .array(series.map { series in
                .object([("schedule", .string(series.schedule)), ("from", .string(series.from.description)), ("to", .string(series.to.description)),
                         ("days", .array(series.days.map { .string($0.name) })), ("count", .int(series.count)),
                         ("first_start", .instant(series.gaps.first?.start)), ("last_end", .instant(series.gaps.last?.end)),
                         ("hours", hours(seconds: series.seconds))])
            })),
            ("warnings", .array(report.warnings.map { warning in
                .object([("kind", .string(warning.kind.rawValue)), ("schedule", .text(warning.schedule)),
                         ("at", .instant(warning.at)), ("message", .string(warning.message))])
            })),
            ("expected_gaps", .array(report.expectedGaps.map { gap in
                .object([("schedule", .string(gap.schedule)), ("start", .instant(gap.start)), ("end", .instant(gap.end))])
            })),
        ])
    }

    public static func next(person: String, _ next: NextShift?) -> JSONValue {
        .object([("person", .string(person)), ("schedule", .text(next?.shift.schedule)),
                 ("start", .instant(next?.shift.start)), ("end", .instant(next?.shift.end)),
                 ("from_person", .text(next?.fromPerson)), ("to_person", .text(next?.toPerson))])
    }

    public static func id(_ id: Int) -> JSONValue { .object([("id", .int(id))]) }

    public static func ids(_ ids: [Int]) -> JSONValue { .object([("ids", .array(ids.map { .int($0) }))]) }

    public static func removed(_ id: Int) -> JSONValue { .object([("id", .int(id)), ("removed", .bool(true))]) }

    /// `{"overrides":[…]}` or `{"leave":[…]}`.
    public static func covers(_ kind: StoredCover.Kind, _ rows: [StoredCover]) -> JSONValue {
        .object([(kind == .override ? "overrides" : "leave", .array(rows.map { row in
            var fields: [(String, JSONValue)] = [("id", .int(row.id))]
            if let schedule = row.schedule { fields.append(("schedule", .string(schedule))) }
            fields += [("person", .string(row.person)), ("start", .instant(row.start)), ("end", .instant(row.end)),
                       ("reason", .text(row.reason)), ("created_by", .string(row.createdBy)), ("created_at", .instant(row.createdAt))]
            return .object(fields)
        }))])
    }

    public static func maintenance(_ windows: [StoredMaintenance]) -> JSONValue {
        .object([("maintenance", .array(windows.map { window in
            .object([("id", .int(window.id)), ("service", .string(window.service)), ("start", .instant(window.start)),
                     ("end", .instant(window.end)), ("reason", .text(window.reason)), ("created_by", .string(window.createdBy)),
                     ("created_at", .instant(window.createdAt))])
        }))])
    }

    public static func raised(_ alert: StoredAlert, status: AlertStatus, deduplicated: Bool) -> JSONValue {
        raised(id: alert.id, status: status.rawValue, deduplicated: deduplicated, incident: alert.incidentID)
    }

    /// The answer to a raise, from the CLI or over HTTP (`id` null when nothing was raised), with
    /// the incident it belongs to (DESIGN §10).
    public static func raised(id: Int?, status: String, deduplicated: Bool, incident: Int?) -> JSONValue {
        .object([("id", id.map { .int($0) } ?? .null), ("status", .string(status)), ("deduplicated", .bool(deduplicated)),
                 ("incident", incident.map { .int($0) } ?? .null)])
    }

    /// The answer to a heartbeat's ping, from the CLI or over HTTP.
    public static func pinged(heartbeat id: String, at: Date) -> JSONValue {
        .object([("heartbeat", .string(id)), ("last_ping", .instant(at))])
    }

    /// `rota ack N` / `rota resolve N`: the alert named, and the incident answered with it.
    public static func answered(id: Int, incident: StoredAlert) -> JSONValue {
        .object([("id", .int(id)), ("incident", .int(incident.id)), ("alerts", .int(incident.alertCount)),
                 ("status", .string(incident.incidentStatus))])
    }

    /// `rota incident list`.
    public static func incidents(_ incidents: [(incident: StoredAlert, round: Int, level: Int)]) -> JSONValue {
        .object([("incidents", .array(incidents.map { .object(incidentFields($0.incident, round: $0.round, level: $0.level)) }))])
    }

    /// `rota incident show`: the incident, its alerts' ids, its pages and its timeline.
    public static func incident(_ incident: StoredAlert, round: Int, level: Int, alerts: [StoredAlert], pages: [StoredPage],
                                timeline: [IncidentTimeline.Entry], crisis: StoredCrisis) -> JSONValue {
        .object(incidentFields(incident, round: round, level: level) + [
            ("merged_into", incident.mergedInto.map { .int($0) } ?? .null),
            ("roles", roles(crisis.roles)),
            ("updates", .int(crisis.updates)),
            ("last_update_at", crisis.lastUpdateAt.map { .instant($0) } ?? .null),
            ("alert_ids", .array(alerts.map { .int($0.id) })),
            ("pages", .array(pages.map(pageFields))),
            ("timeline", .array(timeline.map { entry in
                .object([("at", .instant(entry.at)), ("event", .string(entry.event)), ("actor", .string(entry.actor)), ("text", .string(entry.text))])
            })),
        ])
    }

    /// `{"commander": "ann", "comms": null}`: every role, held or not.
    public static func roles(_ roles: IncidentRoles) -> JSONValue {
        .object(CrisisRole.allCases.map { ($0.rawValue, .text(roles[$0])) })
    }

    static func incidentFields(_ incident: StoredAlert, round: Int, level: Int) -> [(String, JSONValue)] {
        [("id", .int(incident.id)), ("service", .string(incident.service)), ("status", .string(incident.incidentStatus)),
         ("severity", .string(incident.peakSeverity)), ("summary", .string(incident.summary)), ("alerts", .int(incident.alertCount)),
         ("created_at", .instant(incident.createdAt)), ("last_alert_at", .instant(incident.lastAlertAt)),
         ("round", .int(round)), ("level", .int(level)),
         ("acknowledged_by", .text(incident.acknowledgedBy)), ("resolved_by", .text(incident.resolvedBy)),
         ("drill", .bool(incident.isDrill))]
    }

    public static func alerts(_ alerts: [StoredAlert]) -> JSONValue {
        .object([("alerts", .array(alerts.map { .object(alertFields($0)) }))])
    }

    /// `rota alert show`: the alert, every page and its log.
    public static func alert(_ alert: StoredAlert, pages: [StoredPage], log: [AuditEvent]) -> JSONValue {
        .object(alertFields(alert) + [
            ("pages", .array(pages.map(pageFields))),
            ("log", .array(log.map { .object([("at", .instant($0.at)), ("event", .string($0.event)), ("detail", .string($0.detail))]) })),
        ])
    }

    static func pageFields(_ page: StoredPage) -> JSONValue {
        .object([("page_id", .string(page.pageID)), ("alert", page.alertID.map { .int($0) } ?? .null), ("round", .int(page.round)),
                 ("level", .int(page.level)), ("person", .string(page.person)), ("contact", .string(page.contactKind)),
                 ("due_at", .instant(page.dueAt)), ("sent_at", .instant(page.sentAt)),
                 ("status", .string(page.status == .sending ? "pending" : page.status.rawValue)),
                 ("attempts", .int(page.attempts)), ("late", .bool(page.late)), ("error", .text(page.lastError))])
    }

    static func alertFields(_ alert: StoredAlert) -> [(String, JSONValue)] {
        [("id", .int(alert.id)), ("service", .string(alert.service)), ("status", .string(alert.ownStatus.rawValue)),
         ("summary", .string(alert.summary)), ("details", .text(alert.details)), ("severity", .string(alert.severity)),
         ("dedup_key", .text(alert.dedupKey)), ("count", .int(alert.count)),
         ("created_at", .instant(alert.createdAt)), ("acknowledged_at", .instant(alert.acknowledgedAt)),
         ("acknowledged_by", .text(alert.acknowledgedBy)), ("resolved_at", .instant(alert.resolvedAt)),
         ("resolved_by", .text(alert.resolvedBy)), ("round", .int(alert.progress.round)), ("held", .text(alert.held)),
         ("incident", .int(alert.incidentID))]
    }

    /// One page in a tick's answer; `status` is sent, failed, failed_for_good or would_send.
    public static func tickPage(_ page: StoredPage, status: String, error: String?) -> JSONValue {
        .object([("alert", page.alertID.map { .int($0) } ?? .null), ("notice", .text(page.noticeKey)),
                 ("page_id", .string(page.pageID)), ("round", .int(page.round)), ("level", .int(page.level)),
                 ("person", .string(page.person)), ("contact", .string(page.contactKind)),
                 ("due_at", .instant(page.dueAt)), ("late", .bool(page.late)),
                 ("status", .string(status)), ("error", .text(error))])
    }

    public static func tick(at: Date, pages: [JSONValue], errors: [String], dryRun: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = [("at", .instant(at))]
        if dryRun { fields.append(("dry_run", .bool(true))) }
        return .object(fields + [("pages", .array(pages)), ("errors", .array(errors.map { .string($0) }))])
    }

    /// `crisis`: the chain's roles, stakeholders and `updates_every` as they would stand (DESIGN §11), when it names them.
    public static func simulation(service: String, _ timeline: [LevelDue],
                                  crisis: (roles: IncidentRoles, stakeholders: [String], updatesEvery: Int?)? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("service", .string(service)), ("timeline", .array(timeline.map { step in
            .object([("at", .instant(step.dueAt)), ("round", .int(step.round)), ("level", .int(step.level)),
                     ("people", .array(step.people.map { .string($0) })),
                     ("empty_schedules", .array(step.emptySchedules.map { .string($0) }))])
        }))]
        if let crisis {
            fields.append(("crisis", .object([("roles", roles(crisis.roles)), ("stakeholders", .array(crisis.stakeholders.map { .string($0) })),
                                              ("updates_every_seconds", crisis.updatesEvery.map { .int($0) } ?? .null)])))
        }
        return .object(fields)
    }

    public static func status(_ status: RunnerStatus, problems: [String], held: [(id: Int, reason: String)] = []) -> JSONValue {
        .object([("last_tick", .instant(status.lastTick)), ("last_tick_host", status.lastTickHost.map { .string($0) } ?? .null),
                 ("open_alerts", .int(status.openAlerts)),
                 ("pages_pending", .int(status.pagesPending)), ("pages_failed", .int(status.pagesFailed)),
                 ("pages_failed_for_good", .int(status.pagesFailedForGood)), ("problems", .array(problems.map { .string($0) })),
                 ("waiting", .array(held.map { .object([("id", .int($0.id)), ("reason", .string($0.reason))]) }))])
    }

    public static func log(_ events: [AuditEvent]) -> JSONValue {
        .object([("events", .array(events.map { event in
            .object([("at", .instant(event.at)), ("actor", .string(event.actor)), ("event", .string(event.event)),
                     ("detail", .string(event.detail))])
        }))])
    }

    /// Hours as a JSON number to at most 4 decimals.
    public static func hours(units: Int) -> JSONValue { .double(Double(HoursTally.text(units: units)) ?? 0) }
    public static func hours(seconds: Int) -> JSONValue { hours(units: HoursTally.units(seconds)) }

    public static func hoursReport(from: Date, to: Date, _ rows: [HoursTally.Row]) -> JSONValue {
        .object([("from", .instant(from)), ("to", .instant(to)), ("people", .array(rows.map { row in
            let f = HoursTally.figures(row.hours).map { hours(units: $0) }
            return .object([("person", .string(row.person)), ("hours", f[0]), ("weekday_day", f[1]), ("weekday_night", f[2]),
                            ("weekend", f[3]), ("holiday", f[4]), ("pages", .int(row.pages)), ("night_pages", .int(row.nightPages))])
        }))])
    }

    public static func fairness(from: Date, to: Date, _ schedules: [HoursTally.ScheduleRows]) -> JSONValue {
        .object([("from", .instant(from)), ("to", .instant(to)), ("schedules", .array(schedules.map { schedule in
            let people = schedule.people.map { row -> JSONValue in
                .object([("person", .string(row.person)), ("hours", hours(seconds: row.hours.total)),
                         ("weekend", hours(seconds: row.hours.weekend)), ("holiday", hours(seconds: row.hours.holiday)),
                         ("night_pages", .int(row.nightPages))])
            }
            let spread = schedule.spread
            let layers = schedule.layers.map { layer -> JSONValue in
                let spread = layer.spread
                return .object([("layer", .string(layer.id)), ("people", .array(layer.people.map { row in
                    .object([("person", .string(row.person)), ("hours", hours(seconds: row.hours.total)),
                             ("weekend", hours(seconds: row.hours.weekend)), ("holiday", hours(seconds: row.hours.holiday))])
                })), ("spread", .object([("hours", hours(seconds: spread.hours)), ("weekend", hours(seconds: spread.weekend)),
                                         ("holiday", hours(seconds: spread.holiday))]))])
            }
            return .object([("schedule", .string(schedule.id)), ("people", .array(people)),
                            ("spread", .object([("hours", hours(seconds: spread.hours)), ("weekend", hours(seconds: spread.weekend)),
                                                ("holiday", hours(seconds: spread.holiday)), ("night_pages", .int(spread.nightPages))])),
                            ("layers", .array(layers))])
        }))])
    }
}

/// Comma-separated values: a header line, fields quoted where they must be (RFC 4180).
public enum CSV {
    public static func field(_ text: String) -> String {
        text.utf8.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    public static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
    }

    public static func shifts(_ shifts: [Shift]) -> String {
        document(header: ["schedule", "person", "start", "end"],
                 rows: shifts.map { [$0.schedule, $0.person, TimeText.utc($0.start), TimeText.utc($0.end)] })
    }

    public static func hours(_ rows: [HoursTally.Row]) -> String {
        document(header: ["person", "hours", "weekday_day", "weekday_night", "weekend", "holiday", "pages", "night_pages"],
                 rows: rows.map { row in
                     [row.person] + HoursTally.figures(row.hours).map { HoursTally.text(units: $0) } + ["\(row.pages)", "\(row.nightPages)"]
                 })
    }
}
