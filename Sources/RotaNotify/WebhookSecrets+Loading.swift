import Foundation
import RotaCore

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
        let file = SecretSource.lines(variable: nil, file: settings.webhookSecretFile, environment: environment, directory: rotasDirectory,
                                      what: "settings.webhook_secret_file")
        return (WebhookSecrets(current: file.lines.first, previous: file.lines.dropFirst().first),
                file.warning.map { "\($0); webhooks go unsigned" })
    }
}
