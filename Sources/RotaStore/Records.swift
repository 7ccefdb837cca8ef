import Foundation
import RotaCore

/// What can go wrong with the state store, said so that a person can act on it.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case schemaTooNew(path: String, unknown: [String])
    case notFound(String)
    case database(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
        case .schemaTooNew(let path, let unknown):
            "the database \(path) was written by a newer rota (schema \(unknown.joined(separator: ", "))); upgrade rota before using it — this binary refuses to write to it"
        case .notFound(let what): what
        case .database(let message): "database error: \(message)"
        }
    }
}

/// A revision of the rota files, in force from `effectiveAt`.
public struct StoredRevision: Hashable, Sendable {
    public var id: Int
    public var effectiveAt: Date
    public var fingerprint: String

    public init(id: Int, effectiveAt: Date, fingerprint: String) {
        self.id = id
        self.effectiveAt = effectiveAt
        self.fingerprint = fingerprint
    }
}

/// The content of a stored revision.
public enum RevisionContent: Sendable {
    /// The decoded rota, webhooks reduced (revisions stored since schema v3).
    case model(Data)
    /// The files' text, webhook URLs reduced by text replacement (older revisions).
    case sources([RotaSource])
}

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

    public init(id: Int, kind: Kind, schedule: String?, person: String, start: Date, end: Date, reason: String?,
                createdBy: String, createdAt: Date) {
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

/// The kinds of line in the audit log: one typed set, written as their raw values.
public enum AuditKind: String, Sendable, CaseIterable {
    case revision
    case overrideAdd = "override.add"
    case overrideRemove = "override.remove"
    case swap
    case leaveAdd = "leave.add"
    case leaveRemove = "leave.remove"
    case alertRaised = "alert.raised"
    case alertDeduplicated = "alert.deduplicated"
    case alertAcknowledged = "alert.acknowledged"
    case alertResolved = "alert.resolved"
    case alertRetriggered = "alert.retriggered"
    case levelDue = "level.due"
    case levelSkipped = "level.skipped"
    case escalationExhausted = "escalation.exhausted"
    case escalationMissing = "escalation.missing"
    case definitionKept = "definition.kept"
    case pageUnreachable = "page.unreachable"
    case pageSent = "page.sent"
    case pageFailed = "page.failed"
}

/// A line to add to the audit log.
public struct AuditEntry: Hashable, Sendable {
    public var kind: AuditKind
    public var detail: String

    public init(_ kind: AuditKind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// One line of the audit log.
public struct AuditEvent: Hashable, Sendable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var event: String
    public var detail: String
    public var alertID: Int?

    public init(id: Int, at: Date, actor: String, event: String, detail: String, alertID: Int?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.event = event
        self.detail = detail
        self.alertID = alertID
    }
}

/// An alert as stored.
public struct StoredAlert: Hashable, Sendable {
    public var id: Int
    public var service: String
    public var escalation: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var dedupKey: String?
    public var count: Int
    public var createdAt: Date
    public var acknowledgedBy: String?
    public var resolvedAt: Date?
    public var resolvedBy: String?
    public var progress: EscalationProgress
    /// The escalation and contacts it escalates by when they vanish from the files (encoded by the engine).
    public var definition: Data?

    public init(id: Int, service: String, escalation: String, summary: String, details: String?, severity: String,
                dedupKey: String?, count: Int, createdAt: Date, acknowledgedBy: String?, resolvedAt: Date?,
                resolvedBy: String?, progress: EscalationProgress, definition: Data?) {
        self.id = id
        self.service = service
        self.escalation = escalation
        self.summary = summary
        self.details = details
        self.severity = severity
        self.dedupKey = dedupKey
        self.count = count
        self.createdAt = createdAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.progress = progress
        self.definition = definition
    }

    public var status: AlertStatus { progress.status }
    public var acknowledgedAt: Date? { progress.acknowledgedAt }
}

/// What raising asks for.
public struct NewAlert: Sendable {
    public var service: String
    public var escalation: String
    public var summary: String
    public var details: String?
    public var severity: String
    public var dedupKey: String?
    public var definition: Data?

    public init(service: String, escalation: String, summary: String, details: String?, severity: String, dedupKey: String?,
                definition: Data? = nil) {
        self.service = service
        self.escalation = escalation
        self.summary = summary
        self.details = details
        self.severity = severity
        self.dedupKey = dedupKey
        self.definition = definition
    }
}

/// What an outbox row delivers: a level of an alert, or a notice (shift starting, next days changed).
public enum Delivery: Hashable, Sendable {
    case page(round: Int, level: Int, levelDueAt: Date)
    case notice(key: String, subject: String, text: String)
}

/// A row to queue in the outbox: one delivery to one contact of one person, due at `dueAt`.
public struct OutboxEntry: Hashable, Sendable {
    public var delivery: Delivery
    public var person: String
    /// The contact's position when queued (shown only; `contactKey` names it).
    public var contact: Int
    public var contactKind: String
    public var contactKey: String
    public var dueAt: Date
    /// Queued well after it was due (the runner was behind): said so in the page.
    public var late: Bool

    public init(delivery: Delivery, person: String, contact: Int, contactKind: String, contactKey: String, dueAt: Date, late: Bool = false) {
        self.delivery = delivery
        self.person = person
        self.contact = contact
        self.contactKind = contactKind
        self.contactKey = contactKey
        self.dueAt = dueAt
        self.late = late
    }
}

/// A row of the outbox as stored.
public struct StoredPage: Hashable, Sendable {
    public enum Status: String, Sendable { case pending, sending, sent, failed, cancelled }

    public var id: Int
    /// Nil for a notice.
    public var alertID: Int?
    public var noticeKey: String?
    public var noticeSubject: String?
    public var noticeText: String?
    public var round: Int
    public var level: Int
    public var person: String
    public var contact: Int
    public var contactKind: String
    /// The contact's stable identity (kind and address); nil for rows queued by an older rota.
    public var contactKey: String?
    public var levelDueAt: Date
    public var dueAt: Date
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var late: Bool
    public var lastError: String?

    public init(id: Int, alertID: Int?, noticeKey: String? = nil, noticeSubject: String? = nil, noticeText: String? = nil,
                round: Int, level: Int, person: String, contact: Int, contactKind: String, contactKey: String?, levelDueAt: Date,
                dueAt: Date, status: Status, attempts: Int, nextAttemptAt: Date? = nil, sentAt: Date? = nil, late: Bool,
                lastError: String? = nil) {
        self.id = id
        self.alertID = alertID
        self.noticeKey = noticeKey
        self.noticeSubject = noticeSubject
        self.noticeText = noticeText
        self.round = round
        self.level = level
        self.person = person
        self.contact = contact
        self.contactKind = contactKind
        self.contactKey = contactKey
        self.levelDueAt = levelDueAt
        self.dueAt = dueAt
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.late = late
        self.lastError = lastError
    }

    /// The id receivers see (`ROTA_PAGE_ID`, `Webhook-Id`): stable across retries and reorderings.
    public var pageID: String {
        guard let alert = alertID else { return ShiftNotice.deliveryID(key: noticeKey ?? "") }
        return PageMessage.id(alert: alert, round: round, level: level, person: person, contact: contactKey ?? "c\(contact)")
    }

    /// An entry that would be queued, shown as a row (dry runs).
    public init(previewing entry: OutboxEntry, alertID: Int?) {
        var round = 0, level = 0, levelDueAt = entry.dueAt
        var key: String?, subject: String?, text: String?
        switch entry.delivery {
        case .page(let r, let l, let due): (round, level, levelDueAt) = (r, l, due)
        case .notice(let k, let s, let t): (key, subject, text) = (k, s, t)
        }
        self.init(id: 0, alertID: alertID, noticeKey: key, noticeSubject: subject, noticeText: text, round: round, level: level,
                  person: entry.person, contact: entry.contact, contactKind: entry.contactKind, contactKey: entry.contactKey,
                  levelDueAt: levelDueAt, dueAt: entry.dueAt, status: .pending, attempts: 0, late: entry.late)
    }
}

/// What the engine decided for one alert: its new progress, the pages to queue, lines for its log.
public struct AlertDecision: Sendable {
    public var progress: EscalationProgress
    public var wakeAt: Date?
    public var pages: [OutboxEntry]
    public var log: [AuditEntry]
    /// A new definition to keep with the alert (nil: keep the one it has).
    public var definition: Data?

    public init(progress: EscalationProgress, wakeAt: Date?, pages: [OutboxEntry], log: [AuditEntry], definition: Data? = nil) {
        self.progress = progress
        self.wakeAt = wakeAt
        self.pages = pages
        self.log = log
        self.definition = definition
    }
}

/// How a claimed delivery went, with the lines it adds to the audit log.
public struct FinishedPage: Sendable {
    public var page: StoredPage
    public var result: DeliveryResult
    /// When a `.retry` is tried again.
    public var retryAt: Date?
    public var log: AuditEntry

    public init(page: StoredPage, result: DeliveryResult, retryAt: Date?, log: AuditEntry) {
        self.page = page
        self.result = result
        self.retryAt = retryAt
        self.log = log
    }
}

/// The runner's health, for `rota status`.
public struct RunnerStatus: Sendable {
    public var lastTick: Date?
    public var openAlerts: Int
    public var pagesPending: Int
    public var pagesFailed: Int
    /// Pages of open alerts (and notices of the last day) that failed and will not be retried.
    public var pagesFailedForGood: Int

    public init(lastTick: Date?, openAlerts: Int, pagesPending: Int, pagesFailed: Int, pagesFailedForGood: Int) {
        self.lastTick = lastTick
        self.openAlerts = openAlerts
        self.pagesPending = pagesPending
        self.pagesFailed = pagesFailed
        self.pagesFailedForGood = pagesFailedForGood
    }
}

/// A level that reached someone: at least one of its contacts was delivered.
public struct ReceivedPage: Hashable, Sendable {
    public var person: String
    public var alertID: Int
    public var round: Int
    public var level: Int
    public var levelDueAt: Date

    public init(person: String, alertID: Int, round: Int, level: Int, levelDueAt: Date) {
        self.person = person
        self.alertID = alertID
        self.round = round
        self.level = level
        self.levelDueAt = levelDueAt
    }
}
