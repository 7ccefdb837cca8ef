import Foundation
import RotaCore
#if canImport(Glibc)
import Glibc
#endif

/// Full webhook addresses by contact key, in a 0600 file beside the database's real path.
/// The database keeps webhooks reduced (no token in it); when the rota files are invalid and
/// rota falls back on a stored revision, or an alert escalates by a definition that left the
/// files, this is where the full address comes from. A key it lacks is never guessed: the page
/// fails visibly and is retried.
public struct AddressBook: Sendable {
    public let path: String
    public private(set) var addresses: [String: String]
    /// 0600, or 0660 in a shared state directory.
    let mode: mode_t

    /// The book beside `databasePath` (symbolic links resolved, so `--db` through a link finds it).
    public init(databasePath: String, mode: mode_t = 0o600) {
        self.mode = mode
        let real = Self.realPath(databasePath) ?? databasePath
        path = real + ".addresses"
        addresses = Self.read(path)
    }

    /// The full address of a reduced contact (or the contact itself when it is whole).
    public func resolve(_ contact: Contact) -> Contact? {
        guard contact.isReduced else { return contact }
        guard let url = addresses[contact.key] else { return nil }
        var whole = contact
        whole.channel = contact.channel.at(url)
        return whole
    }

    /// Adds the rota's addresses, writing the file when something is new or it is missing.
    public mutating func remember(_ rota: Rota) throws {
        let fresh = rota.webhookAddresses
        let missing = !FileManager.default.fileExists(atPath: path)
        guard missing || fresh.contains(where: { addresses[$0.key] != $0.value }) else { return }
        addresses.merge(fresh) { _, new in new }
        try write()
    }

    private static func read(_ path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] else { return [:] }
        return object
    }

    /// Atomically: a temporary file in the same directory, fsynced, renamed over the old one.
    private func write() throws {
        let data = try JSONSerialization.data(withJSONObject: addresses, options: [.sortedKeys])
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw AddressBookError(path: path, reason: String(cString: strerror(errno))) }
        _ = fchmod(descriptor, mode)  // the umask does not decide it
        let error = writeAll(descriptor, Array(data))
        var failure: String? = error == 0 ? nil : String(cString: strerror(error))
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw AddressBookError(path: path, reason: failure)
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

public struct AddressBookError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes every byte to `descriptor`, retrying after signals; 0, or the errno that stopped it.
public func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}
