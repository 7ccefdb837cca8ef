import Foundation
import Logging
import RotaCore
import RotaNotify
import RotaStore
import RotaStoreSQLite
import Synchronization

/// The secrets the rota files point at (a variable or a file each): the server secret that signs
/// links and feeds, the integrations' and heartbeats' tokens, the webhooks' signing secret, the
/// Slack and Twilio gateways' credentials. Each is read once per loading of the files and kept for
/// every view and request of it — `rota serve` loads the files again at each tick, so a rotated
/// token file counts from the next tick, and a request never reads a file. No pager or sendmail
/// child sees the variables that hold them (`hiddenVariables`).
public final class Secrets: Sendable {
    private let options: WorkspaceOptions
    private let rota: Rota
    private let logger: Logger
    private let server = Lazily<Result<String, SecretProblem>>()
    private let webhook = Lazily<WebhookSecrets>()
    private let tokens = Mutex<[String: [String]]>([:])

    init(options: WorkspaceOptions, rota: Rota, logger: Logger) {
        self.options = options
        self.rota = rota
        self.logger = logger
    }

    /// Why there is no usable server secret, in words for the person who set it up.
    public struct SecretProblem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The server secret, read once.
    public var serverSecret: Result<String, SecretProblem> {
        server.value { Self.serverSecret(rota.settings.server, options: options) }
    }

    /// The signer of links and feed tokens.
    public func tokenSigner() throws -> TokenSigner {
        switch serverSecret {
        case .success(let key): return TokenSigner(secret: key)
        case .failure(let problem): throw RotaError.usage(problem.description)
        }
    }

    /// Why pages would go out without ack links: a public URL is set but its secret cannot be used.
    public var linkProblem: String? {
        Self.linkProblem(publicURL: rota.settings.server.publicURL, secret: serverSecret)
    }

    /// The integration a bearer token belongs to, compared in constant time against every one.
    public func integration(token: String) -> Integration? {
        var found: Integration?
        for integration in rota.integrations {
            let lines = self.lines("integration:" + integration.id, variable: integration.tokenEnv, file: integration.tokenFile,
                                   what: "the token file of integration \(integration.id)")
            for candidate in lines where constantTimeEqual(candidate, token) && found == nil { found = integration }
        }
        return found
    }

    /// Whether `token` is this heartbeat's (compared in constant time).
    public func heartbeatAccepts(_ heartbeat: Heartbeat, token: String) -> Bool {
        lines("heartbeat:" + heartbeat.id, variable: heartbeat.tokenEnv, file: heartbeat.tokenFile,
              what: "the token file of heartbeat \(heartbeat.id)").contains { constantTimeEqual($0, token) }
    }

    /// The webhooks' signing secrets (current and previous), read once; a problem leaves the
    /// webhooks unsigned and is logged.
    public var webhookSigning: WebhookSecrets {
        webhook.value {
            let loaded = WebhookSecrets.load(settings: rota.settings, environment: options.environment, rotasDirectory: options.directory)
            if let warning = loaded.warning { logger.warning("\(warning)") }
            return loaded.secrets
        }
    }

    /// The Slack app's access (its bot token), when `settings.gateways.slack` is set.
    public var slack: SlackAccess? {
        rota.settings.slack.map { SlackAccess(token: variable($0.botTokenEnv), tokenVariable: $0.botTokenEnv, apiBase: $0.apiBase) }
    }

    /// The Slack app's signing secret, when set.
    public var slackSigningSecret: String? { rota.settings.slack.flatMap { variable($0.signingSecretEnv) } }

    /// The Twilio-compatible account (its SID and token), when `settings.gateways.twilio` is set.
    public var twilio: TwilioAccess? {
        rota.settings.twilio.map { TwilioAccess(accountSID: variable($0.accountSIDEnv), authToken: variable($0.authTokenEnv), from: $0.from, apiBase: $0.apiBase) }
    }

    /// The variables that hold these secrets, whatever the files name them: no pager or sendmail
    /// child inherits them (nor any `ROTA_*` one, which the notifier hides by itself).
    public var hiddenVariables: Set<String> {
        let settings = rota.settings
        var names: Set<String> = [settings.webhookSecretEnv, settings.webhookSecretEnv + "_PREVIOUS", settings.server.secretEnv]
        names.formUnion(rota.integrations.compactMap(\.tokenEnv))
        names.formUnion(rota.heartbeats.compactMap(\.tokenEnv))
        if let slack = settings.slack { names.formUnion([slack.botTokenEnv, slack.signingSecretEnv]) }
        if let twilio = settings.twilio { names.formUnion([twilio.accountSIDEnv, twilio.authTokenEnv]) }
        return names
    }

    /// A variable's value; nil when unset or empty.
    private func variable(_ name: String) -> String? {
        options.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A token list, read (and its problem logged) on first use.
    private func lines(_ key: String, variable: String?, file: String?, what: String) -> [String] {
        if let known = tokens.withLock({ $0[key] }) { return known }
        let read = SecretSource.lines(variable: variable, file: file, environment: options.environment, directory: options.directory, what: what)
        if let warning = read.warning { logger.warning("\(warning)") }
        return tokens.withLock { tokens in
            if let known = tokens[key] { return known }
            tokens[key] = read.lines
            return read.lines
        }
    }

    /// The server secret: `$secret_env`, else `secret_file` (0600, or 0640 in the group of a shared
    /// state directory, so cron's `rota tick` and `rota serve` read the same key and send the same links).
    static func serverSecret(_ server: ServerSettings, options: WorkspaceOptions) -> Result<String, SecretProblem> {
        let database = options.database
        let group = StoreAddress.isPostgres(database) ? nil : StateFiles.sharedGroup(directory: (database as NSString).deletingLastPathComponent)
        let secret = SecretSource.lines(variable: server.secretEnv, file: server.secretFile, environment: options.environment,
                                        directory: options.directory, what: "settings.server.secret_file", sharedGroup: group)
        if let warning = secret.warning { return .failure(SecretProblem(description: "the server secret: " + warning)) }
        guard let key = secret.lines.first, key.utf8.count >= 16 else {
            return .failure(SecretProblem(description: "the server secret is missing or shorter than 16 bytes: set $\(server.secretEnv) (or settings.server.secret_file, a 0600 file) to a long random string"))
        }
        return .success(key)
    }

    /// Why pages would go out without ack links, for files not loaded into a workspace (`rota validate`).
    static func linkProblem(_ rota: Rota, options: WorkspaceOptions) -> String? {
        guard rota.settings.server.publicURL != nil else { return nil }
        return linkProblem(publicURL: rota.settings.server.publicURL, secret: serverSecret(rota.settings.server, options: options))
    }

    private static func linkProblem(publicURL: String?, secret: Result<String, SecretProblem>) -> String? {
        guard publicURL != nil, case .failure(let problem) = secret else { return nil }
        return "settings.server.public_url is set, but \(problem.description): pages would carry no ack link"
    }
}
