import Foundation
import RotaCore
import RotaFormats
import RotaStore

/// One schedule on the board: who is on call now and until when, and its timeline.
public struct BoardRow: Sendable {
    public var schedule: Schedule
    public var person: String?
    public var until: Date?
    public var timeline: Timeline
}

/// A level of an escalation that pages a schedule, and the services that use it.
public struct SchedulePager: Sendable {
    public var escalation: EscalationPolicy
    public var level: Int
    public var services: [String]
}

/// A person's own page: next shifts, open alerts that paged them (each with a signed
/// answer token bound to the person and the alert) and their calendar link.
public struct PersonBoard: Sendable {
    public var person: Person
    public var shifts: [Shift]
    /// Open incidents that paged the person or whose roles they hold (DESIGN §11), each with its
    /// button token and its roles.
    public var alerts: [(standing: AlertStanding, answer: String, roles: IncidentRoles)]
    public var calendarURL: String?
}

/// The board (DESIGN §6): its rows and timelines, a person's page, sign-in.
public struct BoardUseCases: UseCase {
    public let context: Workspace

    /// The board is for the team: sign-in links last this long, the cookie they set 30 days.
    public static let boardLinkLifetime: TimeInterval = 7 * 86400
    public static let boardSessionLifetime: TimeInterval = 30 * 86400

    /// Every schedule (or the ones named) over `[now, now + days)`: on call now, bars and gaps,
    /// overrides and leave of its people. One timetable serves them all.
    /// `whole` looks for whole shifts past the window's ends (as `rota shifts` shows them); without
    /// it shifts are cut at the window (marked so), which is much less work for many schedules.
    public func boardRows(schedules ids: [String] = [], days: Int, whole: Bool = false) async throws -> [BoardRow] {
        let window = try Window(from: now, to: now.addingTimeInterval(Double(days) * 86400))
        let chosen = ids.isEmpty ? rota.schedules : try ids.map { try schedule($0) }
        let sources = try await timelineSources(window)
        return chosen.map { schedule in
            let onCall = sources.timetable.onCall(schedule: schedule.id, at: now)
            return BoardRow(schedule: schedule, person: onCall.person, until: onCall.until,
                            timeline: timeline(schedule, window: window, sources: sources, whole: whole))
        }
    }

    /// One schedule's timelines over several windows (the schedule page's weeks), from one read of the store.
    public func timelines(schedule id: String, windows: [(from: Date, to: Date)]) async throws -> [Timeline] {
        let schedule = try schedule(id)
        guard let first = windows.map(\.from).min(), let last = windows.map(\.to).max() else { return [] }
        let sources = try await timelineSources(try Window(from: first, to: last))
        return try windows.map { timeline(schedule, window: try Window(from: $0.from, to: $0.to), sources: sources, whole: true) }
    }

    private typealias TimelineSources = (timetable: Timetable, overrides: [StoredCover])

    private func timelineSources(_ window: Window) async throws -> TimelineSources {
        let margin = ScheduleUseCases.wholeShiftMargin
        let timetable = try await timetable(from: window.from.addingTimeInterval(-margin), to: window.to.addingTimeInterval(margin))
        return (timetable, try await storeCall { try await store.covers(.override, endingAfter: window.from) })
    }

    /// Whole shifts touching the window (as `rota shifts` lists them), gaps inside it, and the marks.
    private func timeline(_ schedule: Schedule, window: Window, sources: TimelineSources, whole: Bool) -> Timeline {
        let margin = whole ? ScheduleUseCases.wholeShiftMargin : 0
        let shifts = sources.timetable.shifts(schedule: schedule.id, from: window.from.addingTimeInterval(-margin), to: window.to.addingTimeInterval(margin))
            .filter { $0.end > window.from && $0.start < window.to }
        let members = Set(schedule.layers.flatMap(\.members))
        let overrides = sources.timetable.rota(at: window.from).schedule(schedule.id)?.overrides ?? schedule.overrides
        return Timeline.layout(shifts: shifts, gaps: Gap.complement(of: shifts, schedule: schedule.id, from: window.from, to: window.to),
                               overrides: overrides + sources.overrides.filter { $0.schedule == schedule.id }.map(\.asOverride),
                               leave: sources.timetable.leave.filter { members.contains($0.person) && $0.end > window.from && $0.start < window.to },
                               zone: schedule.zone, from: window.from, to: window.to)
    }

    /// What every schedule's answers depend on besides the clock: the files, the stored revisions,
    /// and the overrides and leave still to end. Equal keys (in one process) mean equal timetables,
    /// so a long-running server may keep what it computed from them.
    public func scheduleStateKey() async throws -> Int {
        var hasher = Hasher()
        hasher.combine(context.fingerprint)
        for revision in try await storeCall({ try await store.revisions() }) {
            hasher.combine(revision.id)
            hasher.combine(revision.fingerprint)
            hasher.combine(revision.effectiveAt)
        }
        for kind in [StoredCover.Kind.override, .leave] {
            for cover in try await storeCall({ try await store.covers(kind, endingAfter: now) }) {
                hasher.combine(cover.id)
                hasher.combine(cover.schedule)
                hasher.combine(cover.person)
                hasher.combine(cover.start)
                hasher.combine(cover.end)
            }
        }
        return hasher.finalize()
    }

    /// The open incidents with where each stands (who was paged: the pages of all of them in one
    /// read), most severe first, then oldest (DESIGN §10); times in `zone` (else the rota's).
    public func alertStandings(zone: Zone? = nil) async throws -> [AlertStanding] {
        let open = try await storeCall { try await store.incidents(includeClosed: false) }.sorted {
            (-AlertRules.rank($0.peakSeverity), $0.createdAt, $0.id) < (-AlertRules.rank($1.peakSeverity), $1.createdAt, $1.id)
        }
        let pages = Dictionary(grouping: try await storeCall { try await store.openAlertPages() }, by: \.alertID)
        return open.map { AlertStanding($0, pages: pages[$0.id] ?? [], rota: rota, now: now, zone: zone ?? inputZone) }
    }

    /// The escalation levels that page a schedule, with the services escalating by them.
    public func pagers(of schedule: String) -> [SchedulePager] {
        rota.escalations.flatMap { policy in
            policy.levels.enumerated().filter { $0.element.targets.contains(.schedule(schedule)) }.map { index, _ in
                SchedulePager(escalation: policy, level: index + 1, services: rota.services.filter { $0.escalation == policy.id }.map(\.id))
            }
        }
    }

    /// A person's page behind their feed token; nil when the token is forged or revoked.
    public func personBoard(token: String, days: Int = 28) async throws -> PersonBoard? {
        guard let person = try await context.feeds.feedPerson(token: token) else { return nil }
        let window = try Window(from: now, to: now.addingTimeInterval(Double(days) * 86400))
        let shifts = try await context.schedules.shifts(schedules: [], person: person, window: window, whole: true)
        let signer = try secrets.tokenSigner()
        var alerts: [(standing: AlertStanding, answer: String, roles: IncidentRoles)] = []
        for standing in try await alertStandings(zone: person.timezone ?? inputZone) {
            let crisisChain = rota.escalation(standing.alert.escalation)?.roles.isEmpty == false
            let roles = crisisChain ? try await storeCall { try await store.crisis(incident: standing.alert.id) }.roles : IncidentRoles()
            guard standing.paged.contains(person.id) || roles.commander == person.id || roles.comms == person.id else { continue }
            alerts.append((standing, context.links.linkToken(.pageButton, alert: standing.alert.id, person: person.id, signer: signer), roles))
        }
        let base = rota.settings.server.publicURL
        return PersonBoard(person: person, shifts: shifts, alerts: alerts,
                           calendarURL: base.map { "\($0)/calendar/\(token).ics" })
    }

    /// Answers an alert from a person's page: the button's token must name this person, and the
    /// page's own token must still stand (a revoked feed revokes its buttons too). A button's
    /// token is no ack link: `/a/TOKEN` refuses it.
    public func answer(personToken: String, answer token: String, action: IngestEvent.Action) async throws -> Bool {
        guard let person = try await context.feeds.feedPerson(token: personToken), let link = try context.links.resolveLink(token, purpose: .pageButton),
              link.person == person.id else { return false }
        _ = try await context.links.answer(link: token, action: action, purpose: .pageButton)
        return true
    }

    /// Posts a status update from a person's page (DESIGN §11): the form's token must name this
    /// person and the incident, as a button's does; logged as `P (board)`.
    public func postUpdate(personToken: String, answer token: String, text: String) async throws -> Bool {
        guard let person = try await context.feeds.feedPerson(token: personToken), let link = try context.links.resolveLink(token, purpose: .pageButton),
              link.person == person.id else { return false }
        _ = try await context.crisis.postUpdate(incident: link.alertID, text: text, actorID: "\(person.id) (board)")
        return true
    }

    /// Staff sign themselves in (DESIGN §13): a sign-in link (the board's cookie, then their own
    /// page) through the person's first contact that can carry one (a call cannot), queued in
    /// the outbox like any notice. False when nothing was queued; the caller says the same either way.
    public func sendSignIn(person id: String) async throws -> Bool {
        guard let person = rota.person(id), let base = rota.settings.server.publicURL,
              let index = person.contacts.firstIndex(where: { if case .voice = $0.channel { false } else { true } }) else { return false }
        let page = try await context.feeds.personPageURL(person: person.id)
        let link = try boardSignInURL().url + "?next=" + String(page.dropFirst(base.count + 1))
        let contact = person.contacts[index]
        let text = "Your rota sign-in link: it opens your own page and signs this browser in to the board (it works for 7 days).\n\(link)\nIf you did not ask for it, ignore this message.\n"
        let entry = OutboxEntry(delivery: .notice(key: "signin|\(person.id)|\(UUID().uuidString)", subject: "Your rota sign-in link", text: text),
                                person: person.id, contact: index, contactKind: contact.channel.kind, contactKey: contact.key, dueAt: now)
        _ = try await storeCall { try await store.enqueue([entry]) }
        return true
    }

    /// A sign-in link for the board (`PUBLIC_URL/board/signin/TOKEN`), valid 7 days.
    public func boardSignInURL() throws -> (url: String, expires: Date) {
        guard let base = rota.settings.server.publicURL else {
            throw RotaError.usage("settings.server.public_url is not set: a sign-in link needs to say where rota serve is reached")
        }
        let expires = now.addingTimeInterval(Self.boardLinkLifetime)
        return ("\(base)/board/signin/" + (try boardToken("signin", expires: expires, signer: secrets.tokenSigner())), expires)
    }

    /// The cookie value a valid sign-in token earns, or nil when it is forged or expired.
    public func boardSession(signIn token: String) throws -> String? {
        let signer = try secrets.tokenSigner()
        guard boardToken(token, is: "signin", signer: signer) else { return nil }
        return boardToken("session", expires: now.addingTimeInterval(Self.boardSessionLifetime), signer: signer)
    }

    /// Whether a board cookie is one this server signed and still valid.
    public func boardSessionValid(_ cookie: String) -> Bool {
        guard let signer = try? secrets.tokenSigner() else { return false }
        return boardToken(cookie, is: "session", signer: signer)
    }

    /// A board token: its kind (a sign-in link's or a cookie's) and when it expires, signed.
    private func boardToken(_ kind: String, expires: Date, signer: TokenSigner) -> String {
        signer.sign(.board, [kind, String(Int(expires.timeIntervalSince1970))])
    }

    /// Whether `token` is a board token of this kind that this server signed and that has not expired.
    private func boardToken(_ token: String, is kind: String, signer: TokenSigner) -> Bool {
        guard let fields = signer.verify(.board, token), fields.count == 2, fields[0] == kind, let expires = Double(fields[1]) else { return false }
        return now.timeIntervalSince1970 < expires
    }
}

extension Workspace {
    public var board: BoardUseCases { BoardUseCases(context: self) }
}
