import RotaStore

/// Every way a command fails, with its exit status (DESIGN.md §4).
public enum RotaFailure: Error, CustomStringConvertible {
    /// 64: a flag or argument is wrong.
    case usage(String)
    /// 65: the rota files or the input data are invalid.
    case invalidData(String)
    /// 69: a named thing (service, alert, person, schedule) does not exist.
    case notFound(String)
    /// The database could not be used.
    case store(StoreError)
    /// Already reported on stdout/stderr; just leave with this status.
    case silent(Int32)

    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .invalidData: 65
        case .notFound: 69
        case .store(.notFound): 69
        case .store: 74
        case .silent(let code): code
        }
    }

    public var description: String {
        switch self {
        case .usage(let message), .invalidData(let message), .notFound(let message): message
        case .store(let error): error.description
        case .silent: ""
        }
    }
}

/// The exit statuses, in one place.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let gapsFound: Int32 = 1
    /// `rota status`: the runner is stale, a page failed for good, or an alert escalates by a kept definition.
    public static let unhealthy: Int32 = 1
    public static let usage: Int32 = 64
    public static let invalidData: Int32 = 65
    public static let notFound: Int32 = 69
    public static let ioError: Int32 = 74
    public static let pagesRetrying: Int32 = 75
}
