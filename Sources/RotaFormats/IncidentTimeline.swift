import Foundation
import RotaStore

/// An incident's story from its audit lines (DESIGN §10): opened, joined (counted, not one line
/// per alert), paged, acknowledged, merged, role, update, reminder, resolved, a drill's answers and end. Pure: lines in, entries out.
public enum IncidentTimeline {
    public struct Entry: Sendable, Equatable {
        public var at: Date
        public var event: String
        public var actor: String
        public var text: String
    }

    /// `events`: the audit lines of every alert of incident `id`, oldest first.
    public static func build(incident id: Int, events: [AuditEvent]) -> [Entry] {
        var entries: [Entry] = []
        // A run of joins (and repeated arrivals) between two other lines is one entry.
        var joins: (first: AuditEvent, count: Int, last: AuditEvent)?
        func flushJoins() {
            guard let run = joins else { return }
            let text = run.count == 1 ? run.first.detail : "\(run.count) arrivals joined; the latest: \(run.last.detail)"
            entries.append(Entry(at: run.first.at, event: "joined", actor: run.first.actor, text: text))
            joins = nil
        }
        for event in events {
            let kind = AuditKind(rawValue: event.event)
            let isArrival = (kind == .alertRaised && event.alertID != id) || kind == .alertDeduplicated
            if isArrival {
                if let run = joins { joins = (run.first, run.count + 1, event) } else { joins = (event, 1, event) }
                continue
            }
            let name: String? = switch kind {
            case .alertRaised: "opened"
            case .levelDue: "paged"
            case .alertAcknowledged: "acknowledged"
            case .alertResolved: "resolved"
            case .incidentMerged: "merged"
            case .alertRetriggered: "retriggered"
            case .incidentRole: "role"
            case .incidentUpdate: "update"
            case .incidentReminder: "reminder"
            case .drillAnswered: "drill_answered"
            case .drillEnded: "drill_ended"
            default: nil
            }
            // Another alert's own story (a merged incident's pages before the merge) stays in its `alert show`.
            guard let name, event.alertID == id else { continue }
            flushJoins()
            entries.append(Entry(at: event.at, event: name, actor: event.actor, text: event.detail))
        }
        flushJoins()
        return entries
    }
}
