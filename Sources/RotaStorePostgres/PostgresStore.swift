import Foundation
import Synchronization
import Logging
import NIOSSL
import PostgresNIO
import RotaStore

/// The store in PostgreSQL, through postgres-nio: the same contract as the SQLite store, for
/// several runners on several hosts sharing one database. Every write that reads then writes
/// does so in one transaction holding the row locks it needs (claims with `FOR UPDATE SKIP
/// LOCKED`); the runner lock is a session advisory lock, lost with its connection.
public final class PostgresStore: Store {
    public let address: PostgresAddress
    public var location: String { address.shown }
    public let localPath: String
    public var isShared: Bool { true }
    /// The host name recorded with each tick.
    let host: String
    let client: PostgresClient
    private let running: Task<Void, Never>
    let logger = Logger(label: "rota.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects (failing fast with a clear message when the server cannot be reached), migrates,
    /// and starts a connection pool for what follows.
    public static func open(address: PostgresAddress, localPath: String, host: String,
                            deadline: Duration = defaultDeadline) async throws(StoreError) -> PostgresStore {
        let tls: PostgresConnection.Configuration.TLS
        let poolTLS: PostgresClient.Configuration.TLS
        do {
            (tls, poolTLS) = try tlsSettings(address)
        } catch {
            throw .cannotOpen(path: address.shown, reason: "cannot set up TLS: \(error)")
        }
        var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                             password: address.password, database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", "rota")]
        // One direct connection first: an unreachable server or a wrong password is a clear
        // error at once, not a request queued in the pool while it retries for a minute.
        let direct = configuration
        try await bounded(address: address, opening: true, within: max(.seconds(60), deadline * 2)) {
            let connection = try await PostgresConnection.connect(configuration: direct, id: 1,
                                                                  logger: Logger(label: "rota.postgres", factory: { _ in SwiftLogNoOpLogHandler() }))
            defer { Task { try? await connection.close() } }
            try await PostgresMigrations.migrate(connection, address: address)
        }
        var pool = PostgresClient.Configuration(host: address.host, port: address.port, username: address.user,
                                                password: address.password, database: address.database, tls: poolTLS)
        pool.options.connectTimeout = .seconds(5)
        pool.options.maximumConnections = 16
        pool.options.additionalStartupParameters = [("application_name", "rota")]
        let client = PostgresClient(configuration: pool)
        return PostgresStore(address: address, localPath: localPath, host: host, client: client, lockConfiguration: configuration,
                             deadline: deadline)
    }

    /// The direct connection's settings, for the runner lock's own session.
    let lockConfiguration: PostgresConnection.Configuration

    private init(address: PostgresAddress, localPath: String, host: String, client: PostgresClient,
                 lockConfiguration: PostgresConnection.Configuration, deadline: Duration) {
        self.deadline = deadline
        self.address = address
        self.localPath = localPath
        self.host = host
        self.client = client
        self.lockConfiguration = lockConfiguration
        running = Task { await client.run() }
    }

    deinit { running.cancel() }

    /// Where this host keeps its own files for a database (the address book, the compiled rota):
    /// the XDG state directory, one name per server and database.
    public static func defaultLocalPath(for address: PostgresAddress, environment: [String: String]) -> String {
        let safe = "\(address.user)@\(address.host)-\(address.port)-\(address.database)".map { $0.isLetter || $0.isNumber || "-_.@".contains($0) ? $0 : "_" }
        return (StateDirectory.path(environment: environment) as NSString).appendingPathComponent("postgres-\(String(safe))")
    }

    private static func tlsSettings(_ address: PostgresAddress) throws -> (PostgresConnection.Configuration.TLS, PostgresClient.Configuration.TLS) {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch address.sslMode {
        case .disable: return (.disable, .disable)
        // libpq checks no certificate below verify-ca.
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        let context = try NIOSSLContext(configuration: tls)
        switch address.sslMode {
        case .allow, .prefer: return (.prefer(context), .prefer(tls))
        default: return (.require(context), .require(tls))
        }
    }

    // MARK: running statements

    /// How long one database operation may take, from asking the pool for a connection to the
    /// answer: past it the operation is given up (its task cancelled; a statement in flight is
    /// abandoned with its connection) and the caller hears so, so that a server restarted under
    /// load never leaves a command or a request waiting for good.
    public static let defaultDeadline: Duration = .seconds(30)
    /// This store's bound on each operation; opening (which may migrate a new schema) gets twice
    /// as long, at least a minute.
    let deadline: Duration

    /// Runs `body` in one transaction on a pooled connection, mapping errors to `StoreError`.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        let (client, logger) = (self.client, self.logger)
        return try await Self.bounded(address: address, within: deadline) { try await client.withTransaction(logger: logger) { connection in try await body(connection) } }
    }

    /// Runs reads on a pooled connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        let client = self.client
        return try await Self.bounded(address: address, within: deadline) { try await client.withConnection { connection in try await body(connection) } }
    }

    /// `operation` within `deadline`: whichever ends first, the operation or the deadline,
    /// answers; the other is cancelled and not waited for.
    static func bounded<T: Sendable>(address: PostgresAddress, opening: Bool = false, within deadline: Duration,
                                     _ operation: @escaping @Sendable () async throws -> T) async throws(StoreError) -> T {
        let once = Deadline<T>()
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            once.arm(continuation)
            let work = Task {
                do {
                    once.resume(.success(try await operation()))
                } catch {
                    once.resume(.failure(Self.describe(error, address: address, opening: opening)))
                }
            }
            Task {
                try? await Task.sleep(for: deadline)
                work.cancel()
                once.resume(.failure(.database("PostgreSQL at \(address.shown) did not answer within \(deadline.components.seconds) s (restarting, or unreachable); nothing was changed by this request, try again")))
            }
        }
        return try result.get()
    }

    /// What went wrong, said without the password or the statement's values.
    static func describe(_ error: any Error, address: PostgresAddress, opening: Bool) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError {
                return describe(inner, address: address, opening: opening)
            }
        }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let reason = "PostgreSQL says: \(message)\(state)"
                if error.serverInfo?[.sqlState] == "28P01" || error.serverInfo?[.sqlState] == "28000" {
                    let source = address.passwordSource.map { " (the password came from \($0))" } ?? " (no password given: set PGPASSWORD or ~/.pgpass)"
                    return .cannotOpen(path: address.shown, reason: reason + source)
                }
                return opening ? .cannotOpen(path: address.shown, reason: reason) : .database(reason + " at \(address.shown)")
            }
            let reason: String = switch error.code {
            case .connectionError: "cannot connect (is PostgreSQL running and listening at \(address.host):\(address.port)?)"
            case .serverClosedConnection, .uncleanShutdown: "the server closed the connection (restarted or stopped?)"
            case .clientClosedConnection, .poolClosed: "the connection was closed"
            case .sslUnsupported: "the server does not offer TLS, and sslmode=\(address.sslMode.rawValue) requires it"
            case .authMechanismRequiresPassword: "the server wants a password: set PGPASSWORD or ~/.pgpass"
            case .unsupportedAuthMechanism: "the server asks for an authentication method rota does not speak (use scram-sha-256 or md5)"
            default: "PostgreSQL error \(error.code)"
            }
            return opening ? .cannotOpen(path: address.shown, reason: reason) : .database("\(reason) at \(address.shown)")
        }
        if error is CancellationError { return .database("cancelled") }
        let text = "\(error)"
        let reason = text.contains("CircuitBreaker") || text.contains("circuitBreaker")
            ? "cannot connect (is PostgreSQL running at \(address.host):\(address.port)?)" : "unexpected error talking to PostgreSQL (\(type(of: error)))"
        return opening ? .cannotOpen(path: address.shown, reason: reason) : .database("\(reason) at \(address.shown)")
    }
}

// MARK: rows


/// A row read by column name.
struct Cells {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try row[name].decode(T.self)
    }

    func instant(_ name: String) throws -> Date { Date(millis: try self(name, as: Int64.self)) }
    func optionalInstant(_ name: String) throws -> Date? { try self(name, as: Int64?.self).map(Date.init(millis:)) }
}

extension PostgresConnection {
    /// All rows of a statement.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [Cells] {
        try await self.query(query, logger: logger).collect().map(Cells.init)
    }

    /// How many rows a statement returned (its `RETURNING` rows: how many it changed).
    func count(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}

extension PostgresConnection {
    /// Runs `sql` once per batch of `rows` (within PostgreSQL's 65,535 parameters), with
    /// `VALUES_LIST` replaced by the batch as a VALUES list; each placeholder is cast to its
    /// column's type when `types` are given (a VALUES list in a FROM clause needs them). A
    /// BOOLEAN column takes `.int` (0 is false). Returns every batch's rows.
    @discardableResult
    func batched(_ sql: String, rows: [[TransferValue]], types: [String?]? = nil, logger: Logger) async throws -> [Cells] {
        guard let width = rows.first?.count, width > 0 else { return [] }
        var result: [Cells] = []
        let perStatement = max(1, 60_000 / width)
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + perStatement, rows.count)]
            var bindings = PostgresBindings(capacity: batch.count * width)
            var tuples: [String] = []
            tuples.reserveCapacity(batch.count)
            for row in batch {
                var marks: [String] = []
                for (index, value) in row.enumerated() {
                    let type = types?[index] ?? nil
                    switch value {
                    case .null: bindings.appendNull()
                    case .int(let number): if type == "BOOLEAN" { bindings.append(number != 0) } else { bindings.append(number) }
                    case .text(let text): bindings.append(text)
                    case .blob(let data): try bindings.append(data)
                    }
                    marks.append("$\(bindings.count)" + (type.map { "::\($0)" } ?? ""))
                }
                tuples.append("(\(marks.joined(separator: ", ")))")
            }
            let statement = sql.replacingOccurrences(of: "VALUES_LIST", with: "VALUES " + tuples.joined(separator: ", "))
            result += try await self.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: logger).collect().map(Cells.init)
            start += perStatement
        }
        return result
    }
}

extension TransferValue {
    init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Data?) { self = value.map { .blob($0) } ?? .null }
    init(_ value: Date?) { self = value.map { .int($0.millis) } ?? .null }
}

/// A continuation resumed once, by the operation or by its deadline.
private final class Deadline<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Result<T, StoreError>, Never>?, done: Bool)>((nil, false))

    func arm(_ continuation: CheckedContinuation<Result<T, StoreError>, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func resume(_ result: Result<T, StoreError>) {
        let continuation = state.withLock { state -> CheckedContinuation<Result<T, StoreError>, Never>? in
            guard !state.done else { return nil }
            state.done = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: result)
    }
}
