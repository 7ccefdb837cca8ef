import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The modes of the files rota keeps beside its database (the database, its -wal and -shm,
/// locks, the compiled-rota cache, the address book). Like git's `core.sharedRepository=group`:
/// in a directory that is group-writable and setgid (`install -d -m 2770 -g oncall /var/lib/rota`)
/// they are created 0660 in that group, so everyone in it can use one database; elsewhere 0600.
/// The mode is set explicitly after creation, so a user's umask does not decide it.
public enum StateFiles {
    /// True when `directory` is group-writable and setgid.
    public static func isShared(directory: String) -> Bool {
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0 else { return false }
        return info.st_mode & (S_ISGID | S_IWGRP) == (S_ISGID | S_IWGRP)
    }

    /// The group of `directory` when it is shared (group-writable and setgid), else nil: a secret
    /// file in that group may be 0640 (DESIGN §16), so cron's tick and the server both read it.
    public static func sharedGroup(directory: String) -> UInt32? {
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0,
              info.st_mode & (S_ISGID | S_IWGRP) == (S_ISGID | S_IWGRP) else { return nil }
        return info.st_gid
    }

    /// 0660 in a shared directory, else 0600, for a file at `path`.
    public static func mode(forFileAt path: String) -> mode_t {
        isShared(directory: (path as NSString).deletingLastPathComponent) ? 0o660 : 0o600
    }

    /// Opens (creating if needed) a file beside the database with the directory's mode.
    public static func open(_ path: String, flags: Int32) -> Int32 {
        let mode = mode(forFileAt: path)
        let descriptor = Glibc.open(path, flags | O_CREAT | O_CLOEXEC, mode)
        if descriptor >= 0 { settle(descriptor, mode: mode) }
        return descriptor
    }

    /// Gives an open file `mode` if this user owns it and it differs (another user's file is left alone).
    public static func settle(_ descriptor: Int32, mode: mode_t) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o777 != mode else { return }
        _ = fchmod(descriptor, mode)
    }

    /// Gives the files at `paths` that exist and that this user owns `mode`.
    public static func settle(paths: [String], mode: mode_t) {
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o777 != mode else { continue }
            _ = chmod(path, mode)
        }
    }
}
