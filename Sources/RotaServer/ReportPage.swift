import Foundation
import RotaCore
import RotaFormats

/// `GET /report` (DESIGN §12): the response report's figures as a page, with bar charts drawn
/// here as SVG (no JavaScript, nothing fetched): time to acknowledge per service, interruptions
/// per person, reach per level. Every figure is also in a table (a chart is never the only way
/// to read it), and each value carries `data-key` / `data-value` for machines.
extension Board {
    static func report(_ report: ResponseReport, now: Date, zone: Zone, warning: String? = nil) -> String {
        let current = report.current, previous = report.previous
        func seconds(_ value: Int?) -> String { value.map(IncidentReport.spoken) ?? "—" }
        func cell(_ key: String, _ value: Int?, text: String? = nil) -> [String: Any] {
            ["key": key, "value": value.map(String.init) ?? "", "text": text ?? value.map(String.init) ?? "—"]
        }
        func figures(_ period: ResponsePeriod, prefix: String) -> [[String: Any]] {
            [cell(prefix + "incidents", period.incidents), cell(prefix + "acknowledged", period.acknowledged),
             cell(prefix + "unacknowledged", period.unacknowledged),
             cell(prefix + "tta.p50_s", period.tta?.p50, text: seconds(period.tta?.p50)),
             cell(prefix + "tta.p90_s", period.tta?.p90, text: seconds(period.tta?.p90)),
             cell(prefix + "tta.mean_s", period.tta?.mean, text: seconds(period.tta?.mean)),
             cell(prefix + "ttr.p50_s", period.ttr?.p50, text: seconds(period.ttr?.p50)),
             cell(prefix + "ttr.p90_s", period.ttr?.p90, text: seconds(period.ttr?.p90)),
             cell(prefix + "executive.incidents", period.executiveIncidents), cell(prefix + "executive.pages", period.executivePages)]
        }
        let names = ["Incidents", "Acknowledged", "Never acknowledged", "Time to acknowledge, p50", "Time to acknowledge, p90",
                     "Time to acknowledge, mean", "Time to resolve, p50", "Time to resolve, p90", "Executives paged (incidents)",
                     "Pages to executives"]
        let now_ = figures(current, prefix: ""), before = figures(previous, prefix: "previous.")
        let rows: [[String: Any]] = names.indices.map { ["name": names[$0], "now": now_[$0], "before": before[$0]] }
        let services: [[String: Any]] = current.byService.map { group in
            ["service": group.key, "incidents": cell("by_service.\(group.key).incidents", group.incidents),
             "unacknowledged": cell("by_service.\(group.key).unacknowledged", group.incidents - group.acknowledged),
             "p50": cell("by_service.\(group.key).tta.p50_s", group.tta?.p50, text: seconds(group.tta?.p50)),
             "p90": cell("by_service.\(group.key).tta.p90_s", group.tta?.p90, text: seconds(group.tta?.p90))]
        }
        let people: [[String: Any]] = current.byPerson.map { row in
            ["person": row.person, "pages": cell("by_person.\(row.person).pages", row.pages),
             "business": cell("by_person.\(row.person).business", row.business),
             "off_hours": cell("by_person.\(row.person).off_hours", row.offHours),
             "sleep": cell("by_person.\(row.person).sleep", row.sleep),
             "per100": ["key": "by_person.\(row.person).pages_per_100h", "value": row.pagesPer100Hours.map { "\($0)" } ?? "",
                        "text": row.pagesPer100Hours.map { "\($0)" } ?? "—"],
             "acks": cell("by_person.\(row.person).acks", row.acks)]
        }
        let reach: [[String: Any]] = current.reach.enumerated().map { ["level": $0.offset + 1, "count": cell("reach.\($0.offset + 1).incidents", $0.element)] }
        let reasons = ResponseIncident.ExecutiveReason.allCases.map { reason in
            cell("executive.by_reason.\(reason.rawValue)", current.executiveByReason[reason] ?? 0)
        }
        let values: [String: Any] = [
            "from": HumanTime.format(report.from, in: zone, year: true), "to": HumanTime.format(report.to, in: zone, year: true),
            "fromISO": TimeText.utc(report.from), "toISO": TimeText.utc(report.to), "zone": zone.identifier,
            "service": report.service ?? "", "has_service": report.service != nil,
            "rows": rows, "services": services, "has_services": !services.isEmpty, "people": people, "has_people": !people.isEmpty,
            "reach": reach, "has_reach": !reach.isEmpty, "nobody_answered": reasons[0], "surge": reasons[1],
            "drills": report.drills.runs.count, "has_drills": !report.drills.runs.isEmpty,
            "drills_answered": cell("drills.answered", report.drills.answered),
            "drill_rows": report.drills.rows.map { row -> [String: Any] in
                let key = "drills.by_person.\(row.person)@\(row.level)"
                return ["person": row.person, "level": row.level, "paged": cell(key + ".paged", row.paged),
                        "answered": cell(key + ".answered", row.answered),
                        "p50": cell(key + ".answer_p50_s", row.answerTime?.p50, text: seconds(row.answerTime?.p50))]
            },
            "drill_failures": report.drills.failed.map { item -> [String: Any] in
                ["incident": item.incident, "person": item.contact.person, "level": item.contact.level, "contact": item.contact.contact,
                 "error": item.contact.error, "state": item.contact.forGood ? "failed for good" : "failed"]
            },
            "tta_chart": SVGBars.chart(title: "Time to acknowledge per service: p50 and p90", unit: "duration",
                                       rows: current.byService.map { group in
                                           SVGBars.Row(label: group.key, bars: [
                                               .init(value: Double(group.tta?.p50 ?? 0), text: "p50 " + seconds(group.tta?.p50), kind: "b-p50"),
                                               .init(value: Double(group.tta?.p90 ?? 0), text: "p90 " + seconds(group.tta?.p90), kind: "b-p90"),
                                           ], stacked: false)
                                       }),
            "interruption_chart": SVGBars.chart(title: "Pages per person by the part of their day they interrupted", unit: "count",
                                                rows: current.byPerson.map { row in
                                                    SVGBars.Row(label: row.person, bars: [
                                                        .init(value: Double(row.business), text: "business \(row.business)", kind: "b-business"),
                                                        .init(value: Double(row.offHours), text: "off hours \(row.offHours)", kind: "b-off"),
                                                        .init(value: Double(row.sleep), text: "sleep \(row.sleep)", kind: "b-sleep"),
                                                    ], stacked: true)
                                                }),
            "reach_chart": SVGBars.chart(title: "Incidents that reached each level", unit: "count",
                                         rows: current.reach.enumerated().map { level, count in
                                             SVGBars.Row(label: "level \(level + 1)", bars: [.init(value: Double(count), text: "\(count)", kind: "b-reach")], stacked: false)
                                         }),
        ]
        return page("report", title: "Response", values: values, now: now, zone: zone, warning: warning)
    }
}

/// Horizontal bar charts as inline SVG: a label column, bars scaled to the largest value, each
/// value written beside its bar (and in the bar's `<title>`), so the figures read without colour.
/// Sized for a phone (a 360-unit view box that scales to the page) and kept to 40rem on a desk.
enum SVGBars {
    struct Bar {
        var value: Double
        var text: String
        /// The CSS class that colours it.
        var kind: String
    }

    struct Row {
        var label: String
        var bars: [Bar]
        /// Stacked: the bars are parts of one total; else one bar under the other.
        var stacked: Bool
    }

    static func chart(title: String, unit: String, rows: [Row]) -> String {
        let labelWidth = 96.0, barStart = 100.0, barSpace = 170.0, line = 16.0
        let largest = rows.map { row in row.stacked ? row.bars.reduce(0) { $0 + $1.value } : row.bars.map(\.value).max() ?? 0 }.max() ?? 0
        func scaled(_ value: Double) -> Double { largest > 0 ? value / largest * barSpace : 0 }
        func n(_ value: Double) -> String { Board.number(value) }
        var y = 4.0
        var body = ""
        for row in rows {
            let lines = row.stacked ? 1 : max(1, row.bars.count)
            let height = Double(lines) * line
            let label = Board.escape(Board.shown(row.label))
            body += "<text class=\"c-label\" x=\"0\" y=\"\(n(y + 12))\" textLength=\"\(n(min(labelWidth, Double(row.label.count) * 7)))\" lengthAdjust=\"spacingAndGlyphs\">\(label)</text>"
            var x = barStart
            for (index, bar) in row.bars.enumerated() {
                let width = scaled(bar.value)
                let top = row.stacked ? y : y + Double(index) * line
                body += "<rect class=\"\(bar.kind)\" x=\"\(n(row.stacked ? x : barStart))\" y=\"\(n(top + 2))\" width=\"\(n(width))\" height=\"\(n(line - 4))\"><title>\(label): \(Board.escape(bar.text))</title></rect>"
                if row.stacked {
                    x += width
                } else {
                    body += "<text class=\"c-value\" x=\"\(n(barStart + width + 3))\" y=\"\(n(top + 12))\">\(Board.escape(bar.text))</text>"
                }
            }
            if row.stacked {
                let total = row.bars.reduce(0) { $0 + $1.value }
                body += "<text class=\"c-value\" x=\"\(n(x + 3))\" y=\"\(n(y + 12))\">\(n(total))</text>"
            }
            y += height + 4
        }
        let id = "chart-" + String(title.unicodeScalars.filter { $0.properties.isAlphabetic }.prefix(24).map(Character.init)).lowercased()
        if rows.isEmpty { return "" }
        return "<svg class=\"chart\" role=\"img\" aria-labelledby=\"\(id)\" viewBox=\"0 0 360 \(n(y + 2))\" width=\"100%\" data-unit=\"\(unit)\">"
            + "<title id=\"\(id)\">\(Board.escape(title))</title>" + body + "</svg>"
    }
}
