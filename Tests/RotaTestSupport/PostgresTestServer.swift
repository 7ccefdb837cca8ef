import Foundation

/// The PostgreSQL server the tests use: `ROTA_TEST_POSTGRES` (default
/// `postgres://rota@127.0.0.1:5432`, the role `.ci/run` creates, password from `PGPASSWORD`,
/// default `rota-test`). Each test gets a database of its own. When no server answers, the
/// PostgreSQL tests are skipped with a loud message, unless `CI` is set: then they fail.
public enum PostgresTestServer {
    public static let base: String = ProcessInfo.processInfo.environment["ROTA_TEST_POSTGRES"] ?? "postgres://rota@127.0.0.1:5432"
    public static let password: String = ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "rota-test"

    static var host: String { URLComponents(string: base)?.host ?? "127.0.0.1" }
    static var port: Int { URLComponents(string: base)?.port ?? 5432 }
    static var user: String { URLComponents(string: base)?.user ?? "rota" }

    /// True when the server answers; false prints why the PostgreSQL tests are skipped.
    public static let available: Bool = {
        let ok = (try? psql("SELECT 1", database: "postgres").status) == 0
        if !ok {
            let ci = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false
            FileHandle.standardError.write(Data("""
                \n*** PostgreSQL tests: no server answers at \(base) (as \(user)); \(ci ? "CI is set, so they run and FAIL" : "SKIPPED — start one (see .ci/run) to run them") ***\n\n
                """.utf8))
            return ci
        }
        return true
    }()

    /// A new empty database; its address for `--db`.
    public static func freshDatabase() throws -> String {
        let name = "rota_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let result = try psql("CREATE DATABASE \(name)", database: "postgres")
        guard result.status == 0 else { throw PostgresTestError(message: "cannot create a test database: \(result.output)") }
        return "\(base)/\(name)"
    }

    /// The environment a `rota` process needs to log in.
    public static var environment: [String: String] { ["PGPASSWORD": password] }

    /// Runs SQL through psql, returning its status and output (stdout and stderr).
    @discardableResult
    public static func psql(_ sql: String, database: String, port: Int? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", host, "-p", String(port ?? self.port), "-U", user, "-d", database, "-X", "-q", "-A", "-t",
                             "-v", "ON_ERROR_STOP=1", "-c", sql]
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        environment["PGCONNECT_TIMEOUT"] = "3"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

public struct PostgresTestError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A PostgreSQL server of the test's own (initdb in a temporary directory, on its own port),
/// for what the shared one must not suffer: being stopped and restarted. Needs root (to run the
/// server as the `postgres` user) and the server binaries; stopped and removed by `stop()`.
public final class PrivatePostgres: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public let directory: String
    public let port: Int
    public var address: String { "postgres://rota@127.0.0.1:\(port)/rota" }

    /// True when this machine can run one (root, and the PostgreSQL 15 server installed).
    public static var possible: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: binaries + "/initdb")
    }

    public init() throws {
        directory = "/tmp/rota-pg-\(UUID().uuidString.prefix(8))"
        port = Int.random(in: 20_000...29_999)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.run("/bin/chown", ["postgres:postgres", directory])
        try asPostgres("initdb", ["-D", directory + "/data", "-A", "trust", "-U", "rota", "--no-sync"])
        try start()
        try asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "rota", "rota"])
    }

    public func start() throws {
        try asPostgres("pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "30",
                                  "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    }

    /// `immediate`: as a crash would (no shutdown checkpoint, clients cut off mid-statement).
    public func stop(immediate: Bool = false) throws {
        try asPostgres("pg_ctl", ["-D", directory + "/data", "-m", immediate ? "immediate" : "fast", "-w", "stop"])
    }

    /// Stops the server for good and removes its files.
    public func remove() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func asPostgres(_ program: String, _ arguments: [String]) throws {
        try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", Self.binaries + "/" + program] + arguments)
    }

    /// posix_spawn and waitpid, output to a file: Foundation's Process was seen never to reap a
    /// `runuser pg_ctl start` whose server lives on (the test hung with a zombie).
    private static func run(_ path: String, _ arguments: [String]) throws {
        let output = "/tmp/rota-pg-output-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresTestError(message: "cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw PostgresTestError(message: "\(path) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
    }
}
