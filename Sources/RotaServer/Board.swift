import Foundation
import Mustache
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// The board's pages (DESIGN §6.1): the Kit's answers turned into the values the templates
/// show. Times in each schedule's zone, as the CLI's tables write them; `<time>` carries UTC.
enum Board {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in BoardTemplates.all {
            // The templates are constants of this file's module, parsed once; a broken one is a programming error caught by the tests.
            if let template = try? MustacheTemplate(string: text) { library.register(template, named: name) }
        }
        return library
    }()

    static let boardDays = 14
    static let scheduleDays = 28

    /// A whole page: the layout around one of the templates.
    /// `warning`: what the page must say first (the workspace's stand-in for invalid rota files).
    static func page(_ template: String, title: String, values: [String: Any], now: Date, zone: Zone, nav: String = "",
                     warning: String? = nil) -> String {
        let body = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "style": BoardTemplates.style, "body": body, "home": "/", "nav": nav,
                                     "nowISO": TimeText.utc(now), "nowText": HumanTime.format(now, in: zone)]
        if let warning { layout["warning"] = shown(warning) }
        return library.render(layout, withTemplate: "layout") ?? ""
    }

    static func message(_ heading: String, _ lines: [String], now: Date, zone: Zone) -> String {
        page("message", title: heading, values: ["heading": heading, "lines": lines], now: now, zone: zone)
    }

    // MARK: GET /

    static func overview(schedules: String, alerts: [AlertStanding], now: Date, zone: Zone, warning: String? = nil) -> String {
        let values: [String: Any] = [
            "schedules": schedules, "alerts": alerts.map { standing($0, now: now, zone: zone) }, "has_alerts": !alerts.isEmpty,
        ]
        return page("board", title: "Board", values: values, now: now, zone: zone, warning: warning)
    }

    /// The board's schedules: the on-call table and the timeline (what the server keeps between requests).
    static func schedules(_ rows: [BoardRow], now: Date, zone: Zone) -> String {
        let header = Timeline.layout(shifts: [], gaps: [], zone: zone, from: now, to: now.addingTimeInterval(Double(boardDays) * 86400))
        var tracks = ""
        for row in rows { tracks += track(row.schedule.id, row.timeline.bars, ticks: row.timeline.ticks, detail: false) }
        return library.render(["rows": rows.map(onCall), "days": boardDays, "ticks": header.ticks.map(tick), "tracks": tracks],
                              withTemplate: "schedules") ?? ""
    }

    /// A row of bars, written directly (a 200-schedule board has thousands; Mustache's lookups
    /// took most of the page's time) with the same escaping as the templates.
    static func track(_ id: String, _ bars: [Timeline.Bar], ticks: [Timeline.Tick], detail: Bool, marks: Bool = false) -> String {
        let id = escape(shown(id))
        var html = marks
            ? "<div class=\"row\"><span class=\"name muted\">overrides, leave</span><ol class=\"track marks\" aria-label=\"overrides and leave\">"
            : "<div class=\"row\"><a class=\"name\" href=\"/schedules/\(id)\">\(id)</a><ol class=\"track\" aria-label=\"\(id)\">"
        for tick in ticks { html += "<i style=\"left:\(number(tick.left))%\"></i>" }
        for bar in bars {
            let text = words(bar)
            html += "<li class=\"\(bar.kind.rawValue)\" style=\"left:\(number(bar.left))%;width:\(number(bar.width))%\" title=\"\(escape(text.title))\">"
            html += escape(text.label)
            if detail { html += "<span class=\"sr\"> \(escape(bar.from)) to \(escape(bar.to))</span>" }
            html += "</li>"
        }
        return html + "</ol></div>\n"
    }

    static func onCall(_ row: BoardRow) -> [String: Any] {
        var values: [String: Any] = ["id": shown(row.schedule.id), "name": shown(row.schedule.name)]
        if let person = row.person { values["person"] = shown(person) }
        if let until = row.until {
            values["until"] = HumanTime.format(until, in: row.schedule.zone)
            values["untilISO"] = TimeText.utc(until)
        }
        return values
    }

    /// A bar's label and title: `camille (override): Mon 30 Nov 09:00 +01:00 – …`.
    static func words(_ bar: Timeline.Bar) -> (label: String, title: String) {
        let who = bar.person.map(shown) ?? "nobody"
        let what = switch bar.kind {
        case .shift: who
        case .override: "\(who) (override)"
        case .gap: "nobody on call"
        case .leave: "\(who) on leave"
        }
        return (bar.kind == .gap ? "nobody" : bar.kind == .leave ? "\(who) away" : who,
                "\(what): \(bar.clippedStart ? "…" : "")\(bar.from) – \(bar.to)\(bar.clippedEnd ? "…" : "")")
    }

    static func tick(_ tick: Timeline.Tick) -> [String: Any] {
        ["left": number(tick.left), "label": tick.label, "title": tick.title]
    }

    static func standing(_ standing: AlertStanding, now: Date, zone: Zone) -> [String: Any] {
        let alert = standing.alert
        return ["id": alert.id, "service": shown(alert.service), "summary": shown(alert.summary), "severity": shown(alert.peakSeverity),
                "alerts": alert.alertCount,
                "raisedISO": TimeText.utc(alert.createdAt), "raised": HumanTime.format(alert.createdAt, in: zone), "age": age(alert.createdAt, now: now),
                "level": standing.levelReached.map(String.init) ?? "-",
                "paged": standing.paged.isEmpty ? "nobody yet" : standing.paged.map(shown).joined(separator: ", "),
                "next": shown(standing.next), "triggered": alert.status == .triggered]
    }

    // MARK: GET /schedules/ID

    static func schedule(_ row: BoardRow, weeks: [Timeline], pagers: [SchedulePager], now: Date, warning: String? = nil) -> String {
        let zone = row.schedule.zone
        var values = onCall(row)
        values["zone"] = zone.identifier
        values["days"] = scheduleDays
        values["weeks"] = weeks.map { week -> [String: Any] in
            ["label": "from " + HumanTime.day(week.from, in: zone), "ticks": week.ticks.map(tick),
             "tracks": track(row.schedule.id, week.bars, ticks: week.ticks, detail: true)
                + week.markLanes.map { track(row.schedule.id, $0, ticks: [], detail: true, marks: true) }.joined()]
        }
        values["shifts"] = row.timeline.bars.map { bar -> [String: Any] in
            var item: [String: Any] = ["kind": bar.kind.rawValue, "startISO": TimeText.utc(bar.start), "endISO": TimeText.utc(bar.end),
                                       "from": (bar.clippedStart ? "…" : "") + bar.from, "to": bar.to + (bar.clippedEnd ? "…" : ""),
                                       "override": bar.kind == .override]
            if let person = bar.person { item["person"] = shown(person) }
            return item
        }
        let covers = row.timeline.marks
        values["covers"] = covers.map { mark -> [String: Any] in
            ["kind": mark.kind == .leave ? "leave" : "override", "person": shown(mark.person ?? ""),
             "startISO": TimeText.utc(mark.start), "endISO": TimeText.utc(mark.end), "from": mark.from, "to": mark.to]
        }
        values["has_covers"] = !covers.isEmpty
        values["pagers"] = pagers.map { pager -> [String: Any] in
            ["level": pager.level, "escalation": shown(pager.escalation.id), "services": pager.services.map(shown).joined(separator: ", ")]
        }
        values["has_pagers"] = !pagers.isEmpty
        return page("schedule", title: row.schedule.name, values: values, now: now, zone: zone, warning: warning)
    }

    /// The schedule's 28 days cut into weeks from today's local midnight, one row each.
    static func weeks(of row: BoardRow, now: Date) -> [(from: Date, to: Date)] {
        let zone = row.schedule.zone
        let today = zone.wall(at: now).date
        return (0..<(scheduleDays / 7)).map { week in
            (zone.instant(of: LocalDateTime(date: today.adding(days: 7 * week), secondOfDay: 0)),
             zone.instant(of: LocalDateTime(date: today.adding(days: 7 * (week + 1)), secondOfDay: 0)))
        }
    }

    // MARK: GET /incidents/N

    static func incident(_ detail: IncidentDetail, standing: AlertStanding, timeline: [IncidentTimeline.Entry], now: Date, zone: Zone,
                         warning: String? = nil) -> String {
        let incident = detail.view.incident
        var values = Self.standing(standing, now: now, zone: zone)
        values["status"] = incident.mergedInto.map { "merged into incident #\($0)" } ?? incident.status.rawValue
        if !detail.crisis.roles.isEmpty || detail.crisis.updates > 0 {
            values["roles"] = "Commander: \(shown(detail.crisis.roles.commander ?? "nobody")). Comms: \(shown(detail.crisis.roles.comms ?? "nobody"))."
        }
        values["updates"] = timeline.filter { $0.event == "update" }.reversed().map { entry -> [String: Any] in
            ["atISO": TimeText.utc(entry.at), "at": HumanTime.format(entry.at, in: zone), "actor": shown(entry.actor), "text": shown(entry.text)]
        }
        values["has_updates"] = timeline.contains { $0.event == "update" }
        values["latestISO"] = TimeText.utc(incident.lastAlertAt)
        values["latest"] = HumanTime.format(incident.lastAlertAt, in: zone)
        values["members"] = detail.alerts.map { alert -> [String: Any] in
            ["id": alert.id, "service": shown(alert.service), "summary": shown(alert.summary), "severity": shown(alert.severity),
             "status": alert.ownStatus.rawValue, "raisedISO": TimeText.utc(alert.createdAt), "raised": HumanTime.format(alert.createdAt, in: zone)]
        }
        values["timeline"] = timeline.map { entry -> [String: Any] in
            ["atISO": TimeText.utc(entry.at), "at": HumanTime.format(entry.at, in: zone), "event": entry.event, "actor": shown(entry.actor),
             "text": shown(entry.text)]
        }
        return page("incident", title: "Incident #\(incident.id)", values: values, now: now, zone: zone, warning: warning)
    }

    // MARK: GET /me/TOKEN

    static func person(_ board: PersonBoard, rota: Rota, token: String, now: Date, zone: Zone, warning: String? = nil) -> String {
        let shifts = board.shifts.map { shift -> [String: Any] in
            let shown = rota.schedule(shift.schedule)?.zone ?? zone
            return ["schedule": Board.shown(shift.schedule), "startISO": TimeText.utc(shift.start), "endISO": TimeText.utc(shift.end),
                    "from": HumanTime.format(shift.start, in: shown), "to": HumanTime.format(shift.end, in: shown)]
        }
        let values: [String: Any] = [
            "name": shown(board.person.name), "days": 28, "shifts": shifts, "has_shifts": !shifts.isEmpty,
            "alerts": board.alerts.map { item -> [String: Any] in
                var values = standing(item.standing, now: now, zone: zone)
                values["answer"] = item.answer
                values["action"] = "/me/\(token)"
                if !item.roles.isEmpty {
                    values["roles"] = "Commander: \(shown(item.roles.commander ?? "nobody")). Comms: \(shown(item.roles.comms ?? "nobody"))."
                }
                return values
            },
            "has_alerts": !board.alerts.isEmpty,
            "calendar": board.calendarURL ?? "",
        ]
        return page("person", title: board.person.name, values: values, now: now, zone: zone, warning: warning)
    }

    // MARK: text

    /// Untrusted text as it may be shown: control characters as visible escapes (the template escapes HTML).
    static func shown(_ text: String) -> String {
        TerminalText.escaped(text, keepNewlines: true)
    }

    /// `3m`, `2h 05m`, `4d 3h`: how long ago.
    static func age(_ since: Date, now: Date) -> String {
        let minutes = max(0, Int(now.timeIntervalSince(since) / 60))
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 { return "\(minutes / 60)h \(minutes % 60 < 10 ? "0" : "")\(minutes % 60)m" }
        return "\(minutes / 1440)d \((minutes % 1440) / 60)h"
    }

    /// A percentage (0–100, hundredths) as CSS reads it: `12.5`, `7.14`, `0`.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = hundredths / 100, part = hundredths % 100
        if part == 0 { return String(whole) }
        return part % 10 == 0 ? "\(whole).\(part / 10)" : "\(whole).\(part < 10 ? "0" : "")\(part)"
    }

    /// HTML escaping, as the templates do it.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
