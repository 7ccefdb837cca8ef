import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit

/// Alerts arriving over HTTP (DESIGN §6): `POST /v1/alerts`, `/v1/alertmanager` (bearer tokens,
/// checked by `IntegrationAuthentication`) and `/v2/enqueue` (PagerDuty Events v2, its routing key
/// in the body). Each decodes, calls the Kit once per event, encodes. Bad requests change nothing:
/// 400 for a malformed body, 401 for a missing or wrong token, 413 past 1 MiB, 422 for an unknown
/// service; 503 when the store cannot be written or too many requests wait, so senders retry.
/// A 2xx means the write is durable.
struct IntakeController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
        router.group("v1/alerts").add(middleware: IntegrationAuthentication.middleware(state: state, kind: .generic, route: "generic"))
            .post { request, context in try await admitted(request, context: context, kind: .generic, route: "generic") }
        router.group("v1/alertmanager").add(middleware: IntegrationAuthentication.middleware(state: state, kind: .alertmanager, route: "alertmanager"))
            .post { request, context in try await admitted(request, context: context, kind: .alertmanager, route: "alertmanager") }
        router.post("v2/enqueue") { request, context in try await admitted(request, context: context, kind: .pagerduty, route: "pagerduty") }
    }

    private func admitted(_ request: Request, context: RotaRequestContext, kind: Integration.Kind, route: String) async throws -> Response {
        if let response = try await state.admission.admit({ try await ingest(request, context: context, kind: kind, route: route) }) {
            return response
        }
        state.metrics.countIngest(route: route, integration: "-", status: 503)
        var response = Answer.error(.serviceUnavailable, "overloaded; retry")
        response.headers[.retryAfter] = "1"
        return response
    }

    /// `context.integration`: the one the middleware found (nil for PagerDuty, found here from the body's key).
    private func ingest(_ request: Request, context: RotaRequestContext, kind: Integration.Kind, route: String) async throws -> Response {
        let workspace = await context.workspace(from: state)
        let metrics = state.metrics
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: RotaServer.bodyLimit)
        } catch {
            metrics.countIngest(route: route, integration: "-", status: 413)
            return Answer.error(.contentTooLarge, "the body is over 1 MiB")
        }
        let data = Data(buffer: body)
        do {
            let integration: Integration
            let events: [IngestEvent]
            switch kind {
            case .pagerduty:
                let parsed = try IngestParser.pagerDuty(data)
                guard let found = workspace.secrets.integration(token: parsed.routingKey), found.kind == kind else {
                    metrics.countIngest(route: route, integration: "-", status: 401)
                    return IntegrationAuthentication.refused
                }
                integration = found
                events = [parsed.event]
            case .generic, .alertmanager:
                guard let authenticated = context.integration else { return IntegrationAuthentication.refused }
                integration = authenticated
                if kind == .generic {
                    events = [try IngestParser.generic(data)]
                } else {
                    let parsed = try IngestParser.alertmanager(data, serviceLabel: integration.serviceLabel)
                    if parsed.truncated > 0 {
                        state.logger.warning("integration \(integration.id): Alertmanager truncated \(parsed.truncated) alert(s) from this group")
                    }
                    events = parsed.events
                }
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
            return Answer.json(status, Self.answer(kind, outcomes))
        } catch let problem as IngestProblem {
            metrics.countIngest(route: route, integration: "-", status: 400)
            if kind == .pagerduty {
                return Answer.json(.badRequest, .object([("status", .string("invalid event")), ("message", .string("Event object is invalid")),
                                                        ("errors", .array(problem.errors.map { .string($0) }))]))
            }
            return Answer.error(.badRequest, problem.description)
        } catch RotaError.notFound(let what) {
            metrics.countIngest(route: route, integration: "-", status: 422)
            return Answer.error(.unprocessableContent, what)
        } catch {
            metrics.countIngest(route: route, integration: "-", status: 503)
            state.logger.error("ingest failed: \(error)")
            return Answer.error(.serviceUnavailable, "the alert could not be stored; retry")
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
}
