import Foundation
import Hummingbird
import Logging
import RotaCore
import RotaEngine
import RotaFormats
import RotaKit
import RotaStore
import ServiceLifecycle
import Synchronization

/// `rota serve`: the HTTP front door. Controllers decode a request, make one call into the Kit and
/// encode its answer; the engine runs beside them (a tick every `tick_every`, and at once after
/// an alert arrives), under the same runner lock as cron's `rota tick`.
public struct RotaServer: Sendable {
    let state: ServerState
    let host: String
    let port: Int
    let logger: Logger

    /// Bodies are read up to this; more is 413.
    static let bodyLimit = 1 << 20

    public init(workspace: Workspace, listen: String?, logger: Logger = Logger(label: "rota")) throws {
        let address = listen ?? workspace.rota.settings.server.listen
        guard let (host, port) = ServerSettings.hostAndPort(address, anyPort: true) else {
            throw RotaError.usage("--listen '\(address)' must be HOST:PORT, e.g. 127.0.0.1:8080")
        }
        _ = try workspace.secrets.tokenSigner()
        self.host = host
        self.port = port
        self.logger = logger
        state = ServerState(workspace: workspace, logger: logger)
    }

    /// Serves until SIGTERM or SIGINT: then it stops accepting, finishes requests and the
    /// deliveries in flight, and returns.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService()
    }

    /// The application `run` serves: its routes, middleware and services (the runner or the
    /// watcher). Tests drive it in-process (HummingbirdTesting) without a socket.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async -> some ApplicationProtocol {
        let router = Router(context: RotaRequestContext.self)
        router.add(middleware: RequestLog(logger: logger, metrics: state.metrics))
        // Small controllers, one per door; authentication is middleware on the routes it guards
        // (integration and heartbeat tokens, the board's session), or the signature each sender
        // puts on its request (links, chat buttons, Twilio), checked in the Kit.
        IntakeController(state: state).add(to: router)
        LinkController(state: state).add(to: router)
        ChatController(state: state).add(to: router)
        FeedController(state: state).add(to: router)
        HeartbeatController(state: state).add(to: router)
        HealthController(state: state).add(to: router)
        BoardController(state: state).add(to: router)
        var services: [any ServiceLifecycle.Service] = []
        let interval = await state.current().rota.settings.server.tickEvery
        if interval > 0 {
            services.append(RunnerService(state: state, interval: .seconds(interval)))
        } else {
            // The runner is left to cron, but someone must notice when cron stops (DESIGN §15).
            services.append(WatcherService(state: state))
        }
        // A client that goes quiet (a slow or stuck sender) is dropped after 30 s; headers are capped at 80 KiB.
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                           configuration: .init(address: .hostname(host, port: port), serverName: "rota"),
                           services: services, onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                           logger: logger)
    }
}

/// What the server shares between requests and its runner: the workspace (the files as last
/// read, refreshed at each tick), the engine loop, and the figures for /metrics.
actor ServerState {
    private var workspace: Workspace
    let metrics: Metrics
    let admission = Admission(limit: 4096)
    let boardCache = BoardCache()
    let signIns = SignInLimiter()
    let logger: Logger
    private(set) var loop: EngineLoop?

    init(workspace: Workspace, logger: Logger) {
        self.workspace = workspace
        self.logger = logger
        metrics = Metrics(startedAt: workspace.now)
    }

    /// The workspace at the current time (the files as last read).
    func current() -> Workspace { workspace.atCurrentTime() }

    /// Reads the files again (a tick does, so an edit is picked up; invalid files fall back as everywhere).
    func refreshed() async throws -> Workspace {
        workspace = try await WorkspaceLoader.reload(workspace, now: workspace.options.now)
        return workspace
    }

    /// A trigger that came before the runner was attached, kept for it.
    private var triggered = false

    func attach(_ loop: EngineLoop) async {
        self.loop = loop
        if triggered { await loop.trigger() }
    }

    /// Asks the runner for a tick now (an alert arrived).
    func trigger() async {
        guard let loop else {
            triggered = true
            return
        }
        await loop.trigger()
    }
}

/// The engine loop as a service of the application: stopped gracefully with it.
struct RunnerService: ServiceLifecycle.Service {
    let state: ServerState
    let interval: Duration

    func run() async throws {
        let state = self.state
        let metrics = state.metrics
        let logger = state.logger
        // Each tick reads the files again (settings, contacts and secrets with them) and plans as
        // cron's `rota tick` does, at the workspace's time (`--now` holds here too).
        let loop = EngineLoop(interval: interval, plan: {
            let started = ContinuousClock.now
            let planned = try await state.refreshed().atCurrentTime().runner.planTick(watching: true)
            if planned != nil { metrics.noteTickStart(started) }
            return planned
        }, onError: { error in logger.error("tick failed: \(error)") }, onTick: { metrics.noteTickEnd() })
        await state.attach(loop)
        await withGracefulShutdownHandler {
            await loop.run()
        } onGracefulShutdown: {
            Task { await loop.stop() }
        }
    }
}

/// With `tick_every: 0`, a check of the tick mark every minute: when cron's last tick is over 5
/// minutes old, admins are paged, and this server delivers what is due itself (those pages
/// among it) while cron stays away; it plans nothing, so escalations wait for a tick.
struct WatcherService: ServiceLifecycle.Service {
    let state: ServerState

    func run() async throws {
        let logger = state.logger
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let workspace = try await state.refreshed().atCurrentTime()
                let engine = workspace.engine()
                let snapshot = try await workspace.snapshot()
                let alarms = try await workspace.runner.queueAdminAlarms(snapshot, engine: engine, checkTick: true)
                if alarms.contains(where: { $0.key.hasPrefix(AdminAlarm.keyPrefix + "tick-stale|") }) {
                    _ = try await engine.deliver(snapshot, now: workspace.now) { Task.isShuttingDownGracefully }
                }
            } catch {
                logger.error("watching the runner failed: \(error)")
            }
            // Woken at once by a graceful shutdown (SIGTERM), not a minute later.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}

/// Past `limit` ingest requests in flight the server is overloaded: it answers 503 at once, so
/// senders retry later, rather than queueing without bound.
final class Admission: Sendable {
    private let inFlight = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Runs `body` if there is room, else returns nil.
    func admit<T>(_ body: () async throws -> T) async rethrows -> T? {
        guard inFlight.add(1, ordering: .relaxed).newValue <= limit else {
            inFlight.subtract(1, ordering: .relaxed)
            return nil
        }
        defer { inFlight.subtract(1, ordering: .relaxed) }
        return try await body()
    }
}
