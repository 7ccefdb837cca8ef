import Foundation
import RotaCore

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
