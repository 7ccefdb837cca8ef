import Foundation
@testable import RotaFormats
import RotaCore
import Testing

@Suite("Documents written as bytes say what the value tree would")
struct DocumentsTests {
    /// The tree `Documents.shifts` built before it streamed its array (issue 26).
    static func tree(from: Date, to: Date, _ shifts: [Shift]) -> JSONValue {
        .object([("from", .instant(from)), ("to", .instant(to)), ("shifts", .array(shifts.map { shift in
            .object([("schedule", .string(shift.schedule)), ("person", .string(shift.person)),
                     ("start", .instant(shift.start)), ("end", .instant(shift.end))])
        }))])
    }

    static let at = Date(timeIntervalSince1970: 1_764_583_200)  // 2025-12-01T10:00:00Z

    @Test("shifts: ids with quotes, backslashes, control characters, DEL and non-ASCII text", arguments: [
        ("plain", "ann"),
        ("quote\"d", "back\\slash"),
        ("line\nbreak\r\ttab", "bell\u{7}del\u{7f}"),
        ("équipe-☎️", "Zoë 🚨"),
        ("", "x"),
    ])
    func shiftsMatchTree(schedule: String, person: String) throws {
        let shifts = [
            Shift(schedule: schedule, person: person, start: Self.at, end: Self.at.addingTimeInterval(3600.5)),
            Shift(schedule: "s2", person: person, start: Self.at.addingTimeInterval(-59.9), end: Self.at.addingTimeInterval(86400 * 400)),
        ]
        let streamed = Documents.shifts(from: Self.at, to: Self.at.addingTimeInterval(86400), shifts).serialized()
        let built = Self.tree(from: Self.at, to: Self.at.addingTimeInterval(86400), shifts).serialized()
        #expect(streamed == built)
        // And it is JSON that a parser reads back to the same ids.
        let parsed = try JSONSerialization.jsonObject(with: Data(streamed.utf8)) as? [String: Any]
        let rows = try #require(parsed?["shifts"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.first?["schedule"] as? String == schedule)
        #expect(rows.first?["person"] as? String == person)
    }

    @Test("shifts: an empty list, and the years around 10000 (a window's open end)")
    func shiftsEdges() {
        let empty = Documents.shifts(from: Self.at, to: Self.at, [])
        #expect(empty.serialized() == Self.tree(from: Self.at, to: Self.at, []).serialized())
        #expect(empty.serialized().hasSuffix(#""shifts":[]}"#))
        let last = Date(timeIntervalSince1970: 253_402_300_799)  // 9999-12-31T23:59:59Z
        let shifts = [Shift(schedule: "s", person: "p", start: last, end: last.addingTimeInterval(1))]
        let streamed = Documents.shifts(from: last, to: last.addingTimeInterval(1), shifts).serialized()
        #expect(streamed == Self.tree(from: last, to: last.addingTimeInterval(1), shifts).serialized())
        #expect(streamed.contains(#""start":"9999-12-31T23:59:59Z","end":"10000-01-01T00:00:00Z""#))
    }
}
