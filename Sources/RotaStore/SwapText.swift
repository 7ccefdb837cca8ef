import Foundation
import RotaCore

/// The audit log's words for a swap removed, the same from both backends.
public enum SwapText {
    public static func removed(_ id: Int, _ covers: [StoredCover]) -> String {
        let people = covers.reduce(into: [String]()) { if !$0.contains($1.person) { $0.append($1.person) } }
        let schedule = covers.first?.schedule ?? "?"
        return "removed swap #\(id) on \(schedule) between \(people.joined(separator: " and ")): overrides "
            + covers.map { "#\($0.id) (\($0.person) \(TimeText.utc($0.start))–\(TimeText.utc($0.end)))" }.joined(separator: ", ")
    }
}
