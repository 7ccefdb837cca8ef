import Foundation
import RotaCore

/// The rules a store applies inside its transactions, written once: the store reads, these pure
/// functions decide, the store writes what they say. Neither store holds a rule of its own.
public enum AlertRules {
    /// A new alert, as the raise decided it: when level 1 is due and why it waits, if it does.
    public struct Opening: Sendable {
        public var progress: EscalationProgress
        public var wakeAt: Date?
        public var hold: FirstPage.Hold?
    }

    /// How a new alert opens at `now`: held by the raiser's own hold, else by the service's
    /// first-page rule against its maintenance windows (read in the raise's transaction).
    public static func opening(_ new: NewAlert, now: Date, maintenance: [(start: Date, end: Date)]) -> Opening {
        var hold = new.hold
        if hold == nil, let rule = new.firstPage {
            hold = rule.hold(raisedAt: now, severity: Severity(rawValue: new.severity) ?? .high, maintenance: maintenance)
        }
        let progress = EscalationProgress.raised(at: hold?.until ?? now)
        return Opening(progress: progress, wakeAt: progress.wakeUp(ackTimeout: nil), hold: hold)
    }

    /// A human's answer to an alert, as it changes the alert's row.
    public struct Answer: Sendable {
        public var status: AlertStatus
        /// Set by an acknowledgement (a resolve keeps what the row has).
        public var acknowledged: (at: Date, by: String)?
        /// Set by a resolve.
        public var resolved: (at: Date, by: String)?
        /// When the alert wakes again (an acknowledgement's ack_timeout), else never.
        public var wakeAt: Date?

        /// The audit kind of this answer.
        public var kind: AuditKind { status == .resolved ? .alertResolved : .alertAcknowledged }
    }

    public enum Verb: Sendable {
        case acknowledged, resolved
    }

    /// What answering `alert` does, or nil when its state takes no such answer (already
    /// acknowledged or resolved: the answer changes nothing and the caller says who came first).
    public static func answer(_ alert: StoredAlert, _ verb: Verb, actor: String, now: Date, wakeAt: Date?) -> Answer? {
        switch (verb, alert.status) {
        case (.acknowledged, .triggered):
            Answer(status: .acknowledged, acknowledged: (now, actor), resolved: nil, wakeAt: wakeAt)
        case (.resolved, .triggered), (.resolved, .acknowledged):
            Answer(status: .resolved, acknowledged: nil, resolved: (now, actor), wakeAt: nil)
        default:
            nil
        }
    }

    /// The page states an answer cancels: what has not gone out yet (pending, or failed and to be retried).
    public static let cancelledByAnswer: [StoredPage.Status] = [.pending, .failed]
    /// The same, as an SQL list (`'pending', 'failed'`), the same in both dialects.
    public static var cancelledByAnswerSQL: String { cancelledByAnswer.map { "'\($0.rawValue)'" }.joined(separator: ", ") }

    /// Which of the claimable pages (due, and claims whose lease lapsed: each query fetches at most
    /// `limit`) a runner takes: up to `limit`, earliest due first; a page of an alert no longer
    /// triggered (answered meanwhile) is cancelled instead, and takes no slot. The claimed come
    /// back as they will be once claimed (sending, one more attempt).
    public static func claims(_ candidates: [StoredPage], alerts: [Int: StoredAlert], limit: Int)
        -> (claim: [(page: StoredPage, alert: StoredAlert?)], cancel: [Int]) {
        var claim: [(page: StoredPage, alert: StoredAlert?)] = [], cancel: [Int] = []
        for page in candidates.sorted(by: { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }) where claim.count < limit {
            let alert = page.alertID.flatMap { alerts[$0] }
            if let alert, alert.status != .triggered {
                cancel.append(page.id)
                continue
            }
            var mine = page
            mine.status = .sending
            mine.attempts += 1
            claim.append((mine, alert))
        }
        return (claim, cancel)
    }

    /// The alerts that are not drills' (DESIGN §12: a drill never counts as an incident), as SQL,
    /// the same in both dialects.
    public static let notDrillSQL = "service NOT LIKE '\(Drill.servicePrefix)%'"

    /// How long a notice that failed for good stays a problem (`rota status`, admins' alarm): a day.
    public static let failedNoticeWindow: TimeInterval = 86_400
}

/// The audit log's texts, written once for both stores.
extension AuditEntry {
    public static func raised(_ id: Int, _ new: NewAlert, hold: FirstPage.Hold?) -> AuditEntry {
        AuditEntry(.alertRaised, "alert #\(id) on \(new.service) (\(new.severity)): \(new.summary)" + (hold.map { "; level 1 waits: \($0.reason)" } ?? ""))
    }

    public static func deduplicated(_ id: Int, _ new: NewAlert) -> AuditEntry {
        AuditEntry(.alertDeduplicated, "alert #\(id) raised again (dedup key \(new.dedupKey ?? "")): \(new.summary)")
    }

    public static func answered(_ id: Int, _ answer: AlertRules.Answer, actor: String, cancelled: Int, alerts: Int = 1) -> AuditEntry {
        let verb = answer.status == .resolved ? "resolved" : "acknowledged"
        let subject = alerts > 1 ? "incident #\(id) (\(alerts) alerts)" : "alert #\(id)"
        return AuditEntry(answer.kind, "\(subject) \(verb) by \(actor)" + (cancelled > 0 ? "; \(cancelled) page(s) not yet sent cancelled" : ""))
    }
}

extension AuditEntry {
    public static func revision(_ id: Int, files: [String], effective: Date) -> AuditEntry {
        AuditEntry(.revision, "revision \(id) of the rota files (\(files.joined(separator: ", "))) in force from \(TimeText.utc(effective))")
    }

    public static func maintenanceAdded(_ id: Int, service: String, start: Date, end: Date, reason: String?) -> AuditEntry {
        AuditEntry(.maintenanceAdd, "maintenance #\(id): \(service) from \(TimeText.utc(start)) to \(TimeText.utc(end))" + (reason.map { " (\($0))" } ?? ""))
    }

    public static func maintenanceRemoved(_ id: Int, service: String, released: Int) -> AuditEntry {
        AuditEntry(.maintenanceRemove, "removed maintenance #\(id) of \(service)" + (released > 0 ? "; \(released) alert(s) it held are due now" : ""))
    }

    public static func feedsRevoked(_ person: String, generation: Int) -> AuditEntry {
        AuditEntry(.feedRevoked, "calendar feed URLs of \(person) revoked (now generation \(generation))")
    }
}

extension StoredRevision {
    /// When a revision recorded at `now` comes into force: never before the last one, so revisions stay in order.
    public static func effective(now: Date, after last: StoredRevision?) -> Date {
        max(now, last?.effectiveAt ?? now)
    }
}
