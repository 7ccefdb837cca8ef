import RotaStore

/// Every way a use case fails, with its exit status (DESIGN.md §4). Both doors map it: the CLI
/// to an exit status, a server to an HTTP answer.
public enum RotaError: Error, CustomStringConvertible {
    /// 64: a flag, an argument or a request is wrong.
    case usage(String)
    /// 65: the rota files or the input data are invalid.
    case invalidData(String)
    /// 69: a named thing (service, alert, person, schedule) does not exist.
    case notFound(String)
    /// The store could not be used.
    case store(StoreError)
    /// Already reported; just leave with this status.
    case silent(Int32)

    public var exitCode: Int32 {
        switch self {
        case .usage, .store(.refused): ExitStatus.usage.code
        case .invalidData: ExitStatus.invalidData.code
        case .notFound, .store(.notFound): ExitStatus.notFound.code
        case .store: ExitStatus.ioError.code
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

/// The exit statuses, in one table: the code uses it, and the help prints it.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// `rota check` found gaps; `rota status` found a problem.
    case attention = 1
    case usage = 64
    case invalidData = 65
    case notFound = 69
    case ioError = 74
    case pagesRetrying = 75

    public var code: Int32 { rawValue }

    public var meaning: String {
        switch self {
        case .success: "ok"
        case .attention: "check found gaps, or status found a problem (stale or future tick, a page failed for good, an alert on a kept definition)"
        case .usage: "bad usage"
        case .invalidData: "invalid rota files or input"
        case .notFound: "a named thing does not exist"
        case .ioError: "the database cannot be used, or stdout cannot be written"
        case .pagesRetrying: "a tick could not deliver some pages (they are retried)"
        }
    }

    /// `Exit status: 0 ok; 1 …; …` for the help text.
    public static var summary: String {
        "Exit status: " + allCases.map { "\($0.code) \($0.meaning)" }.joined(separator: "; ") + "."
    }
}
