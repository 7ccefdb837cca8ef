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

        public var kind: String {
            switch self {
            case .command: "command"
            case .webhook: "webhook"
            case .email: "email"
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
