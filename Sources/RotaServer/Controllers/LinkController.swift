import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// Ack links (DESIGN §6): `GET /a/TOKEN` shows the incident with its buttons, `POST` answers it
/// as the person the link was sent to, `HEAD` answers as `GET` without the body (mail scanners).
/// The signed token is the authentication: a forged or expired one is 403's page.
struct LinkController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
        router.get("a/:token") { request, context in try await link(context.parameters.get("token") ?? "", action: nil) }
        router.head("a/:token") { request, context in Answer.headOnly(try await link(context.parameters.get("token") ?? "", action: nil)) }
        router.post("a/:token") { request, context in
            let form = String(buffer: try await request.body.collect(upTo: 4096))
            guard let action = IngestEvent.Action(button: FormBody.value(form, "action")) else {
                return Answer.text(.badRequest, "action must be ack or resolve\n")
            }
            return try await link(context.parameters.get("token") ?? "", action: action)
        }
    }

    private func link(_ token: String, action: IngestEvent.Action?) async throws -> Response {
        let workspace = await state.current()
        return await BoardController.rendering(workspace, logger: state.logger) {
            guard let (id, person) = try workspace.links.resolveLink(token) else {
                return Answer.page(.forbidden, AlertPage.forbidden(now: workspace.now, zone: workspace.inputZone))
            }
            if let action {
                _ = try await workspace.links.answer(link: token, action: action)
                return Response(status: .seeOther, headers: [.location: "/a/\(token)"])
            }
            // The link answers the incident (one merged since goes on to the one it went into).
            let detail = try await workspace.alerts.detail(try await workspace.incidents.incident(of: id).id)
            let standing = AlertStanding(detail.alert, pages: detail.pages, rota: workspace.rota, now: workspace.now, zone: workspace.inputZone)
            return Answer.page(.ok, AlertPage.render(standing, person: person, token: token, now: workspace.now, zone: workspace.inputZone))
        }
    }
}
