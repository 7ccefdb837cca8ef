import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// `POST /v1/heartbeats/ID` (DESIGN §10): a ping, its token checked by `HeartbeatAuthentication`.
struct HeartbeatController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
        router.group("v1/heartbeats").add(middleware: HeartbeatAuthentication.middleware(state: state))
            .post(":id") { request, context in try await ping(context.heartbeat, in: await context.workspace(from: state)) }
    }

    private func ping(_ heartbeat: Heartbeat?, in workspace: Workspace) async throws -> Response {
        guard let heartbeat else { return HeartbeatAuthentication.refused }
        do {
            let at = try await workspace.heartbeats.ping(heartbeat: heartbeat.id)
            return Answer.json(.ok, Documents.pinged(heartbeat: heartbeat.id, at: at))
        } catch {
            return Answer.error(.serviceUnavailable, "the ping could not be stored; retry")
        }
    }
}
