import Foundation
import RotaStore

/// Where a PostgreSQL database is and how to log in, read from `postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?sslmode=…]`
/// as libpq reads it: the password from the URL, else `PGPASSWORD`, else the password file
/// (`PGPASSFILE` or `~/.pgpass`, ignored when others can read it). The password never appears
/// in `shown`, in errors or in logs.
public struct PostgresAddress: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var password: String?
    public var sslMode: SSLMode
    /// Where the password came from, for messages ("PGPASSWORD", "~/.pgpass"), never the password.
    public var passwordSource: String?

    /// The address as shown to people: no password, ever.
    public var shown: String { "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }

    /// True for `postgres://` and `postgresql://` addresses; anything else is a SQLite path.
    public static func isPostgres(_ text: String) -> Bool { StoreAddress.isPostgres(text) }

    /// Parses an address; the error says what is wrong without repeating a password.
    public static func parse(_ text: String, environment: [String: String]) throws(StoreError) -> PostgresAddress {
        func bad(_ why: String) -> StoreError {
            .cannotOpen(path: redacted(text), reason: "\(why); write postgres://USER@HOST[:PORT]/DBNAME[?sslmode=require]")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else { throw bad("not a PostgreSQL address") }
        guard let host = components.host, !host.isEmpty else { throw bad("no host") }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? ""
        guard !user.isEmpty else { throw bad("no user") }
        let name = String(components.path.drop(while: { $0 == "/" }))
        guard !name.isEmpty, !name.contains("/") else { throw bad("no database name") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port \(port) is out of range") }
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    throw bad("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "application_name", "connect_timeout":
                continue
            default:
                throw bad("unknown parameter '\(item.name)' (rota reads sslmode)")
            }
        }
        let database = name.removingPercentEncoding ?? name
        var address = PostgresAddress(user: user, host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port,
                                      database: database, password: nil, sslMode: sslMode, passwordSource: nil)
        if let password = components.password?.removingPercentEncoding {
            address.password = password
            address.passwordSource = "the address"
        } else if let password = environment["PGPASSWORD"], !password.isEmpty {
            address.password = password
            address.passwordSource = "PGPASSWORD"
        } else {
            let file = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
                ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".pgpass")
            if let password = PasswordFile.lookup(file, host: address.host, port: port, database: database, user: user) {
                address.password = password
                address.passwordSource = file
            }
        }
        return address
    }

    /// The address with any password cut out, for a message about an address that did not parse.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

/// libpq's password file: `hostname:port:database:username:password`, `*` matching anything,
/// `\:` and `\\` escaped; the first matching line wins. Ignored when group or others can read it.
enum PasswordFile {
    static func lookup(_ path: String, host: String, port: Int, database: String, user: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 == 0,
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            let hostMatches = fields[0] == "*" || fields[0] == host || (fields[0] == "localhost" && (host == "127.0.0.1" || host == "::1"))
            guard hostMatches, zip(fields[1...3], wanted[1...3]).allSatisfy({ $0 == "*" || $0 == $1 }) else { continue }
            return fields[4]
        }
        return nil
    }

    /// Splits a line on unescaped colons, unescaping `\:` and `\\`.
    static func split(_ line: String) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
