/// Someone who can be paged.
public struct Person: Hashable, Sendable {
    public var id: String
    public var name: String
    /// Unix login: `--me`, and the default identity for ack and resolve.
    public var login: String?
    /// For display only.
    public var timezone: Zone?
    /// Every contact is used for every page, in order.
    public var contacts: [Contact]

    public init(id: String, name: String, login: String? = nil, timezone: Zone? = nil, contacts: [Contact] = []) {
        self.id = id
        self.name = name
        self.login = login
        self.timezone = timezone
        self.contacts = contacts
    }
}

/// One way to reach a person.
public struct Contact: Hashable, Sendable {
    public enum Channel: Hashable, Sendable {
        /// argv run directly, never through a shell.
        case command([String])
        case webhook(String)
        case email(String)
        /// An ntfy topic URL (`https://ntfy.example.com/oncall-camille`): a push with an
        /// Acknowledge button. The topic name is the secret on a shared server.
        case ntfy(String)
        /// A Mattermost incoming-webhook URL: a message with Acknowledge and Resolve buttons.
        case mattermost(String)
        /// A Slack channel (`#comms-oncall`, or a channel id) or a member id (`U0123ABCD`, a DM)
        /// that the Slack app of `settings.gateways.slack` posts to, with buttons.
        case slack(String)
        /// A phone number (E.164) that gets the page as a text message; a reply answers it.
        case sms(String)
        /// A phone number (E.164) that is called; pressing 1 acknowledges.
        case voice(String)

        public var kind: String {
            switch self {
            case .command: "command"
            case .webhook: "webhook"
            case .email: "email"
            case .ntfy: "ntfy"
            case .mattermost: "mattermost"
            case .slack: "slack"
            case .sms: "sms"
            case .voice: "voice"
            }
        }

        /// The address of a channel whose URL holds a secret (a webhook's token, an ntfy topic):
        /// the database keeps it reduced, the address book keeps it whole.
        public var secretURL: String? {
            switch self {
            case .webhook(let url), .ntfy(let url), .mattermost(let url): url
            case .command, .email, .slack, .sms, .voice: nil
            }
        }

        /// The same channel at another address (only for channels with a `secretURL`).
        public func at(_ url: String) -> Channel {
            switch self {
            case .webhook: .webhook(url)
            case .ntfy: .ntfy(url)
            case .mattermost: .mattermost(url)
            case .command, .email, .slack, .sms, .voice: self
            }
        }
    }

    public var channel: Channel
    /// Used only if the page is still unacknowledged this many seconds after it was due.
    public var afterSeconds: Int

    public init(channel: Channel, afterSeconds: Int = 0) {
        self.channel = channel
        self.afterSeconds = afterSeconds
    }
}
