import Foundation
import GRDB
import RotaCore
import RotaStore


extension Row {
    func instant(_ column: String) -> Date { Date(millis: self[column]) }
    func optionalInstant(_ column: String) -> Date? { (self[column] as Int64?).map(Date.init(millis:)) }
}

extension StoredRevision: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], effectiveAt: row.instant("effective_at"), fingerprint: row["fingerprint"])
    }
}

extension StoredCover {
    init(row: Row, kind: Kind) {
        self.init(id: row["id"], kind: kind, schedule: kind == .override ? row["schedule"] : nil, person: row["person"],
                  start: row.instant("start_at"), end: row.instant("end_at"), reason: row["reason"],
                  createdBy: row["created_by"], createdAt: row.instant("created_at"), swap: kind == .override ? row["swap"] : nil)
    }
}

extension AuditEvent: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], at: row.instant("at"), actor: row["actor"], event: row["event"], detail: row["detail"],
                  alertID: row["alert_id"])
    }
}

extension StoredAlert: FetchableRecord {
    public init(row: Row) {
        let progress = EscalationProgress(
            status: AlertStatus(rawValue: row["status"]) ?? .triggered, round: row["round"], cycleFirstRound: row["cycle_first_round"],
            nextLevel: row["next_level"], nextDueAt: row.optionalInstant("next_due_at"), acknowledgedAt: row.optionalInstant("acknowledged_at"))
        self.init(id: row["id"], service: row["service"], escalation: row["escalation"], summary: row["summary"],
                  details: row["details"], severity: row["severity"], dedupKey: row["dedup_key"], count: row["count"],
                  createdAt: row.instant("created_at"), acknowledgedBy: row["acknowledged_by"],
                  resolvedAt: row.optionalInstant("resolved_at"), resolvedBy: row["resolved_by"], progress: progress,
                  definition: row["definition"], held: row["held"], incidentID: row["incident_id"], alertCount: row["alert_count"] ?? 1,
                  lastAlertAt: row.optionalInstant("last_alert_at"), peakSeverity: row["peak_severity"], groupKey: row["group_key"],
                  mergedInto: row["merged_into"], closedAt: row.optionalInstant("closed_at"), closedBy: row["closed_by"])
    }
}

extension StoredPage: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], alertID: row["alert_id"], noticeKey: row["notice_key"], noticeSubject: row["notice_subject"],
                  noticeText: row["notice_text"], round: row["round"], level: row["level"], person: row["person"],
                  contact: row["contact"], contactKind: row["contact_kind"], contactKey: row["contact_key"],
                  levelDueAt: row.instant("level_due_at"), dueAt: row.instant("due_at"),
                  status: Status(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                  nextAttemptAt: row.optionalInstant("next_attempt_at"), sentAt: row.optionalInstant("sent_at"), late: row["late"],
                  lastError: row["last_error"])
    }
}

/// Statements prepared once per connection and kept (GRDB's statement cache): the raise path
/// runs the same few statements thousands of times a second, and preparing one (with GRDB's
/// authorizer recording every column it reads) cost more than running it.
extension Database {
    func execute(cached sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension FetchableRecord {
    static func fetchOne(_ db: Database, cached sql: String, _ arguments: StatementArguments = []) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(_ db: Database, cached sql: String, _ arguments: StatementArguments = []) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Row {
    static func fetchAll(_ db: Database, cached sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
