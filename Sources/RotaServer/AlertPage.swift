import Foundation
import RotaCore
import RotaFormats
import RotaStore

/// The page behind an ack link: what the alert is, where it stands, who was paged, what happens
/// next, and two buttons. Rendered with the board's templates and stylesheet; every text escaped.
enum AlertPage {
    static func forbidden(now: Date, zone: Zone) -> String {
        Board.message("This link is not valid", [
            "It was forged, damaged or has expired (links last 7 days).",
            "Use rota ack ID on the rota host, or the link in a newer page.",
        ], now: now, zone: zone)
    }

    static func render(_ standing: AlertStanding, person: String, token: String, now: Date, zone: Zone) -> String {
        let alert = standing.alert
        var values: [String: Any] = [
            "id": alert.id, "summary": Board.shown(alert.summary), "service": Board.shown(alert.service), "severity": Board.shown(alert.peakSeverity),
            "raisedISO": TimeText.utc(alert.createdAt), "raised": HumanTime.format(alert.createdAt, in: zone), "count": alert.count,
            "status": alert.status.rawValue, "paged": standing.paged.isEmpty ? "nobody yet" : standing.paged.map(Board.shown).joined(separator: ", "),
            "next": Board.shown(standing.next), "open": alert.status != .resolved, "triggered": alert.status == .triggered,
            "person": Board.shown(person), "token": token, "alerts": alert.alertCount, "many": alert.alertCount > 1,
            "kind": alert.alertCount > 1 ? "Incident" : "Alert",
        ]
        if let by = alert.acknowledgedBy, let at = alert.acknowledgedAt {
            values["ackBy"] = Board.shown(by)
            values["ackISO"] = TimeText.utc(at)
            values["ackAt"] = HumanTime.format(at, in: zone)
        }
        if let by = alert.resolvedBy { values["resolvedBy"] = Board.shown(by) }
        if let details = alert.details { values["details"] = Board.shown(details) }
        return Board.page("alert", title: "\(alert.alertCount > 1 ? "Incident" : "Alert") #\(alert.id)", values: values, now: now, zone: zone)
    }
}
