import Foundation
import Logging
import RotaConfig
import RotaCore
import RotaNotify
import RotaStore
import RotaStoreSQLite

/// Makes the shared context every use case works over: opens the store, reads the rota files (or,
/// when they are invalid, the last valid revision), fixes the clock and the input zone, records a
/// new revision (and queues its notices), and keeps the webhooks' full addresses.
public enum WorkspaceLoader {
    /// Opens the store and loads the files. `recording` false (dry runs) records nothing.
    public static func open(_ options: WorkspaceOptions, recording: Bool = true, logger: Logger = Logger(label: "rota")) async throws -> Workspace {
        let store = try await StoreOpening.open(options.database, environment: options.environment)
        return try await load(options, store: store, recording: recording, logger: logger)
    }

    /// The same workspace at another `now` (a server's next tick): the files are read again, so
    /// an edit is picked up (through the compiled-rota cache, cheaply when nothing changed), and
    /// with them the settings, the notifier and the secrets.
    public static func reload(_ view: Workspace, now text: String? = nil) async throws -> Workspace {
        var options = view.options
        options.now = text
        return try await load(options, store: view.store, recording: true, logger: view.logger)
    }

    private static func load(_ options: WorkspaceOptions, store: any Store, recording: Bool, logger: Logger) async throws -> Workspace {
        var addressBook = AddressBook(databasePath: store.localPath, mode: StateFiles.mode(forFileAt: store.localPath))
        let loaded = RotaLoader.load(directory: options.directory, cache: RotaCache(path: store.localPath + ".rota-cache",
                                                                                         mode: Int(StateFiles.mode(forFileAt: store.localPath))))
        var rota: Rota
        var fingerprint: String
        var stale = false
        var standIn: String?
        switch loaded {
        case .success(let files):
            rota = files.rota
            fingerprint = files.fingerprint
            // Hosts sharing a database run the same files: a host whose copy is an earlier
            // revision's (not yet updated) goes by the newest one and records nothing, so two
            // hosts never take turns recording their copies.
            if store.isShared {
                let stored = try await storeCall { try await store.revisions() }
                if let newest = stored.last, newest.fingerprint != fingerprint, stored.dropLast().contains(where: { $0.fingerprint == fingerprint }) {
                    rota = try await decode(revision: newest.id, store: store)
                    standIn = "the rota files in \(options.directory) are an earlier revision than the newest stored (revision \(newest.id), in force since \(HumanTime.format(newest.effectiveAt, in: rota.settings.zone, year: true))); going by revision \(newest.id) — update this host's rota files"
                    logger.warning("\(standIn ?? "")")
                    fingerprint = newest.fingerprint
                    stale = true
                }
            }
        case .failure(let failure):
            // A half-edited file must never stop rota: warn, and go on with the last valid revision.
            guard let last = try await storeCall({ try await store.revisions() }).last else {
                for item in failure.diagnostics { logger.error("\(item)") }
                throw RotaError.invalidData("the rota files are invalid (\(failure.diagnostics.count) problem(s)) and no valid revision is stored; run 'rota validate'")
            }
            for item in failure.diagnostics { logger.warning("\(item)") }
            rota = try await decode(revision: last.id, store: store)
            standIn = "the rota files are invalid (\(failure.diagnostics.count) problem(s): run 'rota validate'); using the last valid revision (\(last.id), in force since \(HumanTime.format(last.effectiveAt, in: rota.settings.zone, year: true)))"
            logger.warning("\(standIn ?? "")")
            fingerprint = last.fingerprint
        }

        let inputZone: Zone
        if let name = options.zone {
            guard let zone = Zone(identifier: name) else {
                throw RotaError.usage("--tz '\(name)' is not an IANA time zone (e.g. Europe/Paris, UTC; fixed offsets such as Etc/GMT+1 ignore DST and are refused)")
            }
            inputZone = zone
        } else {
            inputZone = rota.settings.zone
        }
        let clock = Date().wholeMilliseconds
        let now: Date
        if let text = options.now ?? options.environment["ROTA_NOW"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let parsed = TimeText.parse(text) else {
                throw RotaError.usage("--now '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z or 2026-03-29T02:30 (years \(TimeText.years.lowerBound)–\(TimeText.years.upperBound))")
            }
            now = parsed.instant(in: inputZone).wholeMilliseconds
        } else {
            now = clock
        }
        var recorded: StoredRevision?
        if case .success(let files) = loaded, recording {
            // Full addresses first, so that a revision stored is always one whose webhooks can be reached.
            do {
                try addressBook.remember(files.rota)
            } catch {
                logger.warning("\(error); if the rota files break, webhooks added since the last write cannot be paged")
            }
            // A preview of the future answers from the files and records nothing: a revision
            // effective at a future `now` would hold every later edit back until then.
            if now <= clock, !stale {
                recorded = try await storeCall {
                    try await store.recordRevision(model: RotaModelCodec.encode(files.rota.reducingAddresses()), files: files.sources.map(\.name),
                                                   fingerprint: fingerprint, now: now, actor: Workspace.unixUser(options.environment))
                }
            }
        }
        let invalidFiles = if case .failure = loaded { true } else { false }
        let view = Workspace(options: options, store: store, rota: rota, now: now, clock: clock, inputZone: inputZone,
                             addressBook: addressBook, standIn: standIn, invalidFiles: invalidFiles, fingerprint: fingerprint, logger: logger)
        if let recorded {
            // The new revision was recorded by this process alone (a second writer finds it stored):
            // its notices are queued once. A failure here never fails the command that loaded the files.
            do {
                try await view.covers.queueRevisionNotices(recorded)
            } catch {
                logger.warning("the 'your shifts changed' notices of revision \(recorded.id) could not be queued: \(error)")
            }
        }
        return view
    }

    /// A stored revision's rota; its webhooks are reduced (the store never holds them whole).
    static func decode(revision id: Int, store: any Store) async throws -> Rota {
        switch try await storeCall({ try await store.content(ofRevision: id) }) {
        case .model(let data):
            guard let rota = RotaModelCodec.decode(data) else {
                throw RotaError.invalidData("stored revision \(id) no longer decodes (written by another rota version?)")
            }
            return rota
        case .sources(let sources):
            switch RotaLoader.decode(sources: sources, label: "revision \(id)") {
            case .success(let rota): return rota.reducingAddresses()
            case .failure(let failure): throw RotaError.invalidData("stored revision \(id) no longer decodes: \(failure)")
            }
        }
    }
}
