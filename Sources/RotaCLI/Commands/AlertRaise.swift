import ArgumentParser
import Foundation
import RotaCore
import RotaFormats
import RotaKit

extension RotaCommand.AlertGroup {
    struct Raise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "raise",
            abstract: "Raise an alert on a service; level 1 of its escalation is paged at once.",
            discussion: """
            An open alert of the same service with the same --dedup-key absorbs the new one: no new
            alert, no new page, its count goes up. On a service with `group:` (or while a surge's
            incident is open), the alert joins the open incident and pages nobody. Examples:
              rota alert raise --service twitter-mentions --summary "Hashtag storm about the recall" --severity critical
              rota alert raise --service website-down --summary "HTTP 503 from the load balancer" --dedup-key lb-503 --json
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The service the alert comes from.", valueName: "id")) var service: String
        @Option(help: ArgumentHelp("One line saying what is wrong.", valueName: "text")) var summary: String
        @Option(help: ArgumentHelp("More text, quoted in every page.", valueName: "text")) var details: String?
        @Option(help: "critical, high or low (default high).") var severity: Severity = .high
        @Option(name: .customLong("dedup-key"), help: ArgumentHelp("Open alerts with the same key are one alert.", valueName: "key")) var dedupKey: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Who raises it, for the log.", valueName: "person")) var actor: String?
        @Option(name: .customLong("label"), help: ArgumentHelp("A label the service's group.by may read (repeatable).", valueName: "key=value"))
        var labels: [String] = []

        /// What went wrong paging a raised alert (or drill) at once, on stderr: the raise itself stood.
        static func tellPaging(_ raised: RaiseOutcome, what: String) {
            if let deferred = raised.deferred {
                Console.error("rota: \(what) #\(raised.alert.id) is recorded, but paging it now failed (\(deferred)); the next 'rota tick' pages it")
            }
            for item in raised.failures {
                Console.error("rota: page to \(item.page.person) (\(item.page.contactKind)) failed"
                    + (item.forGood ? " for good (not retried): \(item.error ?? "")" : ": \(item.error ?? ""); 'rota tick' will retry it"))
            }
        }

        /// The --label pairs, checked.
        func labelPairs() throws -> [String: String] {
            var pairs: [String: String] = [:]
            for label in labels {
                guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                    throw ValidationError("--label '\(label)' must be key=value, e.g. --label source=twitter")
                }
                let key = String(label[..<equals])
                guard pairs[key] == nil else { throw ValidationError("--label \(key) is given twice") }
                pairs[key] = String(label[label.index(after: equals)...])
            }
            return pairs
        }

        func validate() throws {
            if summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--summary must say something") }
            if summary.utf8.count > AlertText.summaryLimit {
                throw ValidationError("--summary is limited to \(AlertText.summaryLimit) bytes; put the rest in --details")
            }
            if let details, details.utf8.count > AlertText.detailsLimit { throw ValidationError("--details is limited to \(AlertText.detailsLimit / 1024) KiB") }
            _ = try labelPairs()
        }

        func run() async throws {
            let workspace = try await global.workspace()
            let stop = StopRequest()
            defer { stop.uninstall() }
            let raised = try await workspace.alerts.raise(service: service, summary: summary, details: details, severity: severity,
                                                   dedupKey: dedupKey, labels: try labelPairs(), as: actor) { stop.isRequested }
            Self.tellPaging(raised, what: "alert")
            if global.json {
                global.print(Documents.raised(raised.alert, status: raised.alert.status, deduplicated: raised.deduplicated))
            } else if raised.deduplicated {
                Console.out("Alert #\(raised.alert.id) is already open for this (count \(raised.alert.count)); nobody was paged again.")
            } else if raised.joined {
                Console.out("Alert #\(raised.alert.id) raised on \(service); it joined open incident #\(raised.alert.incidentID), so nobody was paged again. "
                            + "Acknowledge with: rota ack \(raised.alert.incidentID)")
            } else {
                Console.out("Alert #\(raised.alert.id) raised on \(service). Acknowledge with: rota ack \(raised.alert.id)")
            }
        }
    }
}
