import Foundation
import RotaConfig
import RotaCore
import RotaNotify
import RotaStore

/// What a command runs with: the environment read once, the rota loaded once (and stored as
/// a revision when it changed), the database opened once, the clock fixed once.
struct CommandContext {
    let options: GlobalOptions
    let environment: [String: String]
    let database: AppDatabase
    /// The newest valid rota: the files, or the last stored revision when the files are invalid
    /// (then its webhooks are reduced, and `addressBook` gives their full addresses).
    let rota: Rota
    /// The one clock of this run (`--now`, else the system clock to the millisecond).
    let now: Date
    /// The system clock when the run began: a `now` ahead of it is a preview, which records nothing.
    let clock: Date
    /// Zone for times typed without an offset.
    let inputZone: Zone
    /// Full webhook addresses beside the database.
    let addressBook: AddressBook
    private let fingerprint: String

    /// True when `now` lies ahead of the system clock: a preview of the future.
    var isPreview: Bool { now > clock }

    var rotasDirectory: String { Self.rotasDirectory(options, environment) }

    static func rotasDirectory(_ options: GlobalOptions, _ environment: [String: String]) -> String {
        options.rotasDirectory ?? environment["ROTA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "rotas"
    }

    /// - Parameter recording: false for a dry run: no revision and no address is written.
    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment, recording: Bool = true) throws {
        self.options = options
        self.environment = environment
        let directory = CommandContext.rotasDirectory(options, environment)
        let database = try Self.openDatabase(options, environment)
        self.database = database
        var addressBook = AddressBook(databasePath: database.path)

        // The compiled rota beside the database spares parsing YAML while the files are unchanged.
        let loaded = RotaLoader.load(directory: directory, cache: RotaCache(path: database.path + ".rota-cache"))
        let rota: Rota
        switch loaded {
        case .success(let files):
            rota = files.rota
            fingerprint = files.fingerprint
        case .failure(let failure):
            // A half-edited file must never stop rota: warn, and go on with the last valid revision.
            guard let last = try database.revisions().last else {
                Console.error(failure.description)
                throw RotaFailure.invalidData("the rota files are invalid (\(failure.diagnostics.count) problem(s)) and no valid revision is stored; run 'rota validate'")
            }
            for item in failure.diagnostics { Console.error("warning: \(item)") }
            Console.error("warning: the rota files are invalid; using the last valid revision (\(last.id), in force since \(TimeText.utc(last.effectiveAt)))")
            rota = try Self.decode(revision: last.id, database: database)
            fingerprint = last.fingerprint
        }
        self.rota = rota

        if let name = options.zone {
            guard let zone = Zone(identifier: name) else {
                throw RotaFailure.usage("--tz '\(name)' is not an IANA time zone (e.g. Europe/Paris, UTC; fixed offsets such as Etc/GMT+1 ignore DST and are refused)")
            }
            inputZone = zone
        } else {
            inputZone = rota.settings.zone
        }
        clock = Date().wholeMilliseconds
        if let text = options.now ?? environment["ROTA_NOW"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let parsed = TimeText.parse(text) else {
                throw RotaFailure.usage("--now '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z or 2026-03-29T02:30 (years \(TimeText.years.lowerBound)–\(TimeText.years.upperBound))")
            }
            now = parsed.instant(in: inputZone).wholeMilliseconds
        } else {
            now = clock
        }
        if case .success(let files) = loaded, recording {
            // Full addresses first, so that a revision stored is always one whose webhooks can be reached.
            do {
                try addressBook.remember(files.rota)
            } catch {
                Console.error("rota: warning: \(error); if the rota files break, webhooks added since the last write cannot be paged")
            }
            // A preview of the future answers from the files and records nothing: a revision
            // effective at a future `now` would hold every later edit back until then.
            if now <= clock {
                try database.recordRevision(model: RotaModelCodec.encode(files.rota.reducingAddresses()), files: files.sources.map(\.name),
                                            fingerprint: fingerprint, now: now, actor: Self.unixUser(environment))
            }
        }
        self.addressBook = addressBook
    }

    private static func openDatabase(_ options: GlobalOptions, _ environment: [String: String]) throws -> AppDatabase {
        let path = options.database ?? AppDatabase.defaultPath(environment: environment)
        do {
            return try AppDatabase.open(path: path)
        } catch {
            throw RotaFailure.store(error)
        }
    }

    /// A stored revision's rota; its webhooks are reduced (the database never holds them whole).
    private static func decode(revision id: Int, database: AppDatabase) throws -> Rota {
        switch try database.content(ofRevision: id) {
        case .model(let data):
            guard let rota = RotaModelCodec.decode(data) else {
                throw RotaFailure.invalidData("stored revision \(id) no longer decodes (written by another rota version?)")
            }
            return rota
        case .sources(let sources):
            switch RotaLoader.decode(sources: sources.map { RotaSource(name: $0.name, text: $0.text) }, label: "revision \(id)") {
            case .success(let rota): return rota.reducingAddresses()
            case .failure(let failure):
                throw RotaFailure.invalidData("stored revision \(id) no longer decodes: \(failure)")
            }
        }
    }

    /// The revisions in force somewhere in `[from, to)` (to nil: open-ended), leave and
    /// command-line overrides that reach past `from`.
    func timetable(from: Date, to: Date?) throws -> Timetable {
        let stored = try database.revisions()
        var revisions: [Timetable.Revision] = []
        var decoded: [String: Rota] = [fingerprint: rota]
        for (index, revision) in stored.enumerated() {
            // Revision i is in force from its start (the first one: from always) until the next one.
            let begins = index == 0 ? Date.distantPast : revision.effectiveAt
            let ends = index + 1 < stored.count ? stored[index + 1].effectiveAt : Date.distantFuture
            guard ends > from, to.map({ begins < $0 }) ?? true else { continue }
            let rota = try decoded[revision.fingerprint] ?? Self.decode(revision: revision.id, database: database)
            decoded[revision.fingerprint] = rota
            revisions.append(Timetable.Revision(from: revision.effectiveAt, rota: rota))
        }
        if revisions.isEmpty { revisions = [Timetable.Revision(from: .distantPast, rota: rota)] }
        let leave = try database.leave(endingAfter: from).map(\.leave)
        let overrides = Dictionary(grouping: try database.overrides(endingAfter: from), by: \.schedule)
            .mapValues { $0.map(\.override) }
        return Timetable(revisions: revisions, leave: leave, overrides: overrides)
    }

    /// The webhook signing secrets: $ROTA_WEBHOOK_SECRET (or the variable settings name) and
    /// its `_PREVIOUS` twin, else the lines of settings.webhook_secret_file (which must be 0600).
    func webhookSecrets() -> WebhookSecrets {
        let name = rota.settings.webhookSecretEnv
        let current = environment[name].flatMap { $0.isEmpty ? nil : $0 }
        let previous = environment[name + "_PREVIOUS"].flatMap { $0.isEmpty ? nil : $0 }
        if current != nil || previous != nil { return WebhookSecrets(current: current, previous: previous) }
        guard let file = rota.settings.webhookSecretFile else { return WebhookSecrets() }
        let path = file.hasPrefix("/") ? file : (rotasDirectory as NSString).appendingPathComponent(file)
        // stat, not lstat: Kubernetes mounts secrets as symbolic links; the target's mode is what counts.
        var info = stat()
        guard stat(path, &info) == 0 else {
            Console.error("rota: warning: settings.webhook_secret_file \(path) cannot be read; webhooks go unsigned")
            return WebhookSecrets()
        }
        let mode = Int(info.st_mode & 0o7777)
        guard mode & 0o077 == 0 else {
            Console.error("rota: warning: settings.webhook_secret_file \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it. Webhooks go unsigned")
            return WebhookSecrets()
        }
        let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return WebhookSecrets(current: lines.first, previous: lines.dropFirst().first)
    }

    /// A time typed on the command line.
    func time(_ text: String, flag: String) throws -> Date {
        guard let parsed = TimeText.parse(text) else {
            throw RotaFailure.usage("\(flag) '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z, 2026-03-29T02:30+02:00, 2026-03-29T02:30 or 2026-03-29 (years \(TimeText.years.lowerBound)–\(TimeText.years.upperBound))")
        }
        return parsed.instant(in: inputZone)
    }

    func schedule(_ id: String) throws -> Schedule {
        guard let schedule = rota.schedule(id) else {
            throw RotaFailure.notFound("no schedule '\(id)'; known: \(rota.schedules.map(\.id).joined(separator: ", "))")
        }
        return schedule
    }

    func person(_ id: String) throws -> Person {
        guard let person = rota.person(id) else {
            throw RotaFailure.notFound("no person '\(id)' in the rota files")
        }
        return person
    }

    /// Open alerts that escalate by a definition the rota files no longer hold (`status`, `check`).
    func alertsOnKeptDefinitions() throws -> [(id: Int, why: String)] {
        try database.alerts(includeResolved: false).compactMap { alert in
            let kept = alert.definition.flatMap(RotaModelCodec.decode)?.escalations.first
            let current = rota.escalation(alert.escalation)
            guard let note = AlertDefinition.choose(current: current, kept: kept, id: alert.escalation).note else {
                return current == nil ? (alert.id, "has no escalation in the rota files ('\(alert.escalation)'): nobody more is paged for it") : nil
            }
            return (alert.id, "escalates by a definition no longer in the rota files: \(note)")
        }
    }

    /// The unix user running rota.
    var unixUser: String { Self.unixUser(environment) }

    static func unixUser(_ environment: [String: String]) -> String {
        environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LOGNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName()
    }

    /// The person whose `login` is $USER (or the unix user).
    func me() throws -> Person {
        guard let person = rota.person(login: unixUser) else {
            throw RotaFailure.notFound("no person has login '\(unixUser)'; add 'login: \(unixUser)' to your entry under people, or use --person")
        }
        return person
    }

    /// Who did it, for the audit log: --as, else the person whose login is $USER, else the unix user.
    func actor(as person: String?) throws -> String {
        if let person { return try self.person(person).id }
        return rota.person(login: unixUser)?.id ?? unixUser
    }

    func print(json: JSONValue) {
        var bytes: [UInt8] = []
        json.write(to: &bytes)
        Console.out(bytes: bytes)
    }
}
