import Foundation
import RotaCore

/// A swap as stored: the overrides that carry its id. What `swap list` shows of it and the
/// audit log's entry when it is removed are derived here, the same from both backends.
public struct StoredSwap: Sendable {
    public var id: Int
    public var overrides: [StoredCover]

    public init(id: Int, overrides: [StoredCover]) {
        self.id = id
        self.overrides = overrides
    }

    public var schedule: String? { overrides.first?.schedule }
    public var reason: String? { overrides.first?.reason }
    public var start: Date? { overrides.map(\.start).min() }
    public var end: Date? { overrides.map(\.end).max() }

    /// The people who traded, each once, in the order they first appear.
    public var people: [String] {
        overrides.reduce(into: [String]()) { if !$0.contains($1.person) { $0.append($1.person) } }
    }

    /// The audit log's words when the swap is removed.
    public var removedText: String {
        "removed swap #\(id) on \(schedule ?? "?") between \(people.joined(separator: " and ")): overrides "
            + overrides.map { "#\($0.id) (\($0.person) \(TimeText.utc($0.start))–\(TimeText.utc($0.end)))" }.joined(separator: ", ")
    }
}
