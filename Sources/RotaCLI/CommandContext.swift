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
    /// The newest valid rota: the files, or the last stored revision when the files are invalid.
    let rota: Rota
    /// The one clock of this run.
    let now: Date
    /// Zone for times typed without an offset.
    let inputZone: Zone
    private let fingerprint: String

    var rotasDirectory: String { Self.rotasDirectory(options, environment) }

    static func rotasDirectory(_ options: GlobalOptions, _ environment: [String: String]) -> String {
        options.rotasDirectory ?? environment["ROTA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "rotas"
    }

    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.options = options
        self.environment = environment
        let directory = CommandContext.rotasDirectory(options, environment)
        let database = try Self.openDatabase(options, environment)
        self.database = database

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
            // The snapshot beside the database keeps webhook URLs whole; the database does not.
            if let snapshot = LastValidSnapshot(databasePath: database.path).read(fingerprint: last.fingerprint),
               case .success(let whole) = RotaLoader.decode(sources: snapshot, label: "revision \(last.id)") {
                rota = whole
            } else {
                rota = try Self.decode(revision: last.id, database: database)
            }
            fingerprint = last.fingerprint
        }
        self.rota = rota

        if let name = options.zone {
            guard let zone = Zone(identifier: name) else {
                throw RotaFailure.usage("--tz '\(name)' is not an IANA time zone (e.g. Europe/Paris, UTC)")
            }
            inputZone = zone
        } else {
            inputZone = rota.settings.zone
        }
        if let text = options.now ?? environment["ROTA_NOW"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let parsed = TimeText.parse(text) else {
                throw RotaFailure.usage("--now '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z or 2026-03-29T02:30")
            }
            now = parsed.instant(in: inputZone)
        } else {
            now = Date()
        }
        if case .success(let files) = loaded {
            // Webhook URLs carry tokens: the database keeps them redacted.
            let urls = files.rota.people.flatMap(\.contacts).compactMap { contact -> String? in
                if case .webhook(let url) = contact.channel { return url }
                return nil
            }
            let sources = files.sources.map { source in
                StoredSource(name: source.name, text: urls.reduce(source.text) { $0.replacingOccurrences(of: $1, with: Redaction.storedURL($1)) })
            }
            if try database.recordRevision(sources: sources, fingerprint: fingerprint, now: now, actor: unixUser) != nil {
                LastValidSnapshot(databasePath: database.path).write(files.sources, fingerprint: fingerprint)
            }
        }
    }

    private static func openDatabase(_ options: GlobalOptions, _ environment: [String: String]) throws -> AppDatabase {
        let path = options.database ?? AppDatabase.defaultPath(environment: environment)
        do {
            return try AppDatabase.open(path: path)
        } catch {
            throw RotaFailure.store(error)
        }
    }

    private static func decode(revision id: Int, database: AppDatabase) throws -> Rota {
        let sources = try database.sources(ofRevision: id).map { RotaSource(name: $0.name, text: $0.text) }
        switch RotaLoader.decode(sources: sources, label: "revision \(id)") {
        case .success(let rota): return rota
        case .failure(let failure):
            throw RotaFailure.invalidData("stored revision \(id) no longer decodes: \(failure)")
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
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else {
            Console.error("rota: warning: settings.webhook_secret_file \(path) cannot be read; webhooks go unsigned")
            return WebhookSecrets()
        }
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
            throw RotaFailure.usage("\(flag) '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z, 2026-03-29T02:30+02:00, 2026-03-29T02:30 or 2026-03-29")
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

    /// The unix user running rota.
    var unixUser: String {
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
