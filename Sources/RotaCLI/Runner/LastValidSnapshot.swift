import Foundation
import RotaConfig

/// The last valid rota files, whole, in a 0700 directory beside the database: what a tick
/// falls back on when the files are half-edited, webhook URLs included (the database keeps
/// them redacted).
struct LastValidSnapshot {
    let directory: String

    init(databasePath: String) {
        directory = databasePath + ".last-valid"
    }

    func write(_ sources: [RotaSource], fingerprint: String) {
        let manager = FileManager.default
        let staging = directory + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? manager.removeItem(atPath: staging)
        guard (try? manager.createDirectory(atPath: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])) != nil else { return }
        let files = sources.map { ($0.name, Data($0.text.utf8)) } + [(".fingerprint", Data(fingerprint.utf8))]
        for (name, data) in files {
            guard manager.createFile(atPath: (staging as NSString).appendingPathComponent(name), contents: data,
                                     attributes: [.posixPermissions: 0o600]) else {
                try? manager.removeItem(atPath: staging)
                return
            }
        }
        // Replace the old snapshot in one rename where possible, so a reader never sees half of one.
        let old = directory + ".old-\(ProcessInfo.processInfo.processIdentifier)"
        try? manager.moveItem(atPath: directory, toPath: old)
        if (try? manager.moveItem(atPath: staging, toPath: directory)) == nil { try? manager.removeItem(atPath: staging) }
        try? manager.removeItem(atPath: old)
    }

    /// The snapshot's files, if it holds the revision with this fingerprint.
    func read(fingerprint: String) -> [RotaSource]? {
        let manager = FileManager.default
        guard let stored = manager.contents(atPath: (directory as NSString).appendingPathComponent(".fingerprint")),
              String(decoding: stored, as: UTF8.self) == fingerprint,
              let names = try? manager.contentsOfDirectory(atPath: directory) else { return nil }
        var sources: [RotaSource] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            guard let data = manager.contents(atPath: (directory as NSString).appendingPathComponent(name)) else { return nil }
            sources.append(RotaSource(name: name, text: String(decoding: data, as: UTF8.self)))
        }
        return RotaLoader.fingerprint(sources) == fingerprint ? sources : nil
    }
}
