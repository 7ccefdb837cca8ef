import ArgumentParser
import Foundation
import RotaCore
import RotaStore
#if canImport(Glibc)
import Glibc
#endif

extension RotaCommand {
    struct Tick: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cron runner: do all escalation work due at --now (default: the clock).",
            discussion: """
            Run it every minute from cron or a systemd timer. It pages every level that has come
            due, in due order, including work missed while cron was down (marked late), and retries
            pages that failed. Silent on success unless -v or --json; problems go to stderr. Exits
            75 when some pages could not be delivered (they are retried on later ticks). A tick that
            finds another one running exits 0 at once. Examples:
              * * * * * rota --rotas /etc/rota tick
              rota tick -v
              rota tick --now 2026-12-25T03:00:00Z --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Flag(name: .shortAndLong, help: "Say what was done.") var verbose = false
        @Flag(name: .customLong("dry-run"), help: "Print what would be paged, and change nothing (no page, no record).")
        var dryRun = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            if dryRun { return try preview(environment) }
            let databasePath = global.database ?? AppDatabase.defaultPath(environment: environment)
            // ROTA_TICK_LOCK=off lets tests run ticks truly at once: the outbox alone keeps pages single.
            var lock: TickLock?
            if environment["ROTA_TICK_LOCK"] != "off" {
                guard let held = try TickLock.acquire(beside: databasePath) else {
                    if verbose { Console.error("rota: another tick is running; leaving it to finish") }
                    return
                }
                lock = held
            }
            defer { lock?.release() }
            let context = try CommandContext(global, environment: environment)
            if context.isPreview {
                Console.error("rota: warning: --now \(TimeText.utc(context.now)) is ahead of the system clock: real pages go out for everything due until then, and no revision of the rota files is recorded (use --dry-run to only look)")
            }
            let runner = try Runner(context: context)
            try runner.plan()
            try runner.planShiftNotices()
            let stop = StopRequest()
            let report = try await runner.deliver(stop: stop)
            stop.uninstall()
            try context.database.recordTick(now: context.now, clock: context.clock)

            let errors = report.failed.map { item in
                "\(Self.describe(item.page)) failed\(item.forGood ? " for good (not retried)" : "; will retry"): \(item.error ?? "unknown error")"
            }
            if global.json {
                let pages = (report.sent + report.failed).map { item in
                    Self.json(item.page, status: item.error == nil ? "sent" : (item.forGood ? "failed_for_good" : "failed"), error: item.error)
                }
                context.print(json: .object([("at", .instant(context.now)), ("pages", .array(pages)), ("errors", .array(errors.map { .string($0) }))]))
            } else if verbose {
                Console.out("tick at \(TimeText.utc(context.now)): \(report.sent.count) page(s) sent, \(report.failed.count) failed")
                for item in report.sent {
                    Console.out("  sent: \(Self.describe(item.page))\(item.page.late ? " late" : "")")
                }
            }
            for error in errors { Console.error("rota: \(error)") }
            if stop.isRequested { Console.error("rota: stopped early: pages not yet claimed go out on the next tick") }
            if !errors.isEmpty { throw RotaFailure.silent(ExitStatus.pagesRetrying) }
        }

        /// --dry-run: the pages a tick would send now, from a read-only look; nothing is recorded.
        private func preview(_ environment: [String: String]) throws {
            let context = try CommandContext(global, environment: environment, recording: false)
            let pages = try Runner(context: context).preview()
            if global.json {
                context.print(json: .object([("at", .instant(context.now)), ("dry_run", .bool(true)),
                                             ("pages", .array(pages.map { Self.json($0, status: "would_send", error: nil) })),
                                             ("errors", .array([]))]))
                return
            }
            Console.out("dry run at \(TimeText.utc(context.now)): \(pages.count) page(s) would be sent; nothing was changed")
            for page in pages { Console.out("  would send: \(Self.describe(page))\(page.late ? " late" : "")") }
        }

        static func json(_ page: StoredPage, status: String, error: String?) -> JSONValue {
            .object([("alert", page.alertID.map { .int($0) } ?? .null), ("notice", .text(page.noticeKey)),
                     ("page_id", .string(page.pageID)),
                     ("round", .int(page.round)), ("level", .int(page.level)),
                     ("person", .string(page.person)), ("contact", .string(page.contactKind)),
                     ("due_at", .instant(page.dueAt)), ("late", .bool(page.late)),
                     ("status", .string(status)), ("error", .text(error))])
        }

        static func describe(_ page: StoredPage) -> String {
            guard let alert = page.alertID else { return "notice \(page.noticeKey ?? "") to \(page.person) (\(page.contactKind))" }
            return "alert #\(alert): page to \(page.person) (round \(page.round), level \(page.level), \(page.contactKind))"
        }
    }

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The escalation timeline of a service if nobody answers: who is paged when.",
            discussion: """
            Levels whose schedules have nobody on call show no people (they are skipped at once).
            Examples:
              rota simulate --service twitter-mentions
              rota simulate --service website-down --at "2026-12-27T03:00" --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The service.", valueName: "id")) var service: String
        @Option(help: ArgumentHelp("When the alert is raised (default: now).", valueName: "time")) var at: String?

        func run() async throws {
            let context = try CommandContext(global)
            guard let service = context.rota.service(service) else {
                throw RotaFailure.notFound("no service '\(service)'; known: \(context.rota.services.map(\.id).joined(separator: ", "))")
            }
            guard let policy = context.rota.escalation(service.escalation) else {
                throw RotaFailure.notFound("no escalation '\(service.escalation)'")
            }
            let start = try at.map { try context.time($0, flag: "--at") } ?? context.now
            let timetable = try context.timetable(from: start, to: nil)
            let timeline = EscalationPlanner.timeline(policy: policy, from: start) { timetable.person(schedule: $0, at: $1) }
            if global.json {
                let items = timeline.map { step -> JSONValue in
                    .object([("at", .instant(step.dueAt)), ("round", .int(step.round)), ("level", .int(step.level)),
                             ("people", .array(step.people.map { .string($0) })),
                             ("empty_schedules", .array(step.emptySchedules.map { .string($0) }))])
                }
                context.print(json: .object([("service", .string(service.id)), ("timeline", .array(items))]))
                return
            }
            var table = Table("AT", "ROUND", "LEVEL", "PAGES")
            for step in timeline {
                let who = step.people.isEmpty ? "nobody (skipped: \(step.emptySchedules.joined(separator: ", ")) empty)" : step.people.joined(separator: ", ")
                table.add(HumanTime.format(step.dueAt, in: context.inputZone), "\(step.round)", "\(step.level)", who)
            }
            Console.out("If nobody answers an alert on \(service.id) raised \(HumanTime.format(start, in: context.inputZone)):\n" + table.rendered())
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Health of the runner: last tick, open alerts, pages pending and failed.",
            discussion: """
            Exits 1 when the last tick is more than 3 minutes old (or never ran), so another monitor
            can watch the watcher. Examples:
              rota status
              rota status --json
            """
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try CommandContext(global)
            let status = try context.database.runnerStatus(now: context.now)
            let age = status.lastTick.map { context.now.timeIntervalSince($0) }
            var problems: [String] = []
            switch age {
            case nil: problems.append("no tick has run: is cron running 'rota tick'?")
            case let age? where age > 180: problems.append("the last tick is \(Int(age))s old: is cron running 'rota tick'?")
            case let age? where age < -1: problems.append("the last tick is \(Int(-age))s in the future (a tick ran with a future --now?): cron's own ticks are hidden until it is replaced")
            default: break
            }
            if status.pagesFailedForGood > 0 {
                problems.append("\(status.pagesFailedForGood) page(s) failed for good (see 'rota alert show' and fix the contact)")
            }
            let kept = try context.alertsOnKeptDefinitions()
            for item in kept { problems.append("alert #\(item.id) \(item.why)") }
            if global.json {
                context.print(json: .object([("last_tick", .instant(status.lastTick)), ("open_alerts", .int(status.openAlerts)),
                                             ("pages_pending", .int(status.pagesPending)), ("pages_failed", .int(status.pagesFailed)),
                                             ("pages_failed_for_good", .int(status.pagesFailedForGood)),
                                             ("problems", .array(problems.map { .string($0) }))]))
            } else {
                let tick = status.lastTick.map { tick in
                    let seconds = Int(context.now.timeIntervalSince(tick))
                    return "\(HumanTime.format(tick, in: context.inputZone)) (\(seconds >= 0 ? "\(seconds)s ago" : "\(-seconds)s in the future"))"
                } ?? "never"
                var text = """
                    last tick:      \(tick)
                    open alerts:    \(status.openAlerts)
                    pages pending:  \(status.pagesPending)
                    pages failed:   \(status.pagesFailed) (\(status.pagesFailedForGood) for good)
                    """
                for problem in problems { text += "\nPROBLEM: \(problem)" }
                Console.out(text)
            }
            if !problems.isEmpty { throw RotaFailure.silent(ExitStatus.unhealthy) }
        }
    }
}

/// A non-blocking `flock` on a file beside the database (never the database itself), so that
/// two ticks from cron do not both work. Correctness does not depend on it: the outbox does.
final class TickLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// The lock, or nil when another tick holds it.
    static func acquire(beside databasePath: String) throws -> TickLock? {
        let directory = (databasePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let path = databasePath + ".tick-lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RotaFailure.store(.cannotOpen(path: path, reason: String(cString: strerror(errno))))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return TickLock(descriptor: descriptor)
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
