/// One problem in the rota files: where, and what to do about it.
public struct RotaDiagnostic: Hashable, Sendable, CustomStringConvertible, Error {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `rotas/team.yaml:12:7: unknown key 'membrs' in a layer; did you mean 'members'?`
    public var description: String {
        location.line > 0 ? "\(location.file):\(location.line):\(location.column): \(message)" : "\(location.file): \(message)"
    }
}

/// Every problem found in the rota files at once, in file and line order.
public struct RotaLoadFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [RotaDiagnostic]

    public init(diagnostics: [RotaDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics while the reader carries on, so one run reports them all.
final class DiagnosticLog {
    private(set) var items: [RotaDiagnostic] = []

    func error(_ location: SourceLocation, _ message: String) {
        items.append(RotaDiagnostic(location: location, message: message))
    }
}
