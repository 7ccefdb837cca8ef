import Foundation
import RotaConfig
import RotaCore
import RotaEngine
import RotaNotify
import RotaStore

extension Workspace {
    /// What decides a new alert's first page on `service` besides its maintenance windows (which the
    /// store reads in the raise's transaction): low severity waits for daytime, in the zone of the
    /// escalation's first schedule, else the settings zone.
    func firstPageRule(for service: Service) -> FirstPage.Rule {
        let policy = rota.escalation(service.escalation)
        let firstSchedule = policy?.levels.flatMap(\.targets).compactMap { target -> Schedule? in
            if case .schedule(let id) = target { return rota.schedule(id) }
            return nil
        }.first
        let daytime = FirstPage.Daytime(zone: firstSchedule?.zone ?? rota.settings.zone, from: rota.settings.daytimeFrom, to: rota.settings.daytimeTo)
        return FirstPage.Rule(lowWaitsForDaytime: service.lowSeverityDaytime, daytime: daytime)
    }

    /// "Alert #7 acknowledged by hugo at …" for everyone already paged for it, once each (the
    /// outbox keys them), through their contacts (or those the alert kept).
    func answerNotices(_ alert: StoredAlert, verb: String, actor: String) async throws -> [OutboxEntry] {
        guard alert.status != .resolved, verb == "resolved" || alert.status == .triggered else { return [] }
        let paged = try await storeCall { try await store.pagedPeople(alert: alert.id) }
        let kept = alert.definition.flatMap(RotaModelCodec.decode)
        let subject = alert.alertCount > 1 ? "Incident #\(alert.id) (\(alert.alertCount) alerts) \(verb) by \(actor)" : "Alert #\(alert.id) \(verb) by \(actor)"
        let text = "\(subject) at \(HumanTime.format(now, in: inputZone)): \(alert.summary)\nNothing more is paged for it\(verb == "acknowledged" ? " while it stays acknowledged" : "").\n"
        // Whoever answered knows already, whatever the door ("ann", "ann (link)", "ann (slack)", "ann (sms)").
        let answerer = ActorName.person(actor)
        return paged.filter { $0 != answerer }.flatMap { person in
            AlertDefinition.contacts(of: person, in: rota, kept: kept).contacts.enumerated().map { index, contact in
                OutboxEntry(delivery: .notice(key: "answer|\(alert.id)|\(verb)|\(person)", subject: subject, text: text), person: person,
                            contact: index, contactKind: contact.channel.kind, contactKey: contact.key, dueAt: now)
            }
        }
    }

    /// After an arrival on `service`: every surge watching it that now has enough arrivals
    /// within its window raises its own alert (deduplicated by `surge:ID`, so many raisers at
    /// once still make one; while it is open, more arrivals only raise its count).
    /// With `absorb`, a surge that fires takes in the open, unacknowledged incidents of its
    /// services from its window (DESIGN §10); true when it did.
    func checkSurges(after service: Service, pageNow: Bool) async throws -> Bool {
        var absorbed = false
        for surge in rota.surges where surge.services.contains(service.id) {
            let since = now.addingTimeInterval(-TimeInterval(surge.within))
            let count = try await storeCall { try await store.arrivals(services: surge.services, since: since) }
            guard count >= surge.alerts, rota.service(surge.service) != nil else { continue }
            let raised = try await raise(service: surge.service, summary: surge.summary(count: count),
                                         details: "Raised by the surge \(surge.id): \(surge.alerts) or more arrivals within \(surge.within / 60) min.",
                                         severity: .critical, dedupKey: surge.dedupKey, actorID: "surge:\(surge.id)", pageNow: pageNow,
                                         absorbing: surge)
            absorbed = absorbed || raised.absorbed
        }
        return absorbed
    }

    /// "Incident #3 merged into incident #9" for everyone already paged for a merged incident,
    /// once per person and merge however many incidents it took (a storm's desk gets one notice,
    /// not one per complaint), through their contacts (`ROTA_NOTICE=merged`).
    func queueMergeNotices(_ merged: [MergedIncident], into target: Int) async throws {
        var people: [String] = []
        for incident in merged { for person in incident.paged where !people.contains(person) { people.append(person) } }
        let notices = people.map { person in
            let theirs = merged.filter { $0.paged.contains(person) }
            let names = theirs.count == 1 ? "Incident #\(theirs[0].id)" : "Incidents " + theirs.map { "#\($0.id)" }.joined(separator: ", ")
            let alerts = theirs.reduce(0) { $0 + $1.alerts }
            return ShiftNotices.Notice(person: person, key: "merged|\(target)|\(theirs.map { String($0.id) }.joined(separator: ","))|\(person)",
                                       subject: "\(names) merged into incident #\(target)",
                                       text: "\(names) (\(alerts) alert(s)), for which you were paged, \(theirs.count == 1 ? "was" : "were") merged into incident #\(target) at \(HumanTime.format(now, in: inputZone)).\nPages not yet sent for \(theirs.count == 1 ? "it" : "them") are cancelled; incident #\(target) escalates for them from now on.\n")
        }
        guard !notices.isEmpty else { return }
        _ = try await storeCall { try await store.enqueue(Engine.entries(notices, rota: rota, now: now)) }
    }

    // MARK: maintenance windows

    public func addMaintenance(service id: String, window: Window, reason: String?, as actorName: String?) async throws -> Int {
        let service = try service(id)
        let actor = try actor(as: actorName)
        return try await storeCall {
            try await store.addMaintenance(service: service.id, start: window.from, end: window.to, reason: reason, actor: actor, now: now)
        }
    }

    public func maintenanceWindows(all: Bool) async throws -> [StoredMaintenance] {
        try await storeCall { try await store.maintenance(endingAfter: all ? nil : now) }
    }

    public func removeMaintenance(id: Int, as actorName: String?) async throws -> (window: StoredMaintenance, released: Int) {
        let actor = try actor(as: actorName)
        do {
            return try await store.removeMaintenance(id: id, actor: actor, now: now)
        } catch .notFound(let what) {
            throw RotaError.notFound("\(what); 'rota maintenance list --all' shows them")
        } catch {
            throw RotaError.store(error)
        }
    }

    // MARK: test pages

    /// A test page through each of the person's contacts, now; each contact's outcome.
    public func testPage(person name: String, as actorName: String?) async throws -> [(contact: String, result: DeliveryResult)] {
        let person = try person(name)
        let actor = try actor(as: actorName)
        let engine = engine()
        var outcomes: [(String, DeliveryResult)] = []
        for contact in person.contacts {
            let shown: String = switch contact.channel {
            case .command(let argv): "command \(argv.first ?? "")"
            case .webhook(let url): "webhook \(Contact.shownURL(url))"
            case .ntfy(let url): "ntfy \(Contact.shownURL(url))"
            case .mattermost(let url): "mattermost \(Contact.shownURL(url))"
            case .slack(let target): "slack \(target)"
            case .sms(let number): "sms \(number)"
            case .voice(let number): "voice \(number)"
            case .email(let address): "email \(address)"
            }
            let notice = ShiftNotice(key: "test|\(person.id)|\(TimeText.utc(now))", kind: .changes, person: person.id,
                                     subject: "rota test page for \(person.name)",
                                     text: "This is a test page from rota, sent by \(actor) at \(HumanTime.format(now, in: shownZone(person: person.id))). Nothing is wrong.\n")
            let result: DeliveryResult
            if let whole = addressBook.resolve(contact) {
                result = await engine.deliverer.deliver(notice, via: whole, settings: rota.settings, now: now)
            } else {
                result = .retry("the full address of this webhook is not known on this host")
            }
            outcomes.append((shown, result))
        }
        let summary = outcomes.map { "\($0.0): \($0.1 == .delivered ? "delivered" : "failed")" }.joined(separator: "; ")
        _ = try await storeCall { try await store.append(AuditEntry(.testPage, "test page to \(person.id): \(summary)"), actor: actor, now: now) }
        return outcomes
    }

    /// Programs the rota files name that cannot be run here: a pager command's, or sendmail's.
    public static func missingPrograms(in rota: Rota, environment: [String: String]) -> [String] {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        func runnable(_ program: String) -> Bool { ProgramPath.isRunnable(program, path: path) }
        // One line per program, naming whose contacts run it.
        var users: [(program: String, people: [String])] = []
        for person in rota.people {
            for contact in person.contacts {
                guard case .command(let argv) = contact.channel, let program = argv.first, !program.isEmpty, !runnable(program) else { continue }
                if let index = users.firstIndex(where: { $0.program == program }) {
                    if !users[index].people.contains(person.id) { users[index].people.append(person.id) }
                } else {
                    users.append((program, [person.id]))
                }
            }
        }
        var problems = users.map { "'\($0.program)' (the command contact of \($0.people.joined(separator: ", "))) does not exist or is not executable here" }
        let mails = rota.people.flatMap(\.contacts).contains { if case .email = $0.channel { true } else { false } }
        if mails, let sendmail = rota.settings.sendmail.first, !runnable(sendmail) {
            problems.append("settings.sendmail '\(sendmail)' does not exist or is not executable here: email contacts cannot be paged")
        }
        return problems
    }
}

/// What `rota validate` finds in a rotas directory: a summary and warnings, or every problem.
public enum Validation: Sendable {
    case valid(files: Int, rota: Rota, warnings: [String])
    case invalid([RotaDiagnostic])

    /// Reads the files (nothing else: no store, no revision recorded).
    public static func of(_ options: WorkspaceOptions) -> Validation {
        switch RotaLoader.load(directory: options.directory) {
        case .success(let loaded):
            // A public URL whose secret cannot be read would send pages without ack links: an error
            // here, at the `public_url` line, not a quiet downgrade to shell instructions (issue 22).
            if let problem = Workspace.linkProblem(loaded.rota, options: options) {
                return .invalid([RotaDiagnostic(location: publicURLLocation(loaded.sources, directory: options.directory), message: problem)])
            }
            // Programs that cannot run here: a typo in a pager path must not wait for an incident to show.
            return .valid(files: loaded.sources.count, rota: loaded.rota,
                          warnings: Workspace.missingPrograms(in: loaded.rota, environment: options.environment))
        case .failure(let failure):
            return .invalid(failure.diagnostics)
        }
    }

    /// Where `public_url:` is written (the first file that says it), else the directory.
    static func publicURLLocation(_ sources: [RotaSource], directory: String) -> SourceLocation {
        for source in sources {
            for (index, line) in source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let range = line.range(of: "public_url:"), line[..<range.lowerBound].allSatisfy({ $0 == " " }) {
                    return SourceLocation(file: (directory as NSString).appendingPathComponent(source.name), line: index + 1,
                                          column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
                }
            }
        }
        return SourceLocation(file: directory, line: 0, column: 0)
    }
}
