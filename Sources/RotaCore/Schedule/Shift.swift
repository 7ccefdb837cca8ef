import Foundation

/// A stretch of time on call: one person, one schedule.
public struct Shift: Hashable, Sendable {
    public var schedule: String
    public var person: String
    public var start: Date
    public var end: Date

    public init(schedule: String, person: String, start: Date, end: Date) {
        self.schedule = schedule
        self.person = person
        self.start = start
        self.end = end
    }

    public var duration: TimeInterval { end.timeIntervalSince(start) }
}

/// A stretch of time when a schedule has nobody on call.
public struct Gap: Hashable, Sendable {
    public var schedule: String
    public var start: Date
    public var end: Date

    public init(schedule: String, start: Date, end: Date) {
        self.schedule = schedule
        self.start = start
        self.end = end
    }
}

/// A half-open stretch of time `[start, end)` with someone in it.
struct Segment: Equatable {
    var start: Date
    var end: Date
    var person: String
}

extension Array where Element == Segment {
    /// `top` wins wherever it has someone; both lists are sorted and non-overlapping.
    func overlaid(with top: [Segment]) -> [Segment] {
        guard !top.isEmpty else { return self }
        guard !isEmpty else { return top }
        var result: [Segment] = []
        result.reserveCapacity(count + top.count * 2)
        var first = 0
        for base in self {
            var cursor = base.start
            while first < top.count, top[first].end <= cursor { first += 1 }
            var index = first
            while cursor < base.end {
                if index < top.count, top[index].start < base.end {
                    if top[index].start > cursor {
                        result.append(Segment(start: cursor, end: top[index].start, person: base.person))
                    }
                    cursor = Swift.max(cursor, top[index].end)
                    index += 1
                } else {
                    result.append(Segment(start: cursor, end: base.end, person: base.person))
                    cursor = base.end
                }
            }
        }
        result.append(contentsOf: top)
        result.sort { $0.start < $1.start }
        return result
    }

    /// Joins touching segments of the same person.
    func merged() -> [Segment] {
        var result: [Segment] = []
        result.reserveCapacity(count)
        for segment in self where segment.start < segment.end {
            if var last = result.last, last.person == segment.person, last.end >= segment.start {
                last.end = Swift.max(last.end, segment.end)
                result[result.count - 1] = last
            } else {
                result.append(segment)
            }
        }
        return result
    }
}
