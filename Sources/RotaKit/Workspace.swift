import Foundation
import Synchronization
import Logging
import RotaConfig
import RotaCore
import RotaEngine
import RotaNotify
import RotaStore
import RotaStoreSQLite

/// Where rota finds its files and state, and its clock, as the edge says them (flags, env).
public struct WorkspaceOptions: Sendable {
    public var rotasDirectory: String?
    public var databasePath: String?
    /// `--now` as typed; nil: the system clock.
    public var now: String?
    /// `--tz`: the zone for times typed without an offset.
    public var zone: String?
    public var environment: [String: String]

    public init(rotasDirectory: String? = nil, databasePath: String? = nil, now: String? = nil, zone: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.rotasDirectory = rotasDirectory
        self.databasePath = databasePath
        self.now = now
        self.zone = zone
        self.environment = environment
    }

    /// --rotas, else $ROTA_DIR, else ./rotas.
    public var directory: String {
        rotasDirectory ?? environment["ROTA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "rotas"
    }

    /// --db, else $ROTA_DB, else the XDG state directory.
    public var database: String {
        databasePath ?? SQLiteStore.defaultPath(environment: environment)
    }
}

/// The shared context of the use cases: one rotas directory and its state at one `now`, as
/// `WorkspaceLoader` made it (the rota files loaded, or the last valid revision; the store open),
/// with the lookups every use case needs (names, typed times, the timetable, the engine). The use
/// cases themselves are one small type per noun (`workspace.alerts`, `workspace.schedules`, …).
/// A class: every use case holds it, and a copy is one reference, not the whole context.
public final class Workspace: Sendable {
    public let options: WorkspaceOptions
    public let store: any Store
    /// The newest valid rota: the files, or the last stored revision when the files are invalid
    /// (then its webhooks are reduced, and `addressBook` gives their full addresses).
    public let rota: Rota
    /// The one clock of this view (`--now`, else the system clock to the millisecond).
    public let now: Date
    /// The system clock when the view was made: a `now` ahead of it is a preview, which records nothing.
    public let clock: Date
    /// Zone for times typed without an offset.
    public let inputZone: Zone
    public let addressBook: AddressBook
    /// When this view goes by a stored revision instead of the rota files, why, in words for
    /// people (the board shows it); nil when it goes by the files.
    public let standIn: String?
    /// True when the rota files did not load (then `rota` is the last valid revision).
    public let invalidFiles: Bool
    let fingerprint: String
    let logger: Logger
    /// The engine and its notifier, made once per loading of the files (secrets read once), shared
    /// by every view of the same files (`atCurrentTime`).
    private let engines: Lazily<Engine>
    /// The secrets the files point at, read once per loading of the files.
    public let secrets: Secrets

    convenience init(options: WorkspaceOptions, store: any Store, rota: Rota, now: Date, clock: Date, inputZone: Zone, addressBook: AddressBook,
                     standIn: String?, invalidFiles: Bool, fingerprint: String, logger: Logger) {
        self.init(options: options, store: store, rota: rota, now: now, clock: clock, inputZone: inputZone, addressBook: addressBook,
                  standIn: standIn, invalidFiles: invalidFiles, fingerprint: fingerprint, logger: logger,
                  engines: Lazily<Engine>(), secrets: Secrets(options: options, rota: rota, logger: logger))
    }

    private init(options: WorkspaceOptions, store: any Store, rota: Rota, now: Date, clock: Date, inputZone: Zone, addressBook: AddressBook,
                 standIn: String?, invalidFiles: Bool, fingerprint: String, logger: Logger, engines: Lazily<Engine>, secrets: Secrets) {
        self.options = options
        self.store = store
        self.rota = rota
        self.now = now
        self.clock = clock
        self.inputZone = inputZone
        self.addressBook = addressBook
        self.standIn = standIn
        self.invalidFiles = invalidFiles
        self.fingerprint = fingerprint
        self.logger = logger
        self.engines = engines
        self.secrets = secrets
    }

    /// The zone human output shows a time in: `--tz` when given, else the schedule's own zone,
    /// else the person's, else `settings.timezone`. (JSON is always UTC.)
    public func shownZone(schedule id: String? = nil, person: String? = nil) -> Zone {
        if options.zone != nil { return inputZone }
        if let id, let schedule = rota.schedule(id) { return schedule.zone }
        if let person, let zone = rota.person(person)?.timezone { return zone }
        return inputZone
    }

    /// True when `now` lies ahead of the system clock: a preview of the future.
    public var isPreview: Bool { now > clock }
    public var rotasDirectory: String { options.directory }
    public var environment: [String: String] { options.environment }

    /// The same workspace at the current system clock (a server's requests), the files not read
    /// again; with `--now` given, its clock stays fixed there.
    public func atCurrentTime() -> Workspace {
        guard options.now == nil, options.environment["ROTA_NOW"]?.isEmpty ?? true else { return self }
        let clock = Date().wholeMilliseconds
        return Workspace(options: options, store: store, rota: rota, now: clock, clock: clock, inputZone: inputZone, addressBook: addressBook,
                         standIn: standIn, invalidFiles: invalidFiles, fingerprint: fingerprint, logger: logger, engines: engines, secrets: secrets)
    }

    /// The revisions in force somewhere in `[from, to)` (to nil: open-ended), with the leave and
    /// command-line overrides that reach past `from`. `before`: only the stored revisions older
    /// than that one (the timetable as it stood before it was recorded).
    public func timetable(from: Date, to: Date?, before revision: Int? = nil) async throws -> Timetable {
        var stored = try await storeCall { try await store.revisions() }.map { (at: $0.effectiveAt, id: $0.id, fingerprint: $0.fingerprint) }
        if let revision { stored = stored.filter { $0.id < revision } }
        // Files read but not recorded (a read-only command, a preview of the future) answer for
        // instants from `now` on; stored revisions answer before it (DESIGN §16).
        if revision == nil, standIn == nil, stored.last?.fingerprint != fingerprint {
            stored = stored.filter { $0.at < now } + [(at: now, id: 0, fingerprint: fingerprint)]
        }
        var revisions: [Timetable.Revision] = []
        var decoded: [String: Rota] = [fingerprint: rota]
        for (index, revision) in stored.enumerated() {
            // Revision i is in force from its start (the first one: from always) until the next one.
            let begins = index == 0 ? Date.distantPast : revision.at
            let ends = index + 1 < stored.count ? stored[index + 1].at : Date.distantFuture
            guard ends > from, to.map({ begins < $0 }) ?? true else { continue }
            let rota: Rota
            if let known = decoded[revision.fingerprint] { rota = known } else { rota = try await WorkspaceLoader.decode(revision: revision.id, store: store) }
            decoded[revision.fingerprint] = rota
            revisions.append(Timetable.Revision(from: revision.at, rota: rota))
        }
        if revisions.isEmpty { revisions = [Timetable.Revision(from: .distantPast, rota: rota)] }
        let (leave, overrides) = try await recordedCovers(endingAfter: from)
        return Timetable(revisions: revisions, leave: leave, overrides: overrides)
    }

    /// The leave and command-line overrides (by schedule) that reach past `from`.
    func recordedCovers(endingAfter from: Date) async throws -> (leave: [Leave], overrides: [String: [Override]]) {
        let leave = try await storeCall { try await store.covers(.leave, endingAfter: from) }.map(\.asLeave)
        let overrides = Dictionary(grouping: try await storeCall { try await store.covers(.override, endingAfter: from) }, by: { $0.schedule ?? "" })
            .mapValues { $0.map(\.asOverride) }
        return (leave, overrides)
    }

    // MARK: the engine

    /// The engine with this workspace's store and a notifier configured from the settings: one per
    /// loading of the files.
    public func engine() -> Engine {
        engines.value { makeEngine() }
    }

    private func makeEngine() -> Engine {
        let settings = rota.settings
        let webhookTimeout = TimeInterval(settings.webhookTimeout)
        var notifier = Notifier(commandTimeout: .seconds(settings.commandTimeout), webhookSecrets: secrets.webhookSigning,
                                webhookConnectTimeout: min(5, webhookTimeout), webhookTotalTimeout: webhookTimeout,
                                hiddenVariables: secrets.hiddenVariables)
        notifier.twilio = secrets.twilio
        notifier.slack = secrets.slack
        return Engine(store: store, deliverer: notifier)
    }

    /// What the engine needs at `now`: levels may have been due a while ago (missed ticks), so
    /// the timetable reaches back 30 days.
    public func snapshot() async throws -> RotaSnapshot {
        let directory = rotasDirectory
        let runbooks = Dictionary(uniqueKeysWithValues: rota.services.compactMap { service in
            service.runbook.map { (service.id, Self.runbookText($0, directory: directory)) }
        })
        let links = self.links.linkMaker()
        return RotaSnapshot(rota: rota, timetable: try await timetable(from: now.addingTimeInterval(-30 * 86400), to: nil),
                            runbooks: runbooks, addressBook: addressBook) { id, person in
            // With a public URL and a server secret, pages carry a link; else the CLI hint.
            if let link = links?(id, person) { return (link, "Acknowledge or resolve: \(link)") }
            return ("rota ack \(id)", "Acknowledge: rota ack \(id)    Resolve: rota resolve \(id)")
        }
    }

    /// A runbook file's first lines (it was checked to stay under the rotas directory), or the URL as it is.
    static func runbookText(_ link: String, directory: String) -> String {
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return link }
        let path = (directory as NSString).appendingPathComponent(link)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return link }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(12)
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: names and times

    /// A time typed by a person (DESIGN §9: `now`, `+2h`, `tomorrow 09:00`, `sat 09:00`, ISO
    /// forms), relative to `now` and read in `--tz`, else the settings zone.
    public func time(_ text: String, flag: String) throws -> Date {
        guard let instant = TypedTime.parse(text, now: now, zone: inputZone) else {
            throw RotaError.usage("\(flag) '\(text)' is not a time; write \(TypedTime.examples) (years \(TimeText.years.lowerBound)–\(TimeText.years.upperBound))")
        }
        return instant
    }

    /// A window from --from and --to, --for (a duration after --from: days on the wall clock) or
    /// --days; at most `Window.maxDays` long.
    public func window(from: String?, to: String?, for length: String? = nil, days: Int?, defaultDays: Int) throws -> Window {
        let start = try from.map { try time($0, flag: "--from") } ?? now
        let end: Date
        if let to {
            guard length == nil else { throw RotaError.usage("give --to or --for, not both") }
            end = try time(to, flag: "--to")
        } else if let length {
            guard let until = TypedTime.offset(length, from: start, zone: inputZone) else {
                throw RotaError.usage("--for '\(length)' is not a duration; write e.g. 30m, 2h, 1d or 1w")
            }
            end = until
        } else {
            end = start.addingTimeInterval(Double(days ?? defaultDays) * 86400)
        }
        return try Window(from: start, to: end, zone: inputZone)
    }

    public func schedule(_ id: String) throws -> Schedule {
        guard let schedule = rota.schedule(id) else {
            throw RotaError.notFound("no schedule '\(id)'; known: \(rota.schedules.map(\.id).joined(separator: ", "))")
        }
        return schedule
    }

    /// A person by id; `me` is the person whose login is $USER (unless someone's id is `me`).
    public func person(_ id: String) throws -> Person {
        if let person = rota.person(id) { return person }
        if id == "me" { return try me() }
        throw RotaError.notFound("no person '\(id)' in the rota files")
    }

    public func service(_ id: String) throws -> Service {
        guard let service = rota.service(id) else {
            throw RotaError.notFound("no service '\(id)'; known: \(rota.services.map(\.id).joined(separator: ", "))")
        }
        return service
    }

    /// The unix user running rota.
    public var unixUser: String { Workspace.unixUser(environment) }

    static func unixUser(_ environment: [String: String]) -> String {
        environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LOGNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName()
    }

    /// The person whose `login` is $USER (or the unix user).
    public func me() throws -> Person {
        guard let person = rota.person(login: unixUser) else {
            throw RotaError.notFound("no person has login '\(unixUser)'; add 'login: \(unixUser)' to your entry under people, or use --person")
        }
        return person
    }

    /// Who did it, for the audit log: --as, else the person whose login is $USER, else the unix user.
    public func actor(as person: String?) throws -> String {
        if let person { return try self.person(person).id }
        return rota.person(login: unixUser)?.id ?? unixUser
    }
}

/// A window of time, at most `maxDays` long: a window of centuries would take gigabytes.
public struct Window: Sendable {
    public var from: Date
    public var to: Date

    public static let maxDays = 3660

    /// `zone` is where an error shows the times.
    public init(from: Date, to: Date, zone: Zone = .utc) throws {
        guard from < to else {
            throw RotaError.usage("--to (\(HumanTime.format(to, in: zone, year: true))) must be after --from (\(HumanTime.format(from, in: zone, year: true)))")
        }
        guard to.timeIntervalSince(from) <= Double(Self.maxDays) * 86400 else {
            throw RotaError.usage("the window from --from to --to spans more than \(Self.maxDays) days; ask for a shorter one")
        }
        guard TimeText.seconds.contains(to.timeIntervalSince1970 - 1) else {
            throw RotaError.usage("the window ends after 9999-12-31 (times are years \(TimeText.years.lowerBound)–\(TimeText.years.upperBound)); ask for one that ends sooner")
        }
        self.from = from
        self.to = to
    }
}

/// Runs store calls, their errors as `RotaError`s.
func storeCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw RotaError.store(error)
    }
}

/// One noun's use cases (alerts, schedules, covers, …) over the shared context: each is made in one
/// line (`workspace.alerts`), holds nothing but the context, and reads the loaded view's store, rota,
/// clock and names through it. Both doors (CLI, server) call them.
public protocol UseCase: Sendable {
    var context: Workspace { get }
}

/// What every use case reads of its context, by the context's own names.
extension UseCase {
    var store: any Store { context.store }
    var rota: Rota { context.rota }
    var now: Date { context.now }
    var inputZone: Zone { context.inputZone }
    var logger: Logger { context.logger }
    var options: WorkspaceOptions { context.options }
    var environment: [String: String] { context.environment }
    var rotasDirectory: String { context.rotasDirectory }
    var addressBook: AddressBook { context.addressBook }
    var secrets: Secrets { context.secrets }

    var clock: Date { context.clock }

    func engine() -> Engine { context.engine() }
    func person(_ id: String) throws -> Person { try context.person(id) }
    func schedule(_ id: String) throws -> Schedule { try context.schedule(id) }
    func service(_ id: String) throws -> Service { try context.service(id) }
    func actor(as person: String?) throws -> String { try context.actor(as: person) }
    func shownZone(schedule id: String? = nil, person: String? = nil) -> Zone { context.shownZone(schedule: id, person: person) }
    func timetable(from: Date, to: Date?, before revision: Int? = nil) async throws -> Timetable {
        try await context.timetable(from: from, to: to, before: revision)
    }
}

/// A value made on first use and kept, shared by every copy of its holder.
final class Lazily<Value: Sendable>: Sendable {
    private let stored = Mutex<Value?>(nil)

    func value(_ make: () -> Value) -> Value {
        stored.withLock { stored in
            if let value = stored { return value }
            let value = make()
            stored = value
            return value
        }
    }
}
