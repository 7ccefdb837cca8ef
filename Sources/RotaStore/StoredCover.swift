import Foundation
import RotaCore

/// Cover recorded from the command line: an override (with its schedule) or leave (without).
public struct StoredCover: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case override
        case leave
    }

    public var id: Int
    public var kind: Kind
    /// The schedule an override covers; nil for leave.
    public var schedule: String?
    public var person: String
    public var start: Date
    public var end: Date
    public var reason: String?
    public var createdBy: String
    public var createdAt: Date
    /// The swap an override belongs to (the id of the swap's first override); nil otherwise.
    public var swap: Int?

    public init(id: Int, kind: Kind, schedule: String?, person: String, start: Date, end: Date, reason: String?,
                createdBy: String, createdAt: Date, swap: Int? = nil) {
        self.swap = swap
        self.id = id
        self.kind = kind
        self.schedule = schedule
        self.person = person
        self.start = start
        self.end = end
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public var asOverride: Override { Override(id: id, person: person, start: start, end: end) }
    public var asLeave: Leave { Leave(id: id, person: person, start: start, end: end) }
}

/// What a caller asks to add: cover of a schedule (an override) or an absence (leave).
public struct NewCover: Hashable, Sendable {
    public var schedule: String?
    public var person: String
    public var start: Date
    public var end: Date
    public var reason: String?

    public init(schedule: String?, person: String, start: Date, end: Date, reason: String? = nil) {
        self.schedule = schedule
        self.person = person
        self.start = start
        self.end = end
        self.reason = reason
    }
}
