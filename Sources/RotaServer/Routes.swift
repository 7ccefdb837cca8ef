import Foundation
import Hummingbird
import Logging
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// The routes of DESIGN §6: each decodes, calls the Kit once, encodes. Bad requests change
/// nothing: 400 for a malformed body, 401 for a missing or wrong token (the same answer for
/// both), 413 past 1 MiB, 422 for an unknown service; 503 when the store cannot be written,
/// so senders retry. A 2xx means the write is durable.
struct Routes: Sendable {
    let state: ServerState

    func add(to router: Router<BasicRequestContext>) {
        router.post("v1/alerts") { request, context in try await admitted(request, kind: .generic, route: "generic") }
        router.post("v1/alertmanager") { request, context in try await admitted(request, kind: .alertmanager, route: "alertmanager") }
        router.post("v2/enqueue") { request, context in try await admitted(request, kind: .pagerduty, route: "pagerduty") }
        router.get("a/:token") { request, context in try await link(context.parameters.get("token") ?? "", action: nil) }
        router.post("a/:token") { request, context in
            let form = String(buffer: try await request.body.collect(upTo: 4096))
            let action: IngestEvent.Action? = switch FormBody.value(form, "action") {
            case "ack": .acknowledge
            case "resolve": .resolve
            default: nil
            }
            guard let action else { return Self.text(.badRequest, "action must be ack or resolve\n") }
            return try await link(context.parameters.get("token") ?? "", action: action)
        }
        router.get("calendar/:file") { request, context in try await calendar(context.parameters.get("file") ?? "") }
        router.post("v1/twilio/sms") { request, context in try await twilio(request, voice: false) }
        router.post("v1/twilio/voice") { request, context in try await twilio(request, voice: true) }
        router.post("v1/slack/actions") { request, context in
            let body = Data(buffer: try await request.body.collect(upTo: 65536))
            return try await slack(body, timestamp: request.headers[.init("X-Slack-Request-Timestamp")!],
                                   signature: request.headers[.init("X-Slack-Signature")!])
        }
        router.post("v1/mattermost/actions") { request, context in
            try await mattermost(Data(buffer: try await request.body.collect(upTo: 65536)))
        }
        // Mail scanners and link previews check links with HEAD: the GET's answer, without its body.
        router.head("a/:token") { request, context in Self.headOnly(try await link(context.parameters.get("token") ?? "", action: nil)) }
        router.head("calendar/:file") { request, context in Self.headOnly(try await calendar(context.parameters.get("file") ?? "")) }
        router.post("v1/heartbeats/:id") { request, context in try await ping(request, id: context.parameters.get("id") ?? "") }
        router.get("healthz") { request, context in try await health() }
        router.get("metrics") { request, context in try await metrics() }
    }

    // MARK: ingestion

    private func admitted(_ request: Request, kind: Integration.Kind, route: String) async throws -> Response {
        if let response = try await state.admission.admit({ try await ingest(request, kind: kind, route: route) }) { return response }
        state.metrics.countIngest(route: route, integration: "-", status: 503)
        var response = Self.json(.serviceUnavailable, .object([("error", .string("overloaded; retry"))]))
        response.headers[.retryAfter] = "1"
        return response
    }

    private func ingest(_ request: Request, kind: Integration.Kind, route: String) async throws -> Response {
        let workspace = await state.current()
        let metrics = state.metrics
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: RotaServer.bodyLimit)
        } catch {
            metrics.countIngest(route: route, integration: "-", status: 413)
            return Self.json(.contentTooLarge, .object([("error", .string("the body is over 1 MiB"))]))
        }
        let data = Data(buffer: body)
        // PagerDuty's sender authenticates with the routing key in the body, the others with a bearer token.
        var token: String?
        var events: [IngestEvent] = []
        do {
            switch kind {
            case .pagerduty:
                let parsed = try IngestParser.pagerDuty(data)
                token = parsed.routingKey
                events = [parsed.event]
            case .generic, .alertmanager:
                token = Self.bearer(request)
            }
            guard let token, let integration = workspace.secrets.integration(token: token), integration.kind == kind else {
                metrics.countIngest(route: route, integration: "-", status: 401)
                return Self.json(.unauthorized, .object([("error", .string("a valid token for this endpoint is required"))]))
            }
            switch kind {
            case .generic:
                events = [try IngestParser.generic(data)]
            case .alertmanager:
                let parsed = try IngestParser.alertmanager(data, serviceLabel: integration.serviceLabel)
                if parsed.truncated > 0 {
                    state.logger.warning("integration \(integration.id): Alertmanager truncated \(parsed.truncated) alert(s) from this group")
                }
                events = parsed.events
            case .pagerduty:
                break
            }
            var outcomes: [(IngestEvent, IngestOutcome)] = []
            for event in events {
                do {
                    outcomes.append((event, try await workspace.intake.ingest(event, from: integration)))
                } catch RotaError.notFound(let what) where kind == .alertmanager {
                    // Judged alone: this alert is refused (said in the answer), the others of its group are kept.
                    state.logger.warning("integration \(integration.id), alert \(event.dedupKey ?? "?"): \(what)")
                    outcomes.append((event, IngestOutcome(alert: nil, deduplicated: false, note: what)))
                }
            }
            if outcomes.contains(where: { $0.0.action == .trigger && $0.1.deduplicated == false }) { await state.trigger() }
            let status: HTTPResponse.Status = kind == .alertmanager ? .ok : .accepted
            metrics.countIngest(route: route, integration: integration.id, status: Int(status.code))
            return Self.json(status, Self.answer(kind, outcomes))
        } catch let problem as IngestProblem {
            metrics.countIngest(route: route, integration: "-", status: 400)
            if kind == .pagerduty {
                return Self.json(.badRequest, .object([("status", .string("invalid event")), ("message", .string("Event object is invalid")),
                                                      ("errors", .array(problem.errors.map { .string($0) }))]))
            }
            return Self.json(.badRequest, .object([("error", .string(problem.description))]))
        } catch RotaError.notFound(let what) {
            metrics.countIngest(route: route, integration: "-", status: 422)
            return Self.json(.unprocessableContent, .object([("error", .string(what))]))
        } catch {
            metrics.countIngest(route: route, integration: "-", status: 503)
            state.logger.error("ingest failed: \(error)")
            return Self.json(.serviceUnavailable, .object([("error", .string("the alert could not be stored; retry"))]))
        }
    }

    static func answer(_ kind: Integration.Kind, _ outcomes: [(IngestEvent, IngestOutcome)]) -> JSONValue {
        switch kind {
        case .alertmanager:
            return .object([("alerts", .array(outcomes.map { event, outcome in
                .object([("fingerprint", .text(event.dedupKey)), ("id", outcome.alert.map { .int($0.id) } ?? .null),
                         ("status", .string(outcome.alert?.status.rawValue ?? "unknown")),
                         ("service", outcome.alert.map { .text($0.service) } ?? .null),
                         ("incident", outcome.alert.map { .int($0.incidentID) } ?? .null)]
                        + (outcome.note.map { [("note", JSONValue.text($0))] } ?? []))
            }))])
        case .pagerduty:
            return .object([("status", .string("success")), ("message", .string("Event processed")),
                            ("dedup_key", .text(outcomes.first?.1.alert?.dedupKey ?? outcomes.first?.0.dedupKey))])
        case .generic:
            let outcome = outcomes.first?.1
            return Documents.raised(id: outcome?.alert?.id, status: outcome?.alert?.status.rawValue ?? "unknown",
                                    deduplicated: outcome?.deduplicated ?? false, incident: outcome?.alert?.incidentID)
        }
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    // MARK: links and feeds

    private func link(_ token: String, action: IngestEvent.Action?) async throws -> Response {
        let workspace = await state.current()
        return await BoardRoutes.rendering(workspace, logger: state.logger) {
            guard let (id, person) = try workspace.links.resolveLink(token) else {
                return BoardRoutes.page(.forbidden, AlertPage.forbidden(now: workspace.now, zone: workspace.inputZone))
            }
            if let action {
                _ = try await workspace.links.answer(link: token, action: action)
                return Response(status: .seeOther, headers: [.location: "/a/\(token)"])
            }
            // The link answers the incident (one merged since goes on to the one it went into).
            let detail = try await workspace.alerts.detail(try await workspace.incidents.incident(of: id).id)
            let standing = AlertStanding(detail.alert, pages: detail.pages, rota: workspace.rota, now: workspace.now, zone: workspace.inputZone)
            return BoardRoutes.page(.ok, AlertPage.render(standing, person: person, token: token, now: workspace.now, zone: workspace.inputZone))
        }
    }

    /// A Twilio-compatible gateway's webhook (DESIGN §13): a reply to a text message, or the digit
    /// pressed in a call. Verified by `X-Twilio-Signature` over the public URL and the sorted form
    /// parameters; anything unsigned, or from a number that was not paged for the incident, is 403
    /// and changes nothing. Answered with TwiML.
    private func twilio(_ request: Request, voice: Bool) async throws -> Response {
        let workspace = await state.current()
        let form = String(buffer: try await request.body.collect(upTo: 65536))
        let parameters = FormBody.pairs(form)
        let signature = request.headers[.init("X-Twilio-Signature")!]
        let target = request.uri.string
        let answer = voice ? try await workspace.twilio.twilioVoice(target: target, parameters: parameters, signature: signature)
                           : try await workspace.twilio.twilioSMS(target: target, parameters: parameters, signature: signature)
        switch answer {
        case .refused(let why):
            state.logger.notice("a Twilio request changed nothing: \(why)")
            return Self.text(.forbidden, "refused\n")
        case .twiml(let twiml):
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: #"<?xml version="1.0" encoding="UTF-8"?>"# + twiml)))
        }
    }

    /// A click on a Slack button (DESIGN §13): verified by the app's signing secret (401
    /// otherwise, nothing changes), answered at once (Slack wants an answer within 3 s), the
    /// message then updated through the API to say who answered.
    private func slack(_ body: Data, timestamp: String?, signature: String?) async throws -> Response {
        let workspace = await state.current()
        switch try await workspace.slack.slackClick(body: body, timestamp: timestamp, signature: signature) {
        case .unverified:
            return Self.text(.unauthorized, "not signed by the Slack app\n")
        case .unreadable(let why):
            return Self.text(.badRequest, why + "\n")
        case .refused(let why):
            state.logger.notice("a Slack click changed nothing: \(why)")
            return Self.text(.ok, "")
        case .answered(let alert, _, let channel, let ts, let token):
            if let channel, let ts {
                let logger = state.logger
                Task {
                    if case let .permanent(why) = await workspace.slack.slackSayAnswered(alert, channel: channel, ts: ts, token: token) {
                        logger.warning("could not update the Slack message: \(why)")
                    }
                }
            }
            return Self.text(.ok, "")
        }
    }

    /// A click on a Mattermost button (DESIGN §13): Mattermost posts the button's context, which
    /// carries the page's signed ack-link token. Answered as the person the page went to; the
    /// answer updates the message to say who answered and drops its buttons. A forged or
    /// expired token changes nothing (403).
    private func mattermost(_ body: Data) async throws -> Response {
        let workspace = await state.current()
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let context = object["context"] as? [String: Any], let token = context["token"] as? String,
              let actionName = context["action"] as? String else {
            return Self.json(.badRequest, .object([("ephemeral_text", .string("rota could not read this button"))]))
        }
        let action: IngestEvent.Action
        switch actionName {
        case "ack": action = .acknowledge
        case "resolve": action = .resolve
        default: return Self.json(.badRequest, .object([("ephemeral_text", .string("rota does not know this button"))]))
        }
        guard let alert = try await workspace.links.answer(link: token, action: action, via: "mattermost") else {
            return Self.json(.forbidden, .object([("ephemeral_text", .string("This button is not valid (forged, or older than 7 days)."))]))
        }
        // Who answered first, as the store has it (a second click, or a click after another channel, says so).
        let sentence = alert.answeredSentence
        let said = sentence.prefix(1).uppercased() + sentence.dropFirst()
        return Self.json(.ok, .object([
            ("update", .object([("message", .string(alert.summary)),
                                ("props", .object([("attachments", .array([.object([("title", .string(alert.summary)), ("text", .string(said))])]))]))])),
            ("ephemeral_text", .string(said)),
        ]))
    }

    private func calendar(_ file: String) async throws -> Response {
        let workspace = await state.current()
        guard file.hasSuffix(".ics"), let person = try await workspace.feeds.feedPerson(token: String(file.dropLast(4))) else {
            return Self.text(.notFound, "no such calendar\n")
        }
        let shifts = try await workspace.feeds.feedShifts(of: person)
        let calendar = ICalendar.render(shifts, rota: workspace.rota, now: workspace.now, feed: true)
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: calendar)))
    }

    // MARK: heartbeats

    private func ping(_ request: Request, id: String) async throws -> Response {
        let workspace = await state.current()
        // An unknown id and a wrong token get the same answer, so ids cannot be probed.
        guard let heartbeat = workspace.rota.heartbeat(id), let token = Self.bearer(request),
              workspace.secrets.heartbeatAccepts(heartbeat, token: token) else {
            return Self.json(.unauthorized, .object([("error", .string("a valid token for this heartbeat is required"))]))
        }
        do {
            let at = try await workspace.heartbeats.ping(heartbeat: heartbeat.id)
            return Self.json(.ok, Documents.pinged(heartbeat: heartbeat.id, at: at))
        } catch {
            return Self.json(.serviceUnavailable, .object([("error", .string("the ping could not be stored; retry"))]))
        }
    }

    // MARK: health

    /// 200 with every problem of DESIGN §15 listed (a stale tick, a failing page, invalid files);
    /// 503 only when the database cannot be read or written, so a dead cron never takes alert
    /// intake out of a load balancer.
    private func health() async throws -> Response {
        let workspace = await state.current().atCurrentTime()
        do {
            let health = try await workspace.runner.health()
            try await workspace.store.probeWrite()
            return Self.json(.ok, .object([("status", .string(health.problems.isEmpty ? "ok" : "problems")),
                                           ("last_tick", .instant(health.status.lastTick)),
                                           ("problems", .array(health.problems.map { .string($0) }))]))
        } catch {
            state.logger.error("health check: \(error)")
            return Self.json(.serviceUnavailable, .object([("status", .string("database unavailable")), ("last_tick", .null),
                                                           ("problems", .array([.string("the database cannot be read or written")]))]))
        }
    }

    private func metrics() async throws -> Response {
        let workspace = await state.current()
        let alerts = try await workspace.alerts.list(includeResolved: false).filter { !$0.isDrill }
        let health = try await workspace.atCurrentTime().runner.health()
        // Incidents acknowledged since the start: those opened at most 7 days before it, or in the last 14 days.
        let since = max(state.metrics.startedAt, workspace.now.addingTimeInterval(-7 * 86400)).addingTimeInterval(-7 * 86400)
        state.metrics.observe(try await workspace.reports.responseIncidents(openedFrom: since, to: workspace.now.addingTimeInterval(1)))
        let text = state.metrics.exposition(open: Dictionary(grouping: alerts, by: \.status).mapValues(\.count), runner: health.status,
                                            problems: health.problems.count, filesValid: !workspace.invalidFiles)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: answers

    static func headOnly(_ response: Response) -> Response {
        Response(status: response.status, headers: response.headers)
    }

    static func json(_ status: HTTPResponse.Status, _ document: JSONValue) -> Response {
        var bytes: [UInt8] = []
        document.write(to: &bytes)
        bytes.append(0x0a)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                           .init("Referrer-Policy")!: "no-referrer"],
                 body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
