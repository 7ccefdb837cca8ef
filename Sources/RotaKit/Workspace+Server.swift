import Foundation
import RotaCore
import RotaNotify
import RotaStore
import RotaStoreSQLite

/// What an event sent over HTTP did.
public struct IngestOutcome: Sendable {
    /// The alert it made, counted into or answered; nil when an acknowledge or resolve found none open.
    public var alert: StoredAlert?
    public var deduplicated: Bool
    /// Said when the event's own service was not used: it named one the rota files lack, and
    /// the integration's default service took the alert instead.
    public var note: String?

    public init(alert: StoredAlert?, deduplicated: Bool, note: String? = nil) {
        self.alert = alert
        self.deduplicated = deduplicated
        self.note = note
    }
}

extension Workspace {
    /// Ack links live this long.
    public static let linkLifetime: TimeInterval = 7 * 86400

    /// The signer of links and feed tokens: the server secret from its variable or its file.
    public func tokenSigner() throws -> TokenSigner {
        switch Self.serverSecret(rota.settings.server, options: options) {
        case .success(let key): return TokenSigner(secret: key)
        case .failure(let problem): throw RotaError.usage(problem.description)
        }
    }

    /// Why there is no usable server secret, in words for the person who set it up.
    public struct SecretProblem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The server secret: `$secret_env`, else `secret_file` (0600, or 0640 in the group of a shared
    /// state directory, so cron's `rota tick` and `rota serve` read the same key and send the same links).
    public static func serverSecret(_ server: ServerSettings, options: WorkspaceOptions) -> Result<String, SecretProblem> {
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

    /// Why pages would go out without ack links: a public URL is set but its secret cannot be used.
    public static func linkProblem(_ rota: Rota, options: WorkspaceOptions) -> String? {
        guard rota.settings.server.publicURL != nil else { return nil }
        if case .failure(let problem) = serverSecret(rota.settings.server, options: options) {
            return "settings.server.public_url is set, but \(problem.description): pages would carry no ack link"
        }
        return nil
    }

    /// The integration a bearer token belongs to, compared in constant time against every one.
    public func integration(token: String) -> Integration? {
        var found: Integration?
        for integration in rota.integrations {
            let tokens = SecretSource.lines(variable: integration.tokenEnv, file: integration.tokenFile, environment: environment,
                                            directory: rotasDirectory, what: "the token file of integration \(integration.id)")
            if let warning = tokens.warning { logger.warning("\(warning)") }
            for candidate in tokens.lines where constantTimeEqual(candidate, token) && found == nil { found = integration }
        }
        return found
    }

    /// Applies an event from an integration: a trigger raises (deduplicated by its key; the
    /// runner pages), an acknowledge or resolve answers the open alert with that key, if any.
    /// An Alertmanager integration judges each alert of a group alone: one whose service label
    /// names a service the files lack falls back to the integration's default service (said in
    /// `note`), so one bad label never loses the group's other alerts.
    public func ingest(_ event: IngestEvent, from integration: Integration) async throws -> IngestOutcome {
        guard let serviceID = event.service ?? integration.service else {
            throw RotaError.notFound("the event names no service and integration \(integration.id) has no default one")
        }
        var note: String?
        let service: Service
        if let named = rota.service(serviceID) {
            service = named
        } else if integration.kind == .alertmanager, let fallback = integration.service.flatMap(rota.service) {
            service = fallback
            note = "no service \(serviceID) in the rota files: raised on \(fallback.id), the integration's default service"
        } else {
            service = try self.service(serviceID)
        }
        let actor = "integration:\(integration.id)"
        switch event.action {
        case .trigger:
            let raised = try await raise(service: service.id, summary: event.summary, details: event.details, severity: event.severity,
                                         dedupKey: event.dedupKey, labels: event.labels, groupKey: event.groupKey, actorID: actor, pageNow: false)
            if let note { logger.warning("integration \(integration.id), alert \(event.dedupKey ?? "?"): \(note)") }
            return IngestOutcome(alert: raised.alert, deduplicated: raised.deduplicated, note: note)
        case .acknowledge, .resolve:
            guard let key = event.dedupKey,
                  let open = try await storeCall({ try await store.openAlert(service: service.id, dedupKey: key) }) else {
                return IngestOutcome(alert: nil, deduplicated: false)
            }
            let answered = event.action == .acknowledge
                ? try await acknowledge(open.id, actorID: actor)
                : try await resolveAlone(open.id, actorID: actor)
            return IngestOutcome(alert: answered, deduplicated: false, note: note)
        }
    }

    /// `PUBLIC_URL/a/TOKEN` for a page to `person` about `alertID`, valid 7 days; nil without a
    /// public URL or a server secret.
    func linkMaker() -> (@Sendable (Int, String) -> String?)? {
        guard let base = rota.settings.server.publicURL, let signer = try? tokenSigner() else { return nil }
        let now = now
        return { id, person in "\(base)/a/" + Self.linkToken(alert: id, person: person, signer: signer, now: now) }
    }

    /// The token of an ack link (or a person page's button) for `person` about `alertID`, valid 7 days.
    func linkToken(_ purpose: TokenSigner.Purpose = .acknowledge, alert id: Int, person: String, signer: TokenSigner) -> String {
        Self.linkToken(purpose, alert: id, person: person, signer: signer, now: now)
    }

    static func linkToken(_ purpose: TokenSigner.Purpose = .acknowledge, alert id: Int, person: String, signer: TokenSigner, now: Date) -> String {
        signer.sign(purpose, [String(id), person, String(Int(now.addingTimeInterval(linkLifetime).timeIntervalSince1970))])
    }

    /// The alert and person an ack link names, or nil when it is forged or expired.
    public func resolveLink(_ token: String, purpose: TokenSigner.Purpose = .acknowledge) throws -> (alertID: Int, person: String)? {
        guard let fields = try tokenSigner().verify(purpose, token), fields.count == 3,
              let id = Int(fields[0]), let expires = Double(fields[2]),
              now.timeIntervalSince1970 < expires else { return nil }
        return (id, fields[1])
    }

    /// Acknowledges or resolves through a link, as the person it was sent to; idempotent. `via`
    /// says in the log which door it came through (`link`, `mattermost`).
    public func answer(link token: String, action: IngestEvent.Action, purpose: TokenSigner.Purpose = .acknowledge,
                       via: String = "link") async throws -> StoredAlert? {
        guard let (id, person) = try resolveLink(token, purpose: purpose) else { return nil }
        let actor = "\(person) (\(via))"
        switch action {
        case .acknowledge: return try await acknowledge(id, actorID: actor)
        case .resolve: return try await resolve(id, actorID: actor)
        case .trigger: return try await alert(id)
        }
    }

    /// A person's calendar feed URL (`PUBLIC_URL/calendar/TOKEN.ics`).
    public func feedURL(person name: String) async throws -> String {
        try await personURL(person: name, what: "a feed URL") { "calendar/\($0).ics" }
    }

    /// A person's own board page (`PUBLIC_URL/me/TOKEN`): the same token as their feed.
    public func personPageURL(person name: String) async throws -> String {
        try await personURL(person: name, what: "a person's page URL") { "me/\($0)" }
    }

    private func personURL(person name: String, what: String, path: (String) -> String) async throws -> String {
        let person = try person(name)
        guard let base = rota.settings.server.publicURL else {
            throw RotaError.usage("settings.server.public_url is not set: \(what) needs to say where rota serve is reached")
        }
        let generation = try await storeCall { try await store.feedGeneration(person: person.id) }
        return "\(base)/" + path(try tokenSigner().sign(.feed, [person.id, String(generation)]))
    }

    /// Makes every earlier feed URL of the person answer 404.
    public func revokeFeeds(person name: String, as actorName: String?) async throws {
        let person = try person(name)
        let actor = try actor(as: actorName)
        _ = try await storeCall { try await store.revokeFeeds(person: person.id, actor: actor, now: now) }
    }

    /// The person a feed token belongs to, or nil when it is forged or revoked.
    public func feedPerson(token: String) async throws -> Person? {
        guard let fields = try tokenSigner().verify(.feed, token), fields.count == 2, let generation = Int(fields[1]),
              let person = rota.person(fields[0]) else { return nil }
        let current = try await storeCall { try await store.feedGeneration(person: person.id) }
        return current == generation ? person : nil
    }

    /// A feed's shifts: from 30 days ago to 180 days ahead, whole.
    public func feedShifts(of person: Person) async throws -> [Shift] {
        try await shifts(schedules: [], person: person, window: try Window(from: now.addingTimeInterval(-30 * 86400),
                                                                            to: now.addingTimeInterval(180 * 86400)), whole: true)
    }
}
