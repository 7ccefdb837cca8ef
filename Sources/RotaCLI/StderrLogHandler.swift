import Logging

/// swift-log to stderr for people: `rota: warning: …`, control characters escaped, written
/// with write(2) so a stderr that cannot be written never stops rota (a tick still pages).
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .notice

    public init(label: String) {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let prefix = switch event.level {
        case .warning: "rota: warning: "
        case .error, .critical: "rota: "
        default: "rota: "
        }
        Console.error(prefix + event.message.description)
    }
}
