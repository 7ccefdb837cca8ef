import Foundation
import RotaCore

/// The people holding an incident's roles (DESIGN §11).
public typealias IncidentRoles = RoleHolders<String>

extension RoleHolders<String> {
    /// `commander ann, comms bob` (roles held only).
    public var sentence: String {
        CrisisRole.allCases.compactMap { role in self[role].map { "\(role.rawValue) \($0)" } }.joined(separator: ", ")
    }
}

/// An incident's crisis record: its roles, its status updates, and when it was first acknowledged
/// (reminders run from then, DESIGN §16). An incident without one reads as empty.
public struct StoredCrisis: Hashable, Sendable {
    public var incident: Int
    public var roles: IncidentRoles
    /// When the latest status update was posted, and how many were.
    public var lastUpdateAt: Date?
    public var updates: Int
    /// The incident's first acknowledgement, read from its log (nil: never acknowledged).
    public var firstAcknowledgedAt: Date?

    public init(incident: Int, roles: IncidentRoles = IncidentRoles(), lastUpdateAt: Date? = nil, updates: Int = 0, firstAcknowledgedAt: Date? = nil) {
        self.incident = incident
        self.roles = roles
        self.lastUpdateAt = lastUpdateAt
        self.updates = updates
        self.firstAcknowledgedAt = firstAcknowledgedAt
    }
}

extension AuditEntry {
    /// The roles named when an incident opened on a chain with `roles`.
    public static func rolesNamed(_ incident: Int, _ roles: IncidentRoles) -> AuditEntry {
        AuditEntry(.incidentRole, "incident #\(incident) opened with \(roles.sentence)")
    }

    /// A person's reassignment of a role.
    public static func roleAssigned(_ incident: Int, _ role: CrisisRole, to person: String, was previous: String?) -> AuditEntry {
        AuditEntry(.incidentRole, "\(role.rawValue) of incident #\(incident): \(person)" + (previous.map { " (was \($0))" } ?? " (was nobody)"))
    }

    /// A status update: its text as posted.
    public static func update(_ text: String) -> AuditEntry {
        AuditEntry(.incidentUpdate, text)
    }

    /// A reminder that no update was posted (to the commander, or the level above).
    public static func reminded(_ incident: Int, people: [String], silentSince: Date, escalated: Bool) -> AuditEntry {
        AuditEntry(.incidentReminder, (escalated ? "level above told" : "reminded")
                   + " \(people.joined(separator: ", ")): no update on incident #\(incident) since \(TimeText.utc(silentSince))")
    }
}

