import Foundation

extension Date {
    /// Instants are stored as whole milliseconds since 1970 (BIGINT in PostgreSQL; exact in SQLite,
    /// whose REAL holds integers up to 2^53 exactly), so an instant read back equals the one written.
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}

/// Where rota keeps what is its own on this host when nothing else is said: the XDG state directory.
public enum StateDirectory {
    /// `$XDG_STATE_HOME/rota`, else `~/.local/state/rota`.
    public static func path(environment: [String: String]) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/state")
        return (state as NSString).appendingPathComponent("rota")
    }
}
