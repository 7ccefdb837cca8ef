import Foundation

/// One value of a copied row.
public enum TransferValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)
    case blob(Data)
}

/// One table's rows, as copied between backends by `rota migrate`.
public struct TransferTable: Sendable {
    public var name: String
    public var columns: [String]
    public var rows: [[TransferValue]]

    public init(name: String, columns: [String], rows: [[TransferValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// Every table rota keeps and the columns both backends share, parents before children.
    public static let layout: [(name: String, columns: [String])] = [
        ("revision", ["id", "effective_at", "stored_at", "fingerprint", "sources", "model", "follows"]),
        ("override", ["id", "schedule", "person", "start_at", "end_at", "reason", "created_by", "created_at", "swap"]),
        ("leave", ["id", "person", "start_at", "end_at", "reason", "created_by", "created_at"]),
        ("alert", ["id", "service", "escalation", "status", "summary", "details", "severity", "dedup_key", "count", "created_at",
                   "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "round", "cycle_first_round", "next_level",
                   "next_due_at", "wake_at", "definition", "held", "held_kind", "incident_id", "alert_count", "last_alert_at",
                   "peak_severity", "group_key", "merged_into", "closed_at", "closed_by"]),
        ("page", ["id", "alert_id", "notice_key", "notice_subject", "notice_text", "round", "level", "person", "contact", "contact_kind",
                  "contact_key", "level_due_at", "due_at", "status", "attempts", "next_attempt_at", "lease_until", "sent_at", "late", "last_error"]),
        ("event", ["id", "at", "actor", "event", "detail", "alert_id"]),
        ("runner", ["id", "last_tick_at", "host"]),
        ("feed", ["person", "generation"]),
        ("maintenance", ["id", "service", "start_at", "end_at", "reason", "created_by", "created_at"]),
        ("heartbeat", ["id", "last_ping"]),
        ("crisis", ["incident_id", "commander", "comms", "last_update_at", "updates"]),
    ]
}

/// A store whose whole state can be read out, table by table, in one consistent snapshot.
public protocol StoreExport: Sendable {
    func exportTables() async throws(StoreError) -> [TransferTable]
}

/// A store that can take a whole state, ids and all, in one transaction; it refuses unless empty.
public protocol StoreImport: Sendable {
    func importTables(_ tables: [TransferTable]) async throws(StoreError)
    /// Rows per table, to check a copy.
    func tableCounts() async throws(StoreError) -> [String: Int]
}
