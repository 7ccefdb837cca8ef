import Foundation
import RotaCore
import RotaNotify
import RotaStore

/// What rota answers a Twilio-compatible gateway's request with (DESIGN §13).
public enum TwilioAnswer: Sendable, Equatable {
    /// TwiML to answer with (200, `text/xml`).
    case twiml(String)
    /// Not signed by the account, or not a person paged for that incident: 403, nothing changes.
    case refused(String)
}

/// Replies by text message and keys pressed in calls through a Twilio-compatible gateway (DESIGN §13).
public struct TwilioUseCases: UseCase {
    public let context: Workspace

    /// Whether Twilio signed this request: the URL it requested is the public URL and `target`
    /// (the path and query rota serve saw; a reverse proxy in front changes only the host).
    func twilioSigned(target: String, parameters: [(String, String)], signature: String?) -> Bool {
        guard let base = rota.settings.server.publicURL, let token = secrets.twilio?.authToken else { return false }
        return TwilioSignature.verify(authToken: token, url: base + target, parameters: parameters, signature: signature)
    }

    /// A text message to rota's number (`POST /v1/twilio/sms`): `1`/`ack` acknowledges,
    /// `resolve` resolves, the latest open incident paged to that number, or the one named
    /// (`ack 12`). The sender must be the `sms:` contact of a person paged for it.
    public func twilioSMS(target: String, parameters: [(String, String)], signature: String?) async throws -> TwilioAnswer {
        guard twilioSigned(target: target, parameters: parameters, signature: signature) else {
            return .refused("not signed by the Twilio account")
        }
        let value = { (name: String) in FormBody.value(parameters, name) }
        guard let from = value("From"), let person = rota.people.first(where: { $0.contacts.contains { $0.channel == .sms(from) } }) else {
            return .refused("the sender is nobody's sms contact")
        }
        let words = (value("Body") ?? "").lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "#" })
        let action: IngestEvent.Action
        switch words.first {
        case "1", "ack", "acknowledge", "ok": action = .acknowledge
        case "resolve", "resolved", "2": action = .resolve
        default: return .twiml(Self.smsReply("rota: reply 1 or ACK to acknowledge your latest page, RESOLVE to resolve it, or ACK 12 / RESOLVE 12 for incident 12."))
        }
        let incident: Int
        if words.count > 1 {
            guard let id = Int(words[1]), let found = try? await context.incidents.incident(of: id),
                  try await storeCall({ try await store.pagedPeople(alert: found.id) }).contains(person.id) else {
                return .refused("incident \(words[1]) was not paged to \(person.id)")
            }
            incident = found.id
        } else {
            guard let latest = try await latestIncidentPaged(to: person.id) else {
                return .twiml(Self.smsReply("rota: no open incident was paged to you."))
            }
            incident = latest
        }
        let actor = "\(person.id) (sms)"
        let alert = action == .acknowledge ? try await context.alerts.acknowledge(incident, actorID: actor) : try await context.alerts.resolve(incident, actorID: actor)
        return .twiml(Self.smsReply("rota: " + alert.answeredSentence))
    }

    /// The digit pressed during a call (`POST /v1/twilio/voice?token=T`): 1 acknowledges the
    /// incident of the page's token as its person, if the call went to that person's `voice:` number.
    public func twilioVoice(target: String, parameters: [(String, String)], signature: String?) async throws -> TwilioAnswer {
        guard twilioSigned(target: target, parameters: parameters, signature: signature) else {
            return .refused("not signed by the Twilio account")
        }
        let value = { (name: String) in FormBody.value(parameters, name) }
        guard let token = URLComponents(string: target)?.queryItems?.first(where: { $0.name == "token" })?.value,
              let (id, personID) = try context.links.resolveLink(token), let person = rota.person(personID),
              let called = value("To"), person.contacts.contains(where: { $0.channel == .voice(called) }) else {
            return .refused("the call's page or number is not one rota sent")
        }
        guard value("Digits") == "1" else {
            return .twiml("<Response><Say>Not acknowledged. The page stands.</Say></Response>")
        }
        let alert = try await context.alerts.acknowledge(id, actorID: "\(person.id) (voice)")
        return .twiml("<Response><Say>\(TwilioContact.xml(alert.answeredSentence)) Goodbye.</Say></Response>")
    }

    /// The newest open incident whose pages reached `person`.
    func latestIncidentPaged(to person: String) async throws -> Int? {
        for alert in try await context.alerts.list(includeResolved: false).filter({ $0.id == $0.incidentID && $0.status.isOpen }).sorted(by: { $0.id > $1.id }) {
            if try await storeCall({ try await store.pagedPeople(alert: alert.id) }).contains(person) { return alert.id }
        }
        return nil
    }

    static func smsReply(_ text: String) -> String {
        "<Response><Message>\(TwilioContact.xml(text))</Message></Response>"
    }
}

extension Workspace {
    public var twilio: TwilioUseCases { TwilioUseCases(context: self) }
}
