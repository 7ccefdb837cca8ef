import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A secret from the environment or from a file that only its owner can read: never from a rota
/// file. Used for webhook signing secrets, the server's key and integration tokens.
public enum SecretSource {
    /// The variable's value when set, else the file's lines (blank ones skipped). A file that
    /// others can read (judged by its target: Kubernetes mounts secrets as symbolic links), or
    /// cannot be read, gives nothing and a warning that says why. With `sharedGroup` (the group
    /// of a shared state directory), a file of that group may also be read by it (0640).
    public static func lines(variable: String?, file: String?, environment: [String: String], directory: String,
                             what: String, sharedGroup: UInt32? = nil) -> (lines: [String], warning: String?) {
        if let variable, let value = environment[variable], !value.isEmpty { return ([value], nil) }
        guard let file else { return ([], nil) }
        let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        var info = stat()
        guard stat(path, &info) == 0, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ([], "\(what) \(path) cannot be read")
        }
        let mode = Int(info.st_mode & 0o7777)
        guard mode & (sharedGroup == info.st_gid ? 0o037 : 0o077) == 0 else {
            let shared = sharedGroup.map { " (or 640 in group \($0), the shared state directory's)" } ?? ""
            return ([], "\(what) \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it\(shared)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return (lines, nil)
    }
}
