import RotaNotify

/// Writing to a file descriptor for the doors (the CLI's stdout and stderr), with the loop the
/// notifier's files use: every byte, retried after signals.
public enum Descriptor {
    /// Writes every byte to `descriptor`; 0, or the errno that stopped it.
    public static func write(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
        writeAll(descriptor, bytes)
    }
}
