/// `settings.server`: how `rota serve` listens, signs its links and runs the runner.
public struct ServerSettings: Hashable, Sendable {
    /// How links in pages and feeds begin (`https://oncall.example.com`); nil: pages keep the CLI hint.
    public var publicURL: String?
    /// `HOST:PORT`; TLS belongs to a reverse proxy.
    public var listen: String
    /// Where the HMAC key for ack links and feed tokens comes from: a variable, or a 0600 file.
    public var secretEnv: String
    public var secretFile: String?
    /// Seconds between the server's own ticks; 0 leaves the runner to cron.
    public var tickEvery: Int
    /// `board: public` serves the board without sign-in.
    public var boardPublic: Bool

    public init(publicURL: String? = nil, listen: String = "127.0.0.1:8080", secretEnv: String = "ROTA_SERVER_SECRET",
                secretFile: String? = nil, tickEvery: Int = 15, boardPublic: Bool = false) {
        self.publicURL = publicURL
        self.listen = listen
        self.secretEnv = secretEnv
        self.secretFile = secretFile
        self.tickEvery = tickEvery
        self.boardPublic = boardPublic
    }

    /// `HOST:PORT` (the host may be `[::1]`) read apart; port 0 (any free port) only when `anyPort`.
    public static func hostAndPort(_ text: String, anyPort: Bool = false) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              ((anyPort ? 0 : 1)...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace }) else { return nil }
        return (host, port)
    }
}

/// `settings.gateways.slack`: where the Slack app's bot token and signing secret come from
/// (variables; never the rota files), and the API's base (Slack's, or a compatible service's).
public struct SlackGateway: Hashable, Sendable {
    public var botTokenEnv: String
    public var signingSecretEnv: String
    public var apiBase: String

    public init(botTokenEnv: String = "ROTA_SLACK_TOKEN", signingSecretEnv: String = "ROTA_SLACK_SIGNING", apiBase: String = "https://slack.com") {
        self.botTokenEnv = botTokenEnv
        self.signingSecretEnv = signingSecretEnv
        self.apiBase = apiBase
    }
}

/// `settings.gateways.twilio`: a Twilio-compatible API (Twilio, SignalWire, Telnyx's TeXML) for
/// `sms` and `voice` contacts: the account and its token from variables, rota's own number.
public struct TwilioGateway: Hashable, Sendable {
    public var accountSIDEnv: String
    public var authTokenEnv: String
    /// rota's number, E.164 (`+33100000000`).
    public var from: String
    public var apiBase: String

    public init(accountSIDEnv: String = "ROTA_TWILIO_SID", authTokenEnv: String = "ROTA_TWILIO_TOKEN", from: String,
                apiBase: String = "https://api.twilio.com") {
        self.accountSIDEnv = accountSIDEnv
        self.authTokenEnv = authTokenEnv
        self.from = from
        self.apiBase = apiBase
    }

    /// `+` and 7 to 15 digits, the first not 0.
    public static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.hasPrefix("+") && (7...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber } && digits.first != "0"
    }
}

/// Who may send alerts over HTTP, in which dialect, and where they go.
public struct Integration: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case alertmanager, pagerduty, generic
    }

    public var id: String
    public var kind: Kind
    /// The default service for its alerts.
    public var service: String?
    /// Alertmanager: a label that names the service, when present.
    public var serviceLabel: String?
    /// Where its token comes from: a variable, or a 0600 file. Tokens never live in rota files.
    public var tokenEnv: String?
    public var tokenFile: String?

    public init(id: String, kind: Kind, service: String?, serviceLabel: String? = nil, tokenEnv: String? = nil, tokenFile: String? = nil) {
        self.id = id
        self.kind = kind
        self.service = service
        self.serviceLabel = serviceLabel
        self.tokenEnv = tokenEnv
        self.tokenFile = tokenFile
    }
}
