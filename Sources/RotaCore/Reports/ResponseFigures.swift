import Foundation

/// The definitions the response report rests on (DESIGN §12, §16), pure: percentiles by nearest
/// rank, and which part of a person's day a page interrupted, in their own zone.
public enum ResponseFigures {
    /// p50, p90 (nearest rank) and mean of durations in seconds; nil for none.
    public struct Summary: Hashable, Sendable {
        public var p50: Int
        public var p90: Int
        public var mean: Int
        public var count: Int
    }

    /// Nearest rank: the value at rank ⌈p/100 × n⌉ of the sorted values (p50 of [1,2,3,4] is 2,
    /// p90 of ten values the ninth); the mean rounded to the second.
    public static func summary(_ values: [Int]) -> Summary? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ p: Int) -> Int { sorted[max(1, (p * sorted.count + 99) / 100) - 1] }
        let mean = Int((Double(sorted.reduce(0, +)) / Double(sorted.count)).rounded())
        return Summary(p50: rank(50), p90: rank(90), mean: mean, count: sorted.count)
    }

    /// Which part of the day a page interrupted.
    public enum Interruption: String, Sendable, CaseIterable {
        /// Monday to Friday, 08:00–18:00.
        case business
        /// Monday to Friday 18:00–22:00, Saturday, Sunday and public holidays 08:00–22:00.
        case offHours = "off_hours"
        /// 22:00–08:00, every day.
        case sleep
    }

    /// The part of the day `instant` falls in, on the wall clock of `zone`; a public holiday counts as
    /// a weekend day (§16).
    public static func interruption(at instant: Date, zone: Zone, holidays: Set<LocalDate> = []) -> Interruption {
        let wall = zone.wall(at: instant)
        let minutes = wall.time.minutes
        if minutes < 8 * 60 || minutes >= 22 * 60 { return .sleep }
        let restDay = wall.date.weekday == .saturday || wall.date.weekday == .sunday || holidays.contains(wall.date)
        return !restDay && minutes < 18 * 60 ? .business : .offHours
    }
}

/// One incident as the response report reads it (DESIGN §12, §16): built by the application
/// layer from the store, so the figures below are pure.
public struct ResponseIncident: Hashable, Sendable {
    /// Why an incident reached the executives.
    public enum ExecutiveReason: String, Sendable, CaseIterable {
        /// The chain climbed to them: nobody below answered in time.
        case nobodyAnswered = "nobody_answered"
        /// A surge's incident, whose chain starts with them.
        case surge
    }

    public var id: Int
    public var service: String
    /// Where the clocks start: the incident's level 1 first due time (after a maintenance hold or a
    /// daytime wait), else its opening.
    public var dueAt: Date
    /// The first acknowledgement by a person (a person's resolve without one counts), and who.
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?
    public var resolvedAt: Date?
    /// The highest level paged (0: none).
    public var levelReached: Int
    /// Set when it paged an executive.
    public var executive: ExecutiveReason?

    public init(id: Int, service: String, dueAt: Date, acknowledgedAt: Date? = nil, acknowledgedBy: String? = nil, resolvedAt: Date? = nil,
                levelReached: Int = 0, executive: ExecutiveReason? = nil) {
        self.id = id
        self.service = service
        self.dueAt = dueAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.levelReached = levelReached
        self.executive = executive
    }

    /// Seconds from due to the first acknowledgement, and to resolution (never negative: an
    /// acknowledgement before a held level 1 was due counts as 0).
    public var timeToAcknowledge: Int? { acknowledgedAt.map { max(0, Int($0.timeIntervalSince(dueAt).rounded())) } }
    public var timeToResolve: Int? { resolvedAt.map { max(0, Int($0.timeIntervalSince(dueAt).rounded())) } }
}

/// The figures of one period (DESIGN §12): pure, from the period's incidents.
public struct ResponsePeriod: Hashable, Sendable {
    public struct Group: Hashable, Sendable {
        public var key: String
        public var incidents: Int
        public var acknowledged: Int
        public var tta: ResponseFigures.Summary?
        public var ttr: ResponseFigures.Summary?
    }

    public var incidents: Int
    public var acknowledged: Int
    public var tta: ResponseFigures.Summary?
    public var ttr: ResponseFigures.Summary?
    public var byService: [Group]
    /// Keyed by the level reached (`"0"`: never paged), highest level last.
    public var byLevel: [Group]
    /// Incidents that reached at least each level, from level 1.
    public var reach: [Int]
    /// Acknowledgements per person, keyed by the person.
    public var byAcknowledger: [Group]
    public var executiveIncidents: Int
    public var executiveByReason: [ResponseIncident.ExecutiveReason: Int]

    public var unacknowledged: Int { incidents - acknowledged }

    public init(_ incidents: [ResponseIncident]) {
        func group(_ key: String, _ members: [ResponseIncident]) -> Group {
            Group(key: key, incidents: members.count, acknowledged: members.filter { $0.acknowledgedAt != nil }.count,
                  tta: ResponseFigures.summary(members.compactMap(\.timeToAcknowledge)),
                  ttr: ResponseFigures.summary(members.compactMap(\.timeToResolve)))
        }
        let all = group("", incidents)
        self.incidents = all.incidents
        acknowledged = all.acknowledged
        tta = all.tta
        ttr = all.ttr
        byService = Dictionary(grouping: incidents, by: \.service).map { group($0.key, $0.value) }.sorted { $0.key < $1.key }
        byLevel = Dictionary(grouping: incidents, by: \.levelReached).sorted { $0.key < $1.key }.map { group(String($0.key), $0.value) }
        let top = incidents.map(\.levelReached).max() ?? 0
        reach = top == 0 ? [] : (1...top).map { level in incidents.filter { $0.levelReached >= level }.count }
        byAcknowledger = Dictionary(grouping: incidents.filter { $0.acknowledgedBy != nil }, by: { $0.acknowledgedBy ?? "" })
            .map { group($0.key, $0.value) }.sorted { $0.key < $1.key }
        let exposed = incidents.compactMap(\.executive)
        executiveIncidents = exposed.count
        executiveByReason = Dictionary(grouping: exposed, by: { $0 }).mapValues(\.count)
    }
}
