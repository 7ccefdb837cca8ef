import Foundation
import RotaConfig
import RotaCore
import RotaEngine
import RotaNotify
import RotaStore


/// What `rota validate` finds in a rotas directory: a summary and warnings, or every problem.
public enum Validation: Sendable {
    case valid(files: Int, rota: Rota, warnings: [String])
    case invalid([RotaDiagnostic])

    /// Reads the files (nothing else: no store, no revision recorded).
    public static func of(_ options: WorkspaceOptions) -> Validation {
        switch RotaLoader.load(directory: options.directory) {
        case .success(let loaded):
            // A public URL whose secret cannot be read would send pages without ack links: an error
            // here, at the `public_url` line, not a quiet downgrade to shell instructions (issue 22).
            if let problem = Secrets.linkProblem(loaded.rota, options: options) {
                return .invalid([RotaDiagnostic(location: publicURLLocation(loaded.sources, directory: options.directory), message: problem)])
            }
            // Programs that cannot run here: a typo in a pager path must not wait for an incident to show.
            return .valid(files: loaded.sources.count, rota: loaded.rota,
                          warnings: ContactUseCases.missingPrograms(in: loaded.rota, environment: options.environment))
        case .failure(let failure):
            return .invalid(failure.diagnostics)
        }
    }

    /// Where `public_url:` is written (the first file that says it), else the directory.
    static func publicURLLocation(_ sources: [RotaSource], directory: String) -> SourceLocation {
        for source in sources {
            for (index, line) in source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let range = line.range(of: "public_url:"), line[..<range.lowerBound].allSatisfy({ $0 == " " }) {
                    return SourceLocation(file: (directory as NSString).appendingPathComponent(source.name), line: index + 1,
                                          column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
                }
            }
        }
        return SourceLocation(file: directory, line: 0, column: 0)
    }
}
