import Foundation
import RotaConfig
import RotaCore
import RotaStore

/// What `rota diff` compares the rota files with (DESIGN §14, §16).
public enum DiffBase: Sendable {
    /// A git revision of the repository holding the rotas directory (read with git, nothing checked out).
    case git(String)
    /// A stored revision, `rev:N`.
    case stored(Int)
    /// Another directory of rota files.
    case directory(String)

    /// `--base`: `rev:N`, an existing directory, else a git revision; nil: `HEAD` when the rotas
    /// directory is in git, else the newest stored revision.
    public static func parse(_ text: String?) -> DiffBase? {
        guard let text else { return nil }
        if text.hasPrefix("rev:"), let id = Int(text.dropFirst(4)) { return .stored(id) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), isDirectory.boolValue { return .directory(text) }
        return .git(text)
    }
}

/// `rota diff`: the rota files against a base revision.
public struct DiffUseCases: UseCase {
    public let context: Workspace

    /// `rota diff`: the rota files as they are now against `base`, over `window`, with today's
    /// leave and overrides on both sides. Reads only: the store is never written.
    public func diff(base: DiffBase?, window: Window) async throws -> (base: String, diff: RotaDiff) {
        let files: Rota
        switch RotaLoader.load(directory: options.directory) {
        case .success(let loaded): files = loaded.rota
        case .failure(let failure): throw RotaError.invalidData("the rota files in \(options.directory) are invalid:\n\(failure)")
        }
        let (name, old) = try await baseRota(base)
        let (leave, overrides) = try await context.recordedCovers(endingAfter: window.from)
        let diff = RotaDiff(before: Timetable(rota: old, leave: leave, overrides: overrides), after: Timetable(rota: files, leave: leave, overrides: overrides),
                            from: window.from, to: window.to)
        return (name, diff)
    }

    private func baseRota(_ base: DiffBase?) async throws -> (String, Rota) {
        switch base ?? (Self.gitRoot(of: options.directory) != nil ? .git("HEAD") : nil) {
        case .directory(let path):
            switch RotaLoader.load(directory: path) {
            case .success(let loaded): return (path, loaded.rota)
            case .failure(let failure): throw RotaError.invalidData("the base rota files in \(path) are invalid:\n\(failure)")
            }
        case .stored(let id):
            return ("rev:\(id)", try await WorkspaceLoader.decode(revision: id, store: store))
        case .git(let revision):
            let directory = try Self.checkout(revision, of: options.directory)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            switch RotaLoader.load(directory: directory) {
            case .success(let loaded): return (revision, loaded.rota)
            case .failure(let failure): throw RotaError.invalidData("the rota files at \(revision) are invalid:\n\(failure)")
            }
        case nil:
            guard let newest = try await storeCall({ try await store.revisions() }).last else {
                throw RotaError.usage("nothing to compare with: the rotas directory is not in git and no revision is stored; give --base DIR")
            }
            return ("rev:\(newest.id)", try await WorkspaceLoader.decode(revision: newest.id, store: store))
        }
    }

    /// The top of the git work tree holding `directory`, or nil.
    static func gitRoot(of directory: String) -> String? {
        guard let out = try? git(["-C", directory, "rev-parse", "--show-toplevel"]), !out.isEmpty else { return nil }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The rota files of `directory` at git `revision`, written to a new temporary directory
    /// (`git show`, never a checkout over the working tree).
    static func checkout(_ revision: String, of directory: String) throws -> String {
        guard !revision.hasPrefix("-") else { throw RotaError.usage("--base '\(revision)' is not a revision") }
        guard let root = gitRoot(of: directory) else { throw RotaError.usage("--base \(revision): \(directory) is not in a git repository") }
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        let top = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let prefix = absolute == top ? "" : String(absolute.dropFirst(top.count + 1)) + "/"
        let names: [String]
        do {
            names = try git(["-C", root, "ls-tree", "-r", "--name-only", "\(revision):\(prefix)"]).split(separator: "\n").map(String.init)
        } catch {
            throw RotaError.usage("--base \(revision): git knows no rotas directory there (\(error))")
        }
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("rota-diff-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        // The rota files and what they name (runbooks under the directory), as they were.
        for name in names where !name.split(separator: "/").contains("..") {
            let text = try git(["-C", root, "show", "\(revision):\(prefix)\(name)"])
            let path = target + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return target
    }

    /// Runs git with these arguments; its output, or an error with its message.
    static func git(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        // git's messages go to a file, so a long one can never fill a pipe nobody reads yet.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("rota-git-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = FileManager.default.contents(atPath: errPath) ?? Data()
        guard process.terminationStatus == 0 else {
            throw RotaError.usage(String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Workspace {
    public var diffs: DiffUseCases { DiffUseCases(context: self) }
}
