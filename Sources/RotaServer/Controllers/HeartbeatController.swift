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
        router.group("v1/heartbeats").add(middleware: HeartbeatAuthentication(state: state))
            .post(":id") { request, context in try await ping(context.heartbeat) }
    }

    private func ping(_ heartbeat: Heartbeat?) async throws -> Response {
        guard let heartbeat else { return HeartbeatAuthentication.refused }
        do {
            let at = try await state.current().heartbeats.ping(heartbeat: heartbeat.id)
            return Answer.json(.ok, Documents.pinged(heartbeat: heartbeat.id, at: at))
        } catch {
            return Answer.error(.serviceUnavailable, "the ping could not be stored; retry")
        }
    }
}
