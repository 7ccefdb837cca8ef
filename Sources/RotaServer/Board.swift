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
    static func page(_ template: String, title: String, values: [String: Any], now: Date, zone: Zone, nav: String = "") -> String {
        let body = library.render(values, withTemplate: template) ?? ""
        return library.render(["title": title, "style": BoardTemplates.style, "body": body, "home": "/", "nav": nav,
                               "nowISO": TimeText.utc(now), "nowText": HumanTime.format(now, in: zone)], withTemplate: "layout") ?? ""
    }

    static func message(_ heading: String, _ lines: [String], now: Date, zone: Zone) -> String {
        page("message", title: heading, values: ["heading": heading, "lines": lines], now: now, zone: zone)
    }

    // MARK: GET /

    static func overview(rows: [BoardRow], alerts: [AlertStanding], now: Date, zone: Zone) -> String {
        let header = Timeline.layout(shifts: [], gaps: [], zone: zone, from: now, to: now.addingTimeInterval(Double(boardDays) * 86400))
        let values: [String: Any] = [
            "rows": rows.map(row), "days": boardDays, "ticks": header.ticks.map(tick),
            "alerts": alerts.map { standing($0, now: now, zone: zone) }, "has_alerts": !alerts.isEmpty,
        ]
        return page("board", title: "Board", values: values, now: now, zone: zone)
    }

    static func row(_ row: BoardRow) -> [String: Any] {
        var values = onCall(row)
        values["bars"] = row.timeline.bars.map(bar)
        values["ticks"] = row.timeline.ticks.map(tick)
        return values
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

    static func bar(_ bar: Timeline.Bar) -> [String: Any] {
        let who = bar.person.map(shown) ?? "nobody"
        let what = switch bar.kind {
        case .shift: who
        case .override: "\(who) (override)"
        case .gap: "nobody on call"
        case .leave: "\(who) on leave"
        }
        return ["kind": bar.kind.rawValue, "left": number(bar.left), "width": number(bar.width),
                "label": bar.kind == .gap ? "nobody" : bar.kind == .leave ? "\(who) away" : who,
                "title": "\(what): \(bar.clippedStart ? "…" : "")\(bar.from) – \(bar.to)\(bar.clippedEnd ? "…" : "")",
                "from": bar.from, "to": bar.to]
    }

    static func tick(_ tick: Timeline.Tick) -> [String: Any] {
        ["left": number(tick.left), "label": tick.label, "title": tick.title]
    }

    static func standing(_ standing: AlertStanding, now: Date, zone: Zone) -> [String: Any] {
        let alert = standing.alert
        return ["id": alert.id, "service": shown(alert.service), "summary": shown(alert.summary),
                "raisedISO": TimeText.utc(alert.createdAt), "raised": HumanTime.format(alert.createdAt, in: zone), "age": age(alert.createdAt, now: now),
                "level": standing.levelReached.map(String.init) ?? "-",
                "paged": standing.paged.isEmpty ? "nobody yet" : standing.paged.map(shown).joined(separator: ", "),
                "next": shown(standing.next), "triggered": alert.status == .triggered]
    }

    // MARK: GET /schedules/ID

    static func schedule(_ row: BoardRow, weeks: [Timeline], pagers: [SchedulePager], now: Date) -> String {
        let zone = row.schedule.zone
        var values = onCall(row)
        values["zone"] = zone.identifier
        values["days"] = scheduleDays
        values["detail"] = true
        values["weeks"] = weeks.map { week -> [String: Any] in
            ["label": "from " + HumanTime.day(week.from, in: zone), "bars": week.bars.map(bar), "ticks": week.ticks.map(tick),
             "lanes": week.markLanes.map { ["marks": $0.map(bar)] }]
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
        return page("schedule", title: row.schedule.name, values: values, now: now, zone: zone)
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

    // MARK: GET /me/TOKEN

    static func person(_ board: PersonBoard, rota: Rota, token: String, now: Date, zone: Zone) -> String {
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
                return values
            },
            "has_alerts": !board.alerts.isEmpty,
            "calendar": board.calendarURL ?? "",
        ]
        return page("person", title: board.person.name, values: values, now: now, zone: zone)
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

    /// A percentage as CSS reads it (`12.5`, not `12.500000`).
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
