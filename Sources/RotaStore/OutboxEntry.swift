import Foundation
import RotaCore

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

    /// The delivery as an outbox row spells it: a page's round, level and level due time, or a
    /// notice's key, subject and text (the other fields zero or nil).
    public var columns: (round: Int, level: Int, levelDueAt: Date, noticeKey: String?, noticeSubject: String?, noticeText: String?) {
        switch delivery {
        case .page(let round, let level, let due): (round, level, due, nil, nil, nil)
        case .notice(let key, let subject, let text): (0, 0, dueAt, key, subject, text)
        }
    }

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
        let c = entry.columns
        self.init(id: 0, alertID: alertID, noticeKey: c.noticeKey, noticeSubject: c.noticeSubject, noticeText: c.noticeText, round: c.round,
                  level: c.level, person: entry.person, contact: entry.contact, contactKind: entry.contactKind, contactKey: entry.contactKey,
                  levelDueAt: c.levelDueAt, dueAt: entry.dueAt, status: .pending, attempts: 0, late: entry.late)
    }
}
