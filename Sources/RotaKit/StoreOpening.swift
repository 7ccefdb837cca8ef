import Foundation
import RotaStore
#if PostgreSQL
import RotaStorePostgres
#endif
import RotaStoreSQLite
#if canImport(Glibc)
import Glibc
#endif

/// The store named by `--db` / `ROTA_DB`: a `postgres://` address, else a SQLite file path.
public enum StoreOpening {
    /// Opens (and migrates) the store; failures are `RotaError.store` (exit 74), said without any password.
    public static func open(_ text: String, environment: [String: String]) async throws -> any Store {
        let host = hostName(environment)
        do {
            if StoreAddress.isPostgres(text) {
                #if PostgreSQL
                let address: PostgresAddress
                do {
                    address = try PostgresAddress.parse(text, environment: environment)
                } catch {
                    throw RotaError.usage("--db: \(error)")
                }
                let local = PostgresStore.defaultLocalPath(for: address, environment: environment)
                let directory = (local as NSString).deletingLastPathComponent
                if !FileManager.default.fileExists(atPath: directory) {
                    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                             attributes: [.posixPermissions: 0o700])
                }
                return try await PostgresStore.open(address: address, localPath: local, host: host)
                #else
                throw withoutPostgreSQL("--db")
                #endif
            }
            return try SQLiteStore.open(path: text, host: host)
        } catch let error as StoreError {
            throw RotaError.store(error)
        }
    }

    /// Whether this build carries the PostgreSQL store (the `PostgreSQL` package trait, on by default).
    public static var hasPostgreSQL: Bool {
        #if PostgreSQL
        true
        #else
        false
        #endif
    }

    /// A PostgreSQL address given to a build without PostgreSQL (the lean build): said, exit 64.
    static func withoutPostgreSQL(_ option: String) -> RotaError {
        .usage("\(option) names a PostgreSQL database, and this rota was built without PostgreSQL (the lean build); build it with `swift build -c release` (all traits)")
    }

    /// The name this host records with its ticks and revisions: $ROTA_HOST, else the system's host name.
    public static func hostName(_ environment: [String: String]) -> String {
        if let name = environment["ROTA_HOST"], !name.isEmpty { return name }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
