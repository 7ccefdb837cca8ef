import Foundation
import RotaCore
#if canImport(Glibc)
import Glibc
#endif

extension WebhookSecrets {
    /// The signing secrets: the variable settings name (default `ROTA_WEBHOOK_SECRET`) and its
    /// `_PREVIOUS` twin, else the lines of `settings.webhook_secret_file`, which must be 0600
    /// (its target's mode: Kubernetes mounts secrets as symbolic links). A problem leaves the
    /// webhooks unsigned and says why in `warning`.
    public static func load(settings: Settings, environment: [String: String], rotasDirectory: String) -> (secrets: WebhookSecrets, warning: String?) {
        let name = settings.webhookSecretEnv
        let current = environment[name].flatMap { $0.isEmpty ? nil : $0 }
        let previous = environment[name + "_PREVIOUS"].flatMap { $0.isEmpty ? nil : $0 }
        if current != nil || previous != nil { return (WebhookSecrets(current: current, previous: previous), nil) }
        guard let file = settings.webhookSecretFile else { return (WebhookSecrets(), nil) }
        let path = file.hasPrefix("/") ? file : (rotasDirectory as NSString).appendingPathComponent(file)
        var info = stat()
        guard stat(path, &info) == 0 else {
            return (WebhookSecrets(), "settings.webhook_secret_file \(path) cannot be read; webhooks go unsigned")
        }
        let mode = Int(info.st_mode & 0o7777)
        guard mode & 0o077 == 0 else {
            return (WebhookSecrets(), "settings.webhook_secret_file \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it. Webhooks go unsigned")
        }
        let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return (WebhookSecrets(current: lines.first, previous: lines.dropFirst().first), nil)
    }
}
