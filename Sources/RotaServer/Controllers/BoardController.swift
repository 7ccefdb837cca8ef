import Foundation
import Hummingbird
import Logging
import RotaCore
import RotaFormats
import RotaKit
import Synchronization

/// The board's routes (DESIGN §6.1): `/`, `/schedules/ID`, `/incidents/N`, `/report` behind the
/// sign-in cookie (`BoardSession`, unless `settings.server.board: public`), `/me/TOKEN` behind the person's own token, and the
/// sign-in link that sets the cookie. Each reads the Kit once and renders a page.
struct BoardController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
        router.group().add(middleware: BoardSession(state: state))
            .get("/") { request, context in try await signedIn(context) { workspace in try await overview(workspace) } }
            .get("schedules/:id") { request, context in
                try await signedIn(context) { workspace in try await schedule(workspace, id: context.parameters.get("id") ?? "") }
            }
            .get("incidents/:id") { request, context in
                try await signedIn(context) { workspace in try await incident(workspace, id: context.parameters.get("id") ?? "") }
            }
            .get("report") { request, context in
                try await signedIn(context) { workspace in
                    try await report(workspace, from: request.uri.queryParameters["from"].map(String.init),
                                     to: request.uri.queryParameters["to"].map(String.init), service: request.uri.queryParameters["service"].map(String.init))
                }
            }
        router.get("board/signin/:token") { request, context in
            try await signIn(context.parameters.get("token") ?? "", next: request.uri.queryParameters["next"].map(String.init))
        }
        router.get("signin") { request, context in await signInForm(sent: nil) }
        router.post("signin") { request, context in
            let form = String(buffer: try await request.body.collect(upTo: 4096))
            return try await requestSignIn(form: form, forwardedFor: request.headers[.init("X-Forwarded-For")!])
        }
        router.get("me/:token") { request, context in try await person(context.parameters.get("token") ?? "") }
        router.post("me/:token") { request, context in
            // A status update is up to 4,096 characters, form-encoded (up to 9 bytes each for non-ASCII).
            let form = String(buffer: try await request.body.collect(upTo: 40_000))
            return try await answer(context.parameters.get("token") ?? "", form: form)
        }
    }

    /// A page behind `BoardSession`, rendered from the workspace at the current time.
    private func signedIn(_ context: RotaRequestContext, _ page: (Workspace) async throws -> Response) async throws -> Response {
        let workspace = await context.workspace(from: state)
        return await rendering(workspace) { try await page(workspace) }
    }

    private func rendering(_ workspace: Workspace, _ page: () async throws -> Response) async -> Response {
        await Self.rendering(workspace, logger: state.logger, page)
    }

    /// Every HTML page's answer when it cannot be made (the board's and the ack link's): a missing
    /// thing is 404's page, a store that did not answer 503's, never an empty 500, so a phone
    /// shows what happened.
    static func rendering(_ workspace: Workspace, logger: Logger, _ page: () async throws -> Response) async -> Response {
        do {
            return try await page()
        } catch RotaError.notFound(let what) {
            return Answer.page(.notFound, Board.message("Not found", [what], now: workspace.now, zone: workspace.inputZone))
        } catch {
            logger.error("page failed: \(error)")
            return Answer.page(.serviceUnavailable, Board.message("rota is unavailable", ["The database did not answer; try again in a moment."],
                                                                now: workspace.now, zone: workspace.inputZone))
        }
    }

    /// `GET /signin`: a person's id, nothing else; after `POST /signin`, the same words whether or
    /// not the id exists.
    private func signInForm(sent id: String?) async -> Response {
        let workspace = await state.current()
        return Answer.page(.ok, Board.page("signin", title: "Sign in", values: ["sent": id != nil, "id": Board.shown(id ?? "")],
                                         now: workspace.now, zone: workspace.inputZone))
    }

    /// `POST /signin`: queues a sign-in link to the person's first contact that can carry one.
    /// Limited per id (3 an hour: nobody's phone is flooded) and per address (10 an hour: the
    /// last `X-Forwarded-For` entry, the one the reverse proxy added, else the direct peer as one
    /// bucket); past the address's limit 429, past the id's the same answer and nothing sent.
    private func requestSignIn(form: String, forwardedFor: String?) async throws -> Response {
        let workspace = await state.current()
        let id = String((FormBody.value(form, "person") ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        guard !id.isEmpty else { return await signInForm(sent: nil) }
        let address = forwardedFor?.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "direct"
        switch state.signIns.admit(id: id, address: address, now: workspace.now) {
        case .address:
            return Answer.page(.tooManyRequests, Board.message("Too many sign-in requests", ["Try again in an hour."],
                                                             now: workspace.now, zone: workspace.inputZone))
        case .id:
            state.logger.notice("sign-in link not sent: too many for one id this hour")
        case .admitted:
            do {
                _ = try await workspace.board.sendSignIn(person: id)
            } catch {
                state.logger.error("sign-in link not queued: \(error)")
            }
        }
        return await signInForm(sent: id)
    }

    private func signIn(_ token: String, next: String? = nil) async throws -> Response {
        let workspace = await state.current()
        guard let session = try workspace.board.boardSession(signIn: token) else {
            return Answer.page(.forbidden, Board.message("This sign-in link is not valid", [
                "It was forged, damaged or has expired (sign-in links last 7 days).", "Ask for a new one: rota board url.",
            ], now: workspace.now, zone: workspace.inputZone))
        }
        let secure = workspace.rota.settings.server.publicURL?.lowercased().hasPrefix("https://") ?? false
        // A self-service link goes on to the person's own page (only there: never an open redirect).
        let target = next.flatMap { $0.hasPrefix("me/") && $0.dropFirst(3).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) ? "/" + $0 : nil } ?? "/"
        var response = Response(status: .seeOther, headers: [.location: target, .cacheControl: "no-store", .init("Referrer-Policy")!: "no-referrer"])
        response.setCookie(Cookie(name: BoardSession.cookieName, value: session, maxAge: Int(BoardUseCases.boardSessionLifetime), path: "/",
                                  secure: secure, httpOnly: true, sameSite: .lax))
        return response
    }

    // MARK: pages

    private func overview(_ workspace: Workspace) async throws -> Response {
        let now = workspace.now, zone = workspace.inputZone
        let key = try await workspace.board.scheduleStateKey()
        let schedules: String
        if let kept = state.boardCache.value(key: key, now: now) {
            schedules = kept
        } else {
            let rows = try await workspace.board.boardRows(days: Board.boardDays)
            schedules = Board.schedules(rows, now: now, zone: zone)
            // Kept a minute at most, and never past a handoff: who is on call is always right.
            let handoff = rows.compactMap(\.until).filter { $0 > now }.min() ?? .distantFuture
            state.boardCache.keep(schedules, key: key, until: min(now.addingTimeInterval(60), handoff))
        }
        let alerts = try await workspace.board.alertStandings()
        return Answer.page(.ok, Board.overview(schedules: schedules, alerts: alerts, now: now, zone: zone, warning: workspace.standIn))
    }

    private func schedule(_ workspace: Workspace, id: String) async throws -> Response {
        guard let row = try await workspace.board.boardRows(schedules: [id], days: Board.scheduleDays, whole: true).first else {
            throw RotaError.notFound("no schedule '\(id)'")
        }
        let weeks = try await workspace.board.timelines(schedule: id, windows: Board.weeks(of: row, now: workspace.now))
        return Answer.page(.ok, Board.schedule(row, weeks: weeks, pagers: workspace.board.pagers(of: id), now: workspace.now,
                                                  warning: workspace.standIn))
    }

    private func incident(_ workspace: Workspace, id: String) async throws -> Response {
        guard let number = Int(id), number > 0 else { throw RotaError.notFound("no incident '\(id)'") }
        let detail = try await workspace.incidents.detail(number)
        let incident = detail.view.incident
        let standing = AlertStanding(incident, pages: detail.pages, rota: workspace.rota, now: workspace.now, zone: workspace.inputZone)
        let timeline = IncidentTimeline.build(incident: incident.id, events: detail.events)
        return Answer.page(.ok, Board.incident(detail, standing: standing, timeline: timeline, now: workspace.now, zone: workspace.inputZone,
                                             warning: workspace.standIn))
    }

    /// `GET /report[?from=T&to=T&service=S]`: the response report (DESIGN §12), the last 30 days by default.
    private func report(_ workspace: Workspace, from: String?, to: String?, service: String?) async throws -> Response {
        let window: Window
        do {
            let end = try to.map { try workspace.time($0, flag: "to") } ?? workspace.now
            let start = try from.map { try workspace.time($0, flag: "from") } ?? end.addingTimeInterval(-30 * 86400)
            window = try Window(from: start, to: end, zone: workspace.inputZone)
        } catch RotaError.usage(let message) {
            return Answer.page(.badRequest, Board.message("Not a period", [message], now: workspace.now, zone: workspace.inputZone))
        }
        let figures = try await workspace.reports.responseReport(window: window, service: service.flatMap { $0.isEmpty ? nil : $0 })
        return Answer.page(.ok, Board.report(figures, now: workspace.now, zone: workspace.inputZone, warning: workspace.standIn))
    }

    private func person(_ token: String) async throws -> Response {
        let workspace = await state.current()
        return await rendering(workspace) {
            guard let board = try await workspace.board.personBoard(token: token) else {
                return Answer.page(.notFound, Board.message("No such page", ["This link was revoked or is not valid. Ask for a new one: rota feed url --person YOU."],
                                                          now: workspace.now, zone: workspace.inputZone))
            }
            return Answer.page(.ok, Board.person(board, rota: workspace.rota, token: token, now: workspace.now, zone: workspace.inputZone,
                                                      warning: workspace.standIn))
        }
    }

    /// A button on a person's page: the answer token is signed and names this person and the alert (the CSRF defence).
    private func answer(_ token: String, form: String) async throws -> Response {
        let workspace = await state.current()
        if FormBody.value(form, "action") == "update" { return await update(workspace, token, form: form) }
        guard let action = IngestEvent.Action(button: FormBody.value(form, "action")), let answer = FormBody.value(form, "answer") else {
            return Answer.text(.badRequest, "action must be ack or resolve, with the answer token of the page\n")
        }
        return await rendering(workspace) {
            guard try await workspace.board.answer(personToken: token, answer: answer, action: action) else {
                return Answer.page(.forbidden, Board.message("This button is not valid", ["It was forged, is for someone else, or is older than 7 days. Reload the page."],
                                                           now: workspace.now, zone: workspace.inputZone))
            }
            return Response(status: .seeOther, headers: [.location: "/me/\(token)", .cacheControl: "no-store"])
        }
    }

    /// A status update from a person's page (DESIGN §11): the same signed token as the buttons.
    private func update(_ workspace: Workspace, _ token: String, form: String) async -> Response {
        guard let answer = FormBody.value(form, "answer"), let text = FormBody.value(form, "text") else {
            return Answer.text(.badRequest, "an update needs its text and the answer token of the page\n")
        }
        return await rendering(workspace) {
            do {
                guard try await workspace.board.postUpdate(personToken: token, answer: answer, text: text) else {
                    return Answer.page(.forbidden, Board.message("This form is not valid", ["It was forged, is for someone else, or is older than 7 days. Reload the page."],
                                                               now: workspace.now, zone: workspace.inputZone))
                }
            } catch RotaError.usage(let why) {
                return Answer.page(.badRequest, Board.message("The update was not posted", [why], now: workspace.now, zone: workspace.inputZone))
            }
            return Response(status: .seeOther, headers: [.location: "/me/\(token)", .cacheControl: "no-store"])
        }
    }
}

/// The board's schedules as last rendered, with what they depend on: the files, revisions,
/// overrides and leave (the key) and the time until which they hold.
final class BoardCache: Sendable {
    private let kept = Mutex<(key: Int, until: Date, html: String)?>(nil)

    func value(key: Int, now: Date) -> String? {
        kept.withLock { kept in
            guard let kept, kept.key == key, now < kept.until else { return nil }
            return kept.html
        }
    }

    func keep(_ html: String, key: Int, until: Date) {
        kept.withLock { $0 = (key, until, html) }
    }
}

/// How many sign-in links were asked for, per id and per address, in the last hour (DESIGN §13).
final class SignInLimiter: Sendable {
    enum Verdict { case admitted, id, address }
    static let perID = 3, perAddress = 10
    private let asked = Mutex<[String: [Date]]>([:])

    func admit(id: String, address: String, now: Date) -> Verdict {
        asked.withLock { asked in
            let since = now.addingTimeInterval(-3600)
            for key in ["id:" + id, "address:" + address] { asked[key] = (asked[key] ?? []).filter { $0 > since } }
            if asked["address:" + address, default: []].count >= Self.perAddress { return .address }
            asked["address:" + address, default: []].append(now)
            if asked["id:" + id, default: []].count >= Self.perID { return .id }
            asked["id:" + id, default: []].append(now)
            return .admitted
        }
    }
}
