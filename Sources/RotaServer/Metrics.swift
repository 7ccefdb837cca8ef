import Foundation
import Hummingbird
import Logging
import RotaCore
import RotaStore
import Synchronization

/// The figures /metrics shows, in Prometheus' text format. Counted here (ingest requests by
/// integration and answer, tick duration and time); the rest is read from the store per scrape.
final class Metrics: Sendable {
    /// Time to acknowledge, per service (DESIGN §12, §16): the histogram's upper bounds, in seconds.
    static let ttaBuckets = [60, 120, 300, 600, 900, 1800, 3600, 7200]

    private struct Histogram {
        var buckets = Array(repeating: 0, count: Metrics.ttaBuckets.count)
        var sum = 0
        var count = 0

        mutating func observe(_ seconds: Int) {
            for (index, bound) in Metrics.ttaBuckets.enumerated() where seconds <= bound { buckets[index] += 1 }
            sum += seconds
            count += 1
        }
    }

    private struct State {
        var ingest: [String: Int] = [:]
        var tta: [String: Histogram] = [:]
        /// Incidents already observed, so a scrape never counts one twice.
        var observed: Set<Int> = []
        var tickStarted: ContinuousClock.Instant?
        var lastTickSeconds: Double?
        var lastTickAt: Date?
    }

    private let state = Mutex(State())
    /// Counters count from here (the server's start, at its clock): Prometheus reads a restart as a reset.
    let startedAt: Date

    init(startedAt: Date) { self.startedAt = startedAt }

    /// Observes the time to acknowledge of incidents first acknowledged by a person since the
    /// server started, each once, whatever the door of the acknowledgement (CLI, link, another host).
    func observe(_ incidents: [ResponseIncident]) {
        state.withLock { state in
            for incident in incidents {
                guard let acknowledged = incident.acknowledgedAt, acknowledged >= startedAt, let seconds = incident.timeToAcknowledge,
                      state.observed.insert(incident.id).inserted else { continue }
                state.tta[incident.service, default: Histogram()].observe(seconds)
            }
        }
    }

    func countIngest(route: String, integration: String, status: Int) {
        let key = "route=\"\(route)\",integration=\"\(integration)\",code=\"\(status)\""
        state.withLock { $0.ingest[key, default: 0] += 1 }
    }

    func noteTickStart(_ instant: ContinuousClock.Instant) { state.withLock { $0.tickStarted = instant } }

    func noteTickEnd() {
        state.withLock { state in
            if let started = state.tickStarted {
                let elapsed = started.duration(to: .now)
                state.lastTickSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            state.lastTickAt = Date()
        }
    }

    func exposition(open: [AlertStatus: Int], runner: RunnerStatus, problems: Int, filesValid: Bool) -> String {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP rota_alerts_open Open alerts by status.", "# TYPE rota_alerts_open gauge",
            "rota_alerts_open{status=\"triggered\"} \(open[.triggered] ?? 0)",
            "rota_alerts_open{status=\"acknowledged\"} \(open[.acknowledged] ?? 0)",
            "# HELP rota_pages_pending Pages waiting to be sent.", "# TYPE rota_pages_pending gauge",
            "rota_pages_pending \(runner.pagesPending)",
            "# HELP rota_pages_failed Pages whose last attempt failed (retrying or for good).", "# TYPE rota_pages_failed gauge",
            "rota_pages_failed \(runner.pagesFailed)",
            "# HELP rota_pages_failed_for_good Pages of open alerts that will not be retried.", "# TYPE rota_pages_failed_for_good gauge",
            "rota_pages_failed_for_good \(runner.pagesFailedForGood)",
            "# HELP rota_pages_failed_total Pages failed for good (of open alerts, and notices of the last day), read from the database.",
            "# TYPE rota_pages_failed_total gauge",
            "rota_pages_failed_total \(runner.pagesFailedForGood)",
            "# HELP rota_rota_files_valid 1 when the rota files load, 0 when rota goes by the last valid revision.",
            "# TYPE rota_rota_files_valid gauge",
            "rota_rota_files_valid \(filesValid ? 1 : 0)",
            "# HELP rota_problems What rota status and /healthz list as problems, counted.", "# TYPE rota_problems gauge",
            "rota_problems \(problems)",
            "# HELP rota_ingest_requests_total Alert requests by route, integration and answer.", "# TYPE rota_ingest_requests_total counter",
        ]
        for (labels, count) in snapshot.ingest.sorted(by: { $0.key < $1.key }) { lines.append("rota_ingest_requests_total{\(labels)} \(count)") }
        lines += ["# HELP rota_tick_duration_seconds How long the server's last tick took.", "# TYPE rota_tick_duration_seconds gauge"]
        if let seconds = snapshot.lastTickSeconds { lines.append("rota_tick_duration_seconds \(seconds)") }
        lines += ["# HELP rota_last_tick_timestamp_seconds When a runner (this server or cron) last ticked.", "# TYPE rota_last_tick_timestamp_seconds gauge"]
        if let last = runner.lastTick { lines.append("rota_last_tick_timestamp_seconds \(Int(last.timeIntervalSince1970))") }
        lines += ["# HELP rota_time_to_acknowledge_seconds Seconds from an incident's level 1 due time to its first acknowledgement by a person, for incidents acknowledged since this server started, by service.",
                  "# TYPE rota_time_to_acknowledge_seconds histogram"]
        for (service, histogram) in snapshot.tta.sorted(by: { $0.key < $1.key }) {
            let label = "service=\"\(Self.labelValue(service))\""
            for (index, bound) in Self.ttaBuckets.enumerated() {
                lines.append("rota_time_to_acknowledge_seconds_bucket{\(label),le=\"\(bound)\"} \(histogram.buckets[index])")
            }
            lines.append("rota_time_to_acknowledge_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)")
            lines.append("rota_time_to_acknowledge_seconds_sum{\(label)} \(histogram.sum)")
            lines.append("rota_time_to_acknowledge_seconds_count{\(label)} \(histogram.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Metrics {
    /// A label value as the exposition format writes it: backslash, quote and line feed escaped.
    static func labelValue(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// One log line per request: method, path with tokens cut, status, duration.
struct RequestLog: RouterMiddleware {
    typealias Context = RotaRequestContext
    let logger: Logger
    let metrics: Metrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let path = Self.shown(request.uri.path)
        do {
            let response = try await next(request, context)
            logger.info("\(request.method) \(path) \(response.status.code) \(started.duration(to: .now))")
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            logger.info("\(request.method) \(path) \(status) \(started.duration(to: .now))")
            throw error
        }
    }

    /// The routes whose last part is a secret: ack links, feeds, a person's page, the board's sign-in.
    static let tokenRoutes = ["/a/", "/calendar/", "/me/", "/board/signin/"]

    /// A path as logged: the token of an ack link, a feed or a sign-in link is never written
    /// down, nor is a query string (a token may ride in one).
    static func shown(_ path: String) -> String {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        for prefix in tokenRoutes where bare.hasPrefix(prefix) { return prefix + "…" }
        return bare == path ? path : bare + "?…"
    }
}
