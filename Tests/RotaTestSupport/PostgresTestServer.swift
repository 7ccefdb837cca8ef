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
