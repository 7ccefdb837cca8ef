/// How one delivery attempt went.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// Worth trying again later (a failing command, a timeout, a 5xx, an address not known here).
    case retry(String)
    /// Trying again would not help (a webhook answering 404 or a redirect, a contact gone from the files).
    case permanent(String)
}
