import Foundation
import GRDB
import RotaCore

/// One rota file as stored in a revision.
public struct StoredSource: Codable, Hashable, Sendable {
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// The content of a stored revision.
public enum RevisionContent: Sendable {
    case model(Data)
    case sources([StoredSource])
}

/// A revision of the rota files, in force from `effectiveAt`.
public struct StoredRevision: Hashable, Sendable {
    public var id: Int
    public var effectiveAt: Date
    public var fingerprint: String
}

/// An override added from the command line.
public struct StoredOverride: Hashable, Sendable {
    public var id: Int
    public var schedule: String
    public var person: String
    public var start: Date
    public var end: Date
    public var reason: String?
    public var createdBy: String
    public var createdAt: Date

    public var override: Override { Override(id: id, person: person, start: start, end: end) }
}

/// Leave recorded from the command line.
public struct StoredLeave: Hashable, Sendable {
    public var id: Int
    public var person: String
    public var start: Date
    public var end: Date
    public var reason: String?
    public var createdBy: String
    public var createdAt: Date

    public var leave: Leave { Leave(id: id, person: person, start: start, end: end) }
}

/// One line of the audit log.
public struct AuditEvent: Hashable, Sendable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var event: String
    public var detail: String
    public var alertID: Int?
}

/// What a caller asks to add: who covers which schedule when, and why.
public struct NewOverride: Hashable, Sendable {
    public var schedule: String
    public var person: String
    public var start: Date
    public var end: Date
    public var reason: String?

    public init(schedule: String, person: String, start: Date, end: Date, reason: String? = nil) {
        self.schedule = schedule
        self.person = person
        self.start = start
        self.end = end
        self.reason = reason
    }
}

extension Date {
    /// Instants are stored as whole milliseconds since 1970: exact in SQLite (REAL holds
    /// integers up to 2^53 exactly), so an instant read back equals the one written.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}

extension StoredOverride: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], schedule: row["schedule"], person: row["person"],
                  start: Date(millis: row["start_at"]), end: Date(millis: row["end_at"]),
                  reason: row["reason"], createdBy: row["created_by"], createdAt: Date(millis: row["created_at"]))
    }
}

extension StoredLeave: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], person: row["person"], start: Date(millis: row["start_at"]), end: Date(millis: row["end_at"]),
                  reason: row["reason"], createdBy: row["created_by"], createdAt: Date(millis: row["created_at"]))
    }
}

extension AuditEvent: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], at: Date(millis: row["at"]), actor: row["actor"], event: row["event"],
                  detail: row["detail"], alertID: row["alert_id"])
    }
}

extension StoredRevision: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], effectiveAt: Date(millis: row["effective_at"]), fingerprint: row["fingerprint"])
    }
}
