import Foundation
import Hummingbird
import RotaCore
import RotaKit

/// A bearer token (`Authorization: Bearer TOKEN`) checked against what the workspace knows:
/// `admit` says whom it names for this request and keeps that in the context; else `refused`
/// (401, the same answer for a missing and a wrong token) and nothing changes.
struct BearerAuthentication: RouterMiddleware {
    typealias Context = RotaRequestContext
    let state: ServerState
    let refused: Response
    let admit: @Sendable (_ token: String, _ workspace: Workspace, _ context: inout Context) -> Bool
    var refusing: @Sendable () -> Void = {}

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let workspace = await context.workspace(from: state)
        var context = context
        guard let token = Answer.bearer(request), admit(token, workspace, &context) else {
            refusing()
            return refused
        }
        context.view = workspace
        return try await next(request, context)
    }
}

/// An integration's endpoint (DESIGN §6): the token must be one of an integration of this
/// endpoint's kind (compared in constant time with every token); another kind's token is refused
/// as a wrong one. PagerDuty's sender carries its key in the body instead: `IntakeController`
/// checks it there.
enum IntegrationAuthentication {
    static func middleware(state: ServerState, kind: Integration.Kind, route: String) -> BearerAuthentication {
        BearerAuthentication(state: state, refused: refused, admit: { token, workspace, context in
            guard let integration = workspace.secrets.integration(token: token), integration.kind == kind else { return false }
            context.integration = integration
            return true
        }, refusing: { state.metrics.countIngest(route: route, integration: "-", status: 401) })
    }

    static let refused = Answer.error(.unauthorized, "a valid token for this endpoint is required")
}

/// A heartbeat's own token (DESIGN §10): an unknown id and a wrong token get the same 401, so
/// ids cannot be probed.
enum HeartbeatAuthentication {
    static func middleware(state: ServerState) -> BearerAuthentication {
        BearerAuthentication(state: state, refused: refused, admit: { token, workspace, context in
            guard let heartbeat = workspace.rota.heartbeat(context.parameters.get("id") ?? ""),
                  workspace.secrets.heartbeatAccepts(heartbeat, token: token) else { return false }
            context.heartbeat = heartbeat
            return true
        })
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
        let workspace = await context.workspace(from: state)
        if !workspace.rota.settings.server.boardPublic {
            guard let cookie = request.cookies[Self.cookieName]?.value, workspace.board.boardSessionValid(cookie) else {
                return Answer.page(.unauthorized, Board.message("Sign in to see the board", [
                    "The board shows names and alerts, so it is for the team only.",
                    "Ask a team lead for a sign-in link: on the rota host, rota board url prints one (it works for 7 days, and signs this browser in for 30).",
                ], now: workspace.now, zone: workspace.inputZone))
            }
        }
        var context = context
        context.view = workspace
        return try await next(request, context)
    }
}
