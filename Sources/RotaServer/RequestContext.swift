import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit

/// The request context of rota's routes: besides Hummingbird's own, who the authentication
/// middleware found the request to come from (set only on the routes it guards), and the view
/// of the workspace it judged by, which the route then uses too (one view per request).
struct RotaRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The view a middleware took (`workspace(from:)` takes one when none did).
    var view: Workspace?
    /// The integration whose bearer token the request carried (`IntegrationAuthentication`).
    var integration: Integration?
    /// The heartbeat the request pings, its token checked (`HeartbeatAuthentication`).
    var heartbeat: Heartbeat?

    init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The workspace at the current time for this request: the middleware's, else the server's now.
    func workspace(from state: ServerState) async -> Workspace {
        if let view { return view }
        return await state.current()
    }
}

extension IngestEvent.Action {
    /// The answer a button names (`ack` or `resolve`): the ack page's, a person's page's and
    /// Mattermost's buttons; nil for anything else.
    init?(button: String?) {
        switch button {
        case "ack": self = .acknowledge
        case "resolve": self = .resolve
        default: return nil
        }
    }
}

/// How rota's routes answer: JSON, text, and HTML pages with the board's headers.
enum Answer {
    static func json(_ status: HTTPResponse.Status, _ document: JSONValue) -> Response {
        var bytes: [UInt8] = []
        document.write(to: &bytes)
        bytes.append(0x0a)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{"error": why}`.
    static func error(_ status: HTTPResponse.Status, _ why: String) -> Response {
        json(status, .object([("error", .string(why))]))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An HTML answer with the board's headers: never cached, no referrer (tokens are in URLs),
    /// and a policy that allows no script, no outside asset and forms to this server only.
    static func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                           .init("Referrer-Policy")!: "no-referrer",
                                           .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                                           .init("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Mail scanners and link previews check links with HEAD: the GET's answer, without its body.
    static func headOnly(_ response: Response) -> Response {
        Response(status: response.status, headers: response.headers)
    }

    /// The token of `Authorization: Bearer TOKEN`, if any.
    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
