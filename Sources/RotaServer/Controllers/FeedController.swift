import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// Calendar feeds (DESIGN §7): `GET /calendar/TOKEN.ics`, the token signed and not revoked (else 404).
struct FeedController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
        router.get("calendar/:file") { request, context in try await calendar(context.parameters.get("file") ?? "") }
        router.head("calendar/:file") { request, context in Answer.headOnly(try await calendar(context.parameters.get("file") ?? "")) }
    }

    private func calendar(_ file: String) async throws -> Response {
        let workspace = await state.current()
        guard file.hasSuffix(".ics"), let person = try await workspace.feeds.feedPerson(token: String(file.dropLast(4))) else {
            return Answer.text(.notFound, "no such calendar\n")
        }
        let shifts = try await workspace.feeds.feedShifts(of: person)
        let calendar = ICalendar.render(shifts, rota: workspace.rota, now: workspace.now, feed: true)
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: calendar)))
    }
}
