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
        // Two order statistics, found by selection rather than a whole sort (a period of 100,000
        // incidents has a dozen such lists).
        var work = values
        func index(_ p: Int) -> Int { max(1, (p * work.count + 99) / 100) - 1 }
        let p90 = index(90), p50 = index(50)
        select(&work, p90, in: 0..<work.count)
        select(&work, p50, in: 0..<(p90 + 1))
        let mean = Int((Double(values.reduce(0, +)) / Double(values.count)).rounded())
        return Summary(p50: work[p50], p90: work[p90], mean: mean, count: values.count)
    }

    /// Puts the value of rank `k` (0-based) of `values[range]` at `k`, smaller ones before it and
    /// larger ones after (Hoare's selection, median-of-three pivots: linear on average).
    static func select(_ values: inout [Int], _ k: Int, in range: Range<Int>) {
        var low = range.lowerBound, high = range.upperBound - 1
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = Swift.max(Swift.min(values[low], values[middle]), Swift.min(Swift.max(values[low], values[middle]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
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
    /// When it opened: which period it belongs to.
    public var openedAt: Date
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
    /// The pages that reached someone: one per round, level and person.
    public var pages: [Page]

    /// A level that reached a person, when it first did.
    public struct Page: Hashable, Sendable {
        public var person: String
        public var at: Date
        public var level: Int
        /// The person is an executive (`settings.executives`, else the chain's last level).
        public var executive: Bool

        public init(person: String, at: Date, level: Int, executive: Bool = false) {
            self.person = person
            self.at = at
            self.level = level
            self.executive = executive
        }
    }

    public init(id: Int, service: String, dueAt: Date, acknowledgedAt: Date? = nil, acknowledgedBy: String? = nil, resolvedAt: Date? = nil,
                levelReached: Int = 0, executive: ExecutiveReason? = nil, pages: [Page] = [], openedAt: Date? = nil) {
        self.pages = pages
        self.openedAt = openedAt ?? dueAt
        self.id = id
        self.service = service
        self.dueAt = dueAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.levelReached = levelReached
        self.executive = executive
    }

    /// The acknowledgement the figures count (DESIGN §12, §16): the first by a person (an actor
    /// whose person, before a door's ` (…)` suffix, is in `people`), else a person's resolve of an
    /// incident with none; an integration's acknowledgement or resolve is not a person answering.
    public static func acknowledgement(_ acks: [(at: Date, actor: String)], resolvedAt: Date?, resolvedBy: String?,
                                       people: Set<String>) -> (at: Date, actor: String, person: String)? {
        if let first = acks.first(where: { people.contains(ActorName.person($0.actor)) }) {
            return (first.at, first.actor, ActorName.person(first.actor))
        }
        if let resolvedAt, let resolvedBy, people.contains(ActorName.person(resolvedBy)) {
            return (resolvedAt, resolvedBy, ActorName.person(resolvedBy))
        }
        return nil
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

    /// Every incident of the period as one group (key "").
    public var overall: Group
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
    /// Pages that reached an executive.
    public var executivePages: Int
    /// Everyone paged or acknowledging, by id.
    public var byPerson: [PersonRow]

    public var unacknowledged: Int { incidents - acknowledged }

    /// What the per-person figures need to know of people: their zone, the holidays, their time on call.
    public struct People: Sendable {
        public var zones: [String: Zone]
        public var defaultZone: Zone
        public var holidays: Set<LocalDate>
        /// Seconds on call in the period, per person.
        public var onCall: [String: Int]

        public init(zones: [String: Zone] = [:], defaultZone: Zone = .utc, holidays: Set<LocalDate> = [], onCall: [String: Int] = [:]) {
            self.zones = zones
            self.defaultZone = defaultZone
            self.holidays = holidays
            self.onCall = onCall
        }
    }

    /// One person's figures: pages that reached them, split by the part of their day they
    /// interrupted, and their acknowledgements.
    public struct PersonRow: Hashable, Sendable {
        public var person: String
        public var pages = 0
        public var acks = 0
        public var tta: ResponseFigures.Summary?
        public var business = 0
        public var offHours = 0
        public var sleep = 0
        public var onCallSeconds = 0

        mutating func count(_ part: ResponseFigures.Interruption) {
            pages += 1
            switch part {
            case .business: business += 1
            case .offHours: offHours += 1
            case .sleep: sleep += 1
            }
        }

        /// Pages per 100 hours on call, to one decimal; nil when they were never on call.
        public var pagesPer100Hours: Double? {
            onCallSeconds > 0 ? (Double(pages) * 360_000 / Double(onCallSeconds) * 10).rounded() / 10 : nil
        }
    }

    public init(_ incidents: [ResponseIncident], people: People = People()) {
        // One pass collects each group's durations by index (100,000 incidents: no copies of them).
        struct Durations {
            var incidents = 0
            var tta: [Int] = []
            var ttr: [Int] = []

            mutating func add(_ incident: ResponseIncident) {
                incidents += 1
                if let seconds = incident.timeToAcknowledge { tta.append(seconds) }
                if let seconds = incident.timeToResolve { ttr.append(seconds) }
            }

            func group(_ key: String) -> Group {
                Group(key: key, incidents: incidents, acknowledged: tta.count, tta: ResponseFigures.summary(tta), ttr: ResponseFigures.summary(ttr))
            }
        }
        var all = Durations()
        var services: [String: Durations] = [:]
        var levels: [Int: Durations] = [:]
        var acknowledgers: [String: Durations] = [:]
        var exposed: [ResponseIncident.ExecutiveReason: Int] = [:]
        var executivePages = 0
        var rows: [String: PersonRow] = [:]
        for incident in incidents {
            all.add(incident)
            services[incident.service, default: Durations()].add(incident)
            levels[incident.levelReached, default: Durations()].add(incident)
            if let by = incident.acknowledgedBy { acknowledgers[by, default: Durations()].add(incident) }
            if let reason = incident.executive { exposed[reason, default: 0] += 1 }
            for page in incident.pages {
                if page.executive { executivePages += 1 }
                let part = ResponseFigures.interruption(at: page.at, zone: people.zones[page.person] ?? people.defaultZone, holidays: people.holidays)
                rows[page.person, default: PersonRow(person: page.person)].count(part)
            }
        }
        overall = all.group("")
        self.incidents = overall.incidents
        acknowledged = overall.acknowledged
        tta = overall.tta
        ttr = overall.ttr
        byService = services.map { $0.value.group($0.key) }.sorted { $0.key < $1.key }
        byLevel = levels.sorted { $0.key < $1.key }.map { $0.value.group(String($0.key)) }
        let top = levels.keys.max() ?? 0
        reach = top == 0 ? [] : (1...top).map { level in levels.filter { $0.key >= level }.reduce(0) { $0 + $1.value.incidents } }
        byAcknowledger = acknowledgers.map { $0.value.group($0.key) }.sorted { $0.key < $1.key }
        executiveIncidents = exposed.values.reduce(0, +)
        executiveByReason = exposed
        self.executivePages = executivePages
        for acknowledger in byAcknowledger {
            rows[acknowledger.key, default: PersonRow(person: acknowledger.key)].acks = acknowledger.acknowledged
            rows[acknowledger.key]?.tta = acknowledger.tta
        }
        byPerson = rows.values.map { row in
            var row = row
            row.onCallSeconds = people.onCall[row.person] ?? 0
            return row
        }.sorted { $0.person < $1.person }
    }
}
