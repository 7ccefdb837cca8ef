import Foundation
import RotaCore

/// The rotas directory, read and checked.
public struct LoadedRota: Sendable {
    public var rota: Rota
    /// The files it came from, in name order (what a revision stores).
    public var sources: [RotaSource]
    /// `RotaLoader.fingerprint(sources)`.
    public var fingerprint: String
}

/// Reads every `*.yaml` / `*.yml` file directly in the rotas directory, in name order.
public enum RotaLoader {
    public static let maxFileSize = 1 << 20

    /// - Parameter cache: a compiled copy to use while the files are unchanged (not for
    ///   `rota validate`, which checks everything, runbook files included, every time).
    public static func load(directory: String, cache: RotaCache? = nil) -> Result<LoadedRota, RotaLoadFailure> {
        let log = DiagnosticLog()
        let whole = SourceLocation(file: directory, line: 0, column: 0)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            log.error(whole, "the rotas directory does not exist; pass --rotas DIR or set ROTA_DIR")
            return .failure(RotaLoadFailure(diagnostics: log.items))
        }
        guard isDirectory.boolValue else {
            log.error(whole, "this is a file, not a directory: --rotas (or ROTA_DIR) names the directory that holds the rota files")
            return .failure(RotaLoadFailure(diagnostics: log.items))
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .filter { !$0.hasPrefix(".") }
                .sorted()
        } catch {
            log.error(whole, "cannot list the rotas directory: \(error.localizedDescription)")
            return .failure(RotaLoadFailure(diagnostics: log.items))
        }
        var sources: [RotaSource] = []
        var files: [(path: String, bytes: [UInt8])] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let here = SourceLocation(file: path, line: 0, column: 0)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                // A link whose target is gone (a deploy half done) must not drop its definitions silently.
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " to \(NodeReader.excerpt($0))" } ?? ""
                log.error(here, "this is a symbolic link\(target) that leads nowhere; restore its target or remove the link")
                continue
            }
            guard !isDirectory.boolValue else { continue }
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = (attributes[.size] as? NSNumber)?.intValue else {
                log.error(here, "cannot read this file")
                continue
            }
            guard size <= maxFileSize else {
                log.error(here, "the file is \(size) bytes; rota files are limited to 1 MiB (\(maxFileSize) bytes): split it")
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                log.error(here, "cannot read this file (permissions?)")
                continue
            }
            guard data.count <= maxFileSize else {
                log.error(here, "the file is over 1 MiB; split it")
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                log.error(here, "the file is not UTF-8 text")
                continue
            }
            sources.append(RotaSource(name: name, text: text))
            files.append((path, Array(data)))
        }
        if names.isEmpty {
            log.error(whole, "no rota files (*.yaml, *.yml) in this directory")
        }
        let fingerprint = Self.fingerprint(sources)
        if log.items.isEmpty, let cache, let rota = cache.read(fingerprint: fingerprint) {
            return .success(LoadedRota(rota: rota, sources: sources, fingerprint: fingerprint))
        }
        var roots: [(name: String, root: YAMLNode?)] = []
        for file in files {
            do {
                let root = try YAMLComposer.compose(file.bytes, file: file.path)
                if root == nil || root?.isNull == true {
                    // Usually a save that failed or an editor's truncate-then-write: taking it as
                    // "no definitions" would drop every schedule and escalation it held.
                    log.error(SourceLocation(file: file.path, line: 0, column: 0),
                              "the file is empty (a failed or unfinished save?); a rota file must define something — delete it if it is meant to go")
                }
                roots.append((file.path, root))
            } catch {
                log.error(error.location, error.message)
            }
        }
        let rota = RotaDecoder.decode(roots, log: log, directory: directory)
        guard log.items.isEmpty else {
            let order = Dictionary(uniqueKeysWithValues: names.enumerated().map { ((directory as NSString).appendingPathComponent($1), $0) })
            let sorted = log.items.enumerated().sorted { a, b in
                let (fa, fb) = (order[a.element.location.file] ?? -1, order[b.element.location.file] ?? -1)
                if fa != fb { return fa < fb }
                if a.element.location.line != b.element.location.line { return a.element.location.line < b.element.location.line }
                return a.offset < b.offset
            }.map(\.element)
            return .failure(RotaLoadFailure(diagnostics: sorted))
        }
        cache?.write(rota, fingerprint: fingerprint)
        return .success(LoadedRota(rota: rota, sources: sources, fingerprint: fingerprint))
    }
}

extension RotaLoader {
    /// The path with every symbolic link resolved, or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Decodes rota files kept in the database (a stored revision). Runbook files are not
    /// looked for on disk: they were checked when the revision was stored.
    public static func decode(sources: [RotaSource], label: String) -> Result<Rota, RotaLoadFailure> {
        let log = DiagnosticLog()
        var roots: [(name: String, root: YAMLNode?)] = []
        for source in sources {
            let file = "\(label)/\(source.name)"
            do {
                roots.append((file, try YAMLComposer.compose(Array(source.text.utf8), file: file)))
            } catch {
                log.error(error.location, error.message)
            }
        }
        let rota = RotaDecoder.decode(roots, log: log, directory: nil)
        return log.items.isEmpty ? .success(rota) : .failure(RotaLoadFailure(diagnostics: log.items))
    }

    /// A fingerprint of the files (names and contents), to notice an edit: FNV-1a, 64 bits.
    public static func fingerprint(_ sources: [RotaSource]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        for source in sources {
            mix(source.name.utf8)
            mix([0])
            mix(source.text.utf8)
            mix([0, 0])
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-\(sources.reduce(0) { $0 + $1.text.utf8.count })"
    }
}
