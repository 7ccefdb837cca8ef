import Foundation
import RotaCore

/// One incident as the response report reads it (DESIGN §12, §16): the rows of its opening alert,
/// its pages grouped per round, level and person, and its acknowledgements in the log. Read in
/// bulk; what counts as what is decided by the application layer, not here.
public struct ResponseRecord: Hashable, Sendable {
    /// A level that was due for a person (a page not cancelled), and when it first reached them.
    public struct Paged: Hashable, Sendable {
        /// A page of the incident's own alert; false for one of an incident merged into it (paged
        /// before the merge on its own chain).
        public var own: Bool
        public var round: Int
        public var level: Int
        public var person: String
        public var dueAt: Date
        /// The first delivery to one of their contacts; nil when none was delivered.
        public var reachedAt: Date?

        public init(own: Bool = true, round: Int, level: Int, person: String, dueAt: Date, reachedAt: Date?) {
            self.own = own
            self.round = round
            self.level = level
            self.person = person
            self.dueAt = dueAt
            self.reachedAt = reachedAt
        }
    }

    /// An `alert.acknowledged` line of the incident's log.
    public struct Acknowledgement: Hashable, Sendable {
        public var at: Date
        public var actor: String

        public init(at: Date, actor: String) {
            self.at = at
            self.actor = actor
        }
    }

    public var id: Int
    public var service: String
    public var escalation: String
    public var createdAt: Date
    public var status: AlertStatus
    public var resolvedAt: Date?
    public var resolvedBy: String?
    public var dedupKey: String?
    public var paged: [Paged]
    /// Oldest first.
    public var acknowledgements: [Acknowledgement]

    public init(id: Int, service: String, escalation: String, createdAt: Date, status: AlertStatus, resolvedAt: Date?,
                resolvedBy: String?, dedupKey: String?, paged: [Paged] = [], acknowledgements: [Acknowledgement] = []) {
        self.id = id
        self.service = service
        self.escalation = escalation
        self.createdAt = createdAt
        self.status = status
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.dedupKey = dedupKey
        self.paged = paged
        self.acknowledgements = acknowledgements
    }
}

/// What the reports read in bulk.
///
/// Concurrency: a read sees one consistent moment (one transaction).
public protocol ReportStore: Sendable {
    /// The incidents opened in `[from, to)` (on `service` when given) that were not merged into
    /// another, oldest first, each with its pages (its own, and those of the incidents merged into
    /// it) and its acknowledgements.
    func responseRecords(openedFrom from: Date, to: Date, service: String?) async throws(StoreError) -> [ResponseRecord]
}
