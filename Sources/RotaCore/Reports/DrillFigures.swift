import Foundation

/// One drill as the report reads it (DESIGN §12): who each level paged, who answered when, and
/// which contacts failed.
public struct DrillRun: Hashable, Sendable {
    public struct Paged: Hashable, Sendable {
        public var person: String
        public var level: Int
        public var dueAt: Date

        public init(person: String, level: Int, dueAt: Date) {
            self.person = person
            self.level = level
            self.dueAt = dueAt
        }
    }

    public struct Answer: Hashable, Sendable {
        public var person: String
        public var at: Date

        public init(person: String, at: Date) {
            self.person = person
            self.at = at
        }
    }

    public struct FailedContact: Hashable, Sendable {
        public var person: String
        public var level: Int
        public var contact: String
        public var error: String
        /// False while it is still being retried.
        public var forGood: Bool

        public init(person: String, level: Int, contact: String, error: String, forGood: Bool) {
            self.person = person
            self.level = level
            self.contact = contact
            self.error = error
            self.forGood = forGood
        }
    }

    public var incident: Int
    /// The drill's id (`manual` for one started with `rota drill`).
    public var drill: String
    public var escalation: String
    public var openedAt: Date
    public var paged: [Paged]
    public var answers: [Answer]
    public var failed: [FailedContact]

    public init(incident: Int, drill: String, escalation: String, openedAt: Date, paged: [Paged], answers: [Answer], failed: [FailedContact]) {
        self.incident = incident
        self.drill = drill
        self.escalation = escalation
        self.openedAt = openedAt
        self.paged = paged
        self.answers = answers
        self.failed = failed
    }

    /// Each person's first answer, at the lowest level that paged them: how long after that
    /// level was due. Answers by someone the drill never paged are not timed.
    public var timedAnswers: [(person: String, level: Int, at: Date, seconds: Int)] {
        var first: [String: Paged] = [:]
        for page in paged where first[page.person].map({ page.level < $0.level }) ?? true { first[page.person] = page }
        var seen: Set<String> = []
        var timed: [(person: String, level: Int, at: Date, seconds: Int)] = []
        for answer in answers.sorted(by: { $0.at < $1.at }) where !seen.contains(answer.person) {
            guard let page = first[answer.person] else { continue }
            seen.insert(answer.person)
            timed.append((answer.person, page.level, answer.at, max(0, Int(answer.at.timeIntervalSince(page.dueAt).rounded(.down)))))
        }
        return timed
    }
}

/// The drill section of the response report: per person and level, how often they were paged
/// in a drill, how often they answered and how fast; the contacts that failed.
public struct DrillFigures: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        public var person: String
        public var level: Int
        public var paged: Int
        public var answered: Int
        public var answerTime: ResponseFigures.Summary?
    }

    public var runs: [DrillRun]
    /// Ordered by level, then person.
    public var rows: [Row]
    /// Drills someone answered.
    public var answered: Int
    /// Each drill's first answer, from its level 1.
    public var firstAnswer: ResponseFigures.Summary?

    public init(_ runs: [DrillRun]) {
        self.runs = runs.sorted { ($0.openedAt, $0.incident) < ($1.openedAt, $1.incident) }
        struct Key: Hashable { var person: String; var level: Int }
        var paged: [Key: Int] = [:], times: [Key: [Int]] = [:]
        var firsts: [Int] = []
        var answered = 0
        for run in self.runs {
            var once: Set<Key> = []
            for page in run.paged where once.insert(Key(person: page.person, level: page.level)).inserted {
                paged[Key(person: page.person, level: page.level), default: 0] += 1
            }
            let timed = run.timedAnswers
            for answer in timed { times[Key(person: answer.person, level: answer.level), default: []].append(answer.seconds) }
            if let first = timed.first, let start = run.paged.filter({ $0.level == 1 }).map(\.dueAt).min() {
                answered += 1
                firsts.append(max(0, Int(first.at.timeIntervalSince(start).rounded(.down))))
            }
        }
        rows = paged.map { key, count in
            Row(person: key.person, level: key.level, paged: count, answered: times[key]?.count ?? 0,
                answerTime: ResponseFigures.summary(times[key] ?? []))
        }.sorted { ($0.level, $0.person) < ($1.level, $1.person) }
        self.answered = answered
        firstAnswer = ResponseFigures.summary(firsts)
    }

    public var failed: [(incident: Int, contact: DrillRun.FailedContact)] {
        runs.flatMap { run in run.failed.map { (run.incident, $0) } }
    }
}
