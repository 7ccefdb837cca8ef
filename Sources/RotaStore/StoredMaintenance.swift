import Foundation

/// A maintenance window: alerts raised on its service meanwhile wait for its end.
public struct StoredMaintenance: Hashable, Sendable {
    public var id: Int
    public var service: String
    public var start: Date
    public var end: Date
    public var reason: String?
    public var createdBy: String
    public var createdAt: Date

    public init(id: Int, service: String, start: Date, end: Date, reason: String?, createdBy: String, createdAt: Date) {
        self.id = id
        self.service = service
        self.start = start
        self.end = end
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
