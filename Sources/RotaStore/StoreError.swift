/// What can go wrong with the state store, said so that a person can act on it.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case schemaTooNew(path: String, unknown: [String])
    case notFound(String)
    case database(String)
    /// The database was moved (`rota migrate`) and refuses writes: where it went, in words.
    case moved(String)
    /// The state takes no such change (a merge into a resolved incident): why, in words.
    case refused(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
        case .schemaTooNew(let path, let unknown):
            "the database \(path) was written by a newer rota (schema \(unknown.joined(separator: ", "))); upgrade rota before using it — this binary refuses to write to it"
        case .notFound(let what): what
        case .database(let message): "database error: \(message)"
        case .moved(let message): message
        case .refused(let message): message
        }
    }
}
