import Foundation
import RotaConfig
import RotaCore
import RotaEngine
import RotaNotify
import RotaStore

/// People's contacts: a test page through each, and the programs that cannot run here.
public struct ContactUseCases: UseCase {
    public let context: Workspace


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

extension Workspace {
    public var contacts: ContactUseCases { ContactUseCases(context: self) }
}
