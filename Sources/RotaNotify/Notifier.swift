import Foundation
import RotaCore

/// Delivers pages through a person's contacts. Runs outside any database transaction.
public struct Notifier: Sendable {
    public var commandTimeout: Duration
    /// How much of a command's output is kept for the error message.
    public var outputCap: Int
    public var webhookSecrets: WebhookSecrets
    public var webhookConnectTimeout: TimeInterval
    public var webhookTotalTimeout: TimeInterval
    /// Environment variables no child (pager, sendmail) inherits, besides every `ROTA_*` one:
    /// the webhook secret's variable and its `_PREVIOUS` twin.
    public var hiddenVariables: Set<String>
    /// The Slack app, when `settings.gateways.slack` is set.
    public var slack: SlackAccess?
    /// The Twilio-compatible account, when `settings.gateways.twilio` is set.
    public var twilio: TwilioAccess?

    public init(commandTimeout: Duration = .seconds(30), outputCap: Int = 4096, webhookSecrets: WebhookSecrets = WebhookSecrets(),
                webhookConnectTimeout: TimeInterval = 5, webhookTotalTimeout: TimeInterval = 15, hiddenVariables: Set<String> = []) {
        self.hiddenVariables = hiddenVariables
        self.commandTimeout = commandTimeout
        self.outputCap = outputCap
        self.webhookSecrets = webhookSecrets
        self.webhookConnectTimeout = webhookConnectTimeout
        self.webhookTotalTimeout = webhookTotalTimeout
    }

    /// Delivers one page through one contact. `now` is the runner's clock (webhook timestamps,
    /// email dates). Error texts never hold a webhook URL's path or a secret.
    public func deliver(_ message: any OutboundMessage, via contact: Contact, settings: Settings, now: Date) async -> DeliveryResult {
        let hidden = hiddenVariables
        let commands = CommandContact(timeout: commandTimeout, outputCap: outputCap) { $0.hasPrefix("ROTA_") || hidden.contains($0) }
        let result: DeliveryResult
        var urls: [String] = []
        if contact.isReduced {
            return .retry("the full address of \(contact.channel.kind) \(Redaction.url(Redaction.urlText(contact))) is not known here; the database keeps webhook and ntfy addresses reduced")
        }
        switch contact.channel {
        case .command(let argv):
            result = await commands.run(argv, stdin: message.text, environment: message.environment)
        case .webhook(let url):
            urls = [url]
            result = await WebhookContact(secrets: webhookSecrets, connectTimeout: webhookConnectTimeout, totalTimeout: webhookTotalTimeout)
                .post(url, message: message, now: now)
        case .ntfy(let url):
            urls = [url]
            result = await NtfyContact(connectTimeout: webhookConnectTimeout, totalTimeout: webhookTotalTimeout).post(url, message: message)
        case .mattermost(let url):
            urls = [url]
            result = await MattermostContact(connectTimeout: webhookConnectTimeout, totalTimeout: webhookTotalTimeout).post(url, message: message)
        case .slack(let channel):
            guard let slack else { return .permanent("slack \(channel): settings.gateways.slack is not set") }
            result = await SlackContact(access: slack, connectTimeout: webhookConnectTimeout, totalTimeout: webhookTotalTimeout).post(channel, message: message)
        case .sms(let number), .voice(let number):
            guard let twilio else { return .permanent("\(contact.channel.kind) \(number): settings.gateways.twilio is not set") }
            let gateway = TwilioContact(access: twilio, connectTimeout: webhookConnectTimeout, totalTimeout: webhookTotalTimeout)
            if case .sms = contact.channel {
                result = await gateway.sms(to: number, message: message)
            } else {
                result = await gateway.call(to: number, message: message)
            }
        case .email(let address):
            result = await EmailContact(runner: commands).send(to: address, message: message, settings: settings, now: now)
        }
        switch result {
        case .delivered: return .delivered
        case .retry(let text): return .retry(Redaction.scrub(text, urls: urls, secrets: webhookSecrets.all))
        case .permanent(let text): return .permanent(Redaction.scrub(text, urls: urls, secrets: webhookSecrets.all))
        }
    }
}

/// Whatever delivers a message through a contact: the notifier, or a fake in tests.
public protocol Deliverer: Sendable {
    func deliver(_ message: any OutboundMessage, via contact: Contact, settings: Settings, now: Date) async -> DeliveryResult
}

extension Notifier: Deliverer {}
