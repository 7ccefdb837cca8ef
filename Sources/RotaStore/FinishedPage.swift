import Foundation
import RotaCore

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
