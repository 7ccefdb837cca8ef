import Foundation
@testable import RotaCore

/// Test helpers: instants from UTC text, wall times from local text, schedules in a line.
func utc(_ text: String) -> Date {
    guard case .instant(let date)? = TimeText.parse(text) else { preconditionFailure("bad UTC time in test: \(text)") }
    return date
}

func wall(_ text: String) -> LocalDateTime {
    guard case .wall(let value)? = TimeText.parse(text) else { preconditionFailure("bad wall time in test: \(text)") }
    return value
}

func zone(_ name: String) -> Zone {
    guard let zone = Zone(identifier: name) else { preconditionFailure("bad zone in test: \(name)") }
    return zone
}

func layer(_ members: [String], start: String, shift: String, end: String? = nil, restrict: [Restriction] = [], name: String = "l") -> Layer {
    Layer(name: name, members: members, start: wall(start), shift: ShiftLength(shift)!, end: end.map(wall), restrictions: restrict)
}

func schedule(_ zoneName: String, _ layers: [Layer], overrides: [Override] = []) -> Schedule {
    Schedule(id: "s", name: "s", zone: zone(zoneName), layers: layers, overrides: overrides)
}

/// Shifts as "person start end" lines in UTC, easy to compare in a table.
func lines(_ shifts: [Shift]) -> [String] {
    shifts.map { "\($0.person) \(TimeText.utc($0.start)) \(TimeText.utc($0.end))" }
}

func window(_ schedule: Schedule, _ from: String, _ to: String, leave: [Leave] = [], overrides: [Override] = []) -> [String] {
    lines(ScheduleEngine(schedule: schedule, leave: leave, extraOverrides: overrides).shifts(from: utc(from), to: utc(to)))
}
