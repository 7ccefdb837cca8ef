import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit
import RotaStore

extension RotaCommand {
    struct Tick: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tick",
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
            if dryRun { return try await preview() }
            let workspace = try await global.workspace()
            let stop = StopRequest()
            defer { stop.uninstall() }
            // ROTA_TICK_LOCK=off lets tests run ticks truly at once: the outbox alone keeps pages single.
            let useLock = workspace.environment["ROTA_TICK_LOCK"] != "off"
            guard let report = try await workspace.runner.tick(useLock: useLock, shouldStop: { stop.isRequested }) else {
                if verbose { Console.error("rota: another tick is running; leaving it to finish") }
                return
            }
            let errors = report.failed.map { item in
                "\(Self.describe(item.page)) failed\(item.forGood ? " for good (not retried)" : "; will retry"): \(item.error ?? "unknown error")"
            }
            if global.json {
                let pages = report.sent.map { Documents.tickPage($0.page, status: "sent", error: nil) }
                    + report.failed.map { Documents.tickPage($0.page, status: $0.forGood ? "failed_for_good" : "failed", error: $0.error) }
                global.print(Documents.tick(at: workspace.now, pages: pages, errors: errors))
            } else if verbose {
                Console.out("tick at \(HumanTime.format(workspace.now, in: workspace.inputZone)): \(report.sent.count) page(s) sent, \(report.failed.count) failed")
                for item in report.sent {
                    Console.out("  sent: \(Self.describe(item.page))\(item.page.late ? " late" : "")")
                }
            }
            for error in errors { Console.error("rota: \(error)") }
            if report.stopped { Console.error("rota: stopped early: pages not yet claimed go out on the next tick") }
            if !errors.isEmpty { throw RotaError.silent(ExitStatus.pagesRetrying.code) }
        }

        /// --dry-run: the pages a tick would send now, from a read-only look; nothing is recorded.
        private func preview() async throws {
            let workspace = try await global.workspace(recording: false)
            let pages = try await workspace.runner.dryRun()
            if global.json {
                global.print(Documents.tick(at: workspace.now, pages: pages.map { Documents.tickPage($0, status: "would_send", error: nil) },
                                            errors: [], dryRun: true))
                return
            }
            Console.out("dry run at \(HumanTime.format(workspace.now, in: workspace.inputZone)): \(pages.count) page(s) would be sent; nothing was changed")
            for page in pages { Console.out("  would send: \(Self.describe(page))\(page.late ? " late" : "")") }
        }

        static func describe(_ page: StoredPage) -> String {
            guard let alert = page.alertID else { return "notice \(page.noticeKey ?? "") to \(page.person) (\(page.contactKind))" }
            return "alert #\(alert): page to \(page.person) (round \(page.round), level \(page.level), \(page.contactKind))"
        }
    }
}
