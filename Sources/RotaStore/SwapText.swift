import Foundation
import RotaCore

/// The words for a swap: who traded (for `swap list`), and the audit log's entry when it is
/// removed, the same from both backends.
public enum SwapText {
    /// The people of a swap's overrides, each once, in the order they first appear.
    public static func people(_ covers: [StoredCover]) -> [String] {
        covers.reduce(into: [String]()) { if !$0.contains($1.person) { $0.append($1.person) } }
    }

    public static func removed(_ id: Int, _ covers: [StoredCover]) -> String {
        let people = people(covers)
        let schedule = covers.first?.schedule ?? "?"
        return "removed swap #\(id) on \(schedule) between \(people.joined(separator: " and ")): overrides "
            + covers.map { "#\($0.id) (\($0.person) \(TimeText.utc($0.start))–\(TimeText.utc($0.end)))" }.joined(separator: ", ")
    }
}
