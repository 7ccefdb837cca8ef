import Foundation
import Hummingbird
import RotaCore
import RotaKit

/// Bearer-token authentication of an integration's endpoint (DESIGN §6): the token must be one
/// of an integration of this endpoint's kind (compared in constant time with every token);
/// else 401, the same answer for a missing, a wrong and another kind's token, and nothing changes.
/// PagerDuty's sender carries its key in the body instead: `IntakeController` checks it there.
struct IntegrationAuthentication: RouterMiddleware {
    typealias Context = RotaRequestContext
    let state: ServerState
    let kind: Integration.Kind
    let route: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let workspace = await state.current()
        guard let token = Answer.bearer(request), let integration = workspace.secrets.integration(token: token), integration.kind == kind else {
            state.metrics.countIngest(route: route, integration: "-", status: 401)
            return Self.refused
        }
        var context = context
        context.integration = integration
        return try await next(request, context)
    }

    static let refused = Answer.error(.unauthorized, "a valid token for this endpoint is required")
}

/// A heartbeat's own bearer token (DESIGN §10): an unknown id and a wrong token get the same
/// 401, so ids cannot be probed.
struct HeartbeatAuthentication: RouterMiddleware {
    typealias Context = RotaRequestContext
    let state: ServerState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let workspace = await state.current()
        guard let heartbeat = workspace.rota.heartbeat(context.parameters.get("id") ?? ""), let token = Answer.bearer(request),
              workspace.secrets.heartbeatAccepts(heartbeat, token: token) else {
            return Self.refused
        }
        var context = context
        context.heartbeat = heartbeat
        return try await next(request, context)
    }

    static let refused = Answer.error(.unauthorized, "a valid token for this heartbeat is required")
}

/// The board's sign-in (DESIGN §6.1): its pages need the session cookie a sign-in link set,
/// unless `settings.server.board: public`; without it, 401's page asking for a link.
struct BoardSession: RouterMiddleware {
    typealias Context = RotaRequestContext
    let state: ServerState
    static let cookieName = "rota_board"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let workspace = await state.current()
        if !workspace.rota.settings.server.boardPublic {
            guard let cookie = request.cookies[Self.cookieName]?.value, workspace.board.boardSessionValid(cookie) else {
                return Answer.page(.unauthorized, Board.message("Sign in to see the board", [
                    "The board shows names and alerts, so it is for the team only.",
                    "Ask a team lead for a sign-in link: on the rota host, rota board url prints one (it works for 7 days, and signs this browser in for 30).",
                ], now: workspace.now, zone: workspace.inputZone))
            }
        }
        return try await next(request, context)
    }
}
