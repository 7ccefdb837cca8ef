import Foundation
import RotaCore

/// How one delivery attempt went.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// Worth trying again later (a failing command, a timeout, a 5xx).
    case retry(String)
    /// Trying again would not help (e.g. a webhook answering 404).
    case permanent(String)
}

/// Delivers pages through a person's contacts. Runs outside any database transaction.
public struct Notifier: Sendable {
    public var commandTimeout: Duration
    /// How much of a command's output is kept for the error message.
    public var outputCap: Int

    public init(commandTimeout: Duration = .seconds(30), outputCap: Int = 4096) {
        self.commandTimeout = commandTimeout
        self.outputCap = outputCap
    }

    public func deliver(_ message: PageMessage, via contact: Contact, settings: Settings) async -> DeliveryResult {
        switch contact.channel {
        case .command(let argv):
            return await CommandContact(timeout: commandTimeout, outputCap: outputCap).run(argv, message: message)
        case .webhook, .email:
            return .permanent("\(contact.channel.kind) contacts are not delivered by this version of rota yet")
        }
    }
}
