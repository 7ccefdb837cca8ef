import Foundation
import Hummingbird
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

/// Answers from chat and phones (DESIGN §13): Slack's and Mattermost's buttons, replies to text
/// messages and keys pressed in calls through a Twilio-compatible gateway. Each is authenticated by
/// what its sender signs (Slack's signing secret, Twilio's signature over URL and form, the signed
/// token a Mattermost button carries), checked in the Kit against the request's exact bytes.
struct ChatController: Sendable {
    let state: ServerState

    func add(to router: Router<RotaRequestContext>) {
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
            return Answer.text(.forbidden, "refused\n")
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
            return Answer.text(.unauthorized, "not signed by the Slack app\n")
        case .unreadable(let why):
            return Answer.text(.badRequest, why + "\n")
        case .refused(let why):
            state.logger.notice("a Slack click changed nothing: \(why)")
            return Answer.text(.ok, "")
        case .answered(let alert, _, let channel, let ts, let token):
            if let channel, let ts {
                let logger = state.logger
                Task {
                    if case let .permanent(why) = await workspace.slack.slackSayAnswered(alert, channel: channel, ts: ts, token: token) {
                        logger.warning("could not update the Slack message: \(why)")
                    }
                }
            }
            return Answer.text(.ok, "")
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
            return Answer.json(.badRequest, .object([("ephemeral_text", .string("rota could not read this button"))]))
        }
        guard let action = IngestEvent.Action(button: actionName) else {
            return Answer.json(.badRequest, .object([("ephemeral_text", .string("rota does not know this button"))]))
        }
        guard let alert = try await workspace.links.answer(link: token, action: action, via: "mattermost") else {
            return Answer.json(.forbidden, .object([("ephemeral_text", .string("This button is not valid (forged, or older than 7 days)."))]))
        }
        // Who answered first, as the store has it (a second click, or a click after another channel, says so).
        let sentence = alert.answeredSentence
        let said = sentence.prefix(1).uppercased() + sentence.dropFirst()
        return Answer.json(.ok, .object([
            ("update", .object([("message", .string(alert.summary)),
                                ("props", .object([("attachments", .array([.object([("title", .string(alert.summary)), ("text", .string(said))])]))]))])),
            ("ephemeral_text", .string(said)),
        ]))
    }
}
