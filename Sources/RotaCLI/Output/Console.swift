import Foundation
import RotaCore
import RotaKit
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// stdout carries results; stderr carries diagnostics. Both are written with write(2), never
/// through a path that traps: a closed pipe (`rota shifts | head -1`) ends output quietly, a
/// full disk on stdout is exit 74 with a message, and a stderr that cannot be written is
/// ignored, so a tick's paging never depends on where its diagnostics go.
enum Console {
    private struct State {
        var stdoutClosed = false
        var stdoutError: String?
    }

    private static let state = Mutex(State())

    /// Human output: control characters escaped (line breaks kept), so no alert text can drive the terminal.
    static func out(_ text: String) {
        writeOut(Array((TerminalText.escaped(text, keepNewlines: true) + "\n").utf8))
    }

    /// A document built as bytes (JSON, CSV, iCalendar: already escaped), with a final newline.
    static func out(bytes: [UInt8]) {
        writeOut(bytes + [0x0a])
    }

    /// A document that carries its own line endings (iCalendar's CRLF), as it is.
    static func out(document: String) {
        writeOut(Array(document.utf8))
    }

    static func error(_ text: String) {
        _ = Descriptor.write(2, Array((TerminalText.escaped(text, keepNewlines: true) + "\n").utf8))
    }

    /// Why stdout could not be written (not a closed pipe), if it could not.
    static var outputFailure: String? { state.withLock { $0.stdoutError } }

    private static func writeOut(_ bytes: [UInt8]) {
        guard state.withLock({ !$0.stdoutClosed }) else { return }
        let error = Descriptor.write(1, bytes)
        guard error != 0 else { return }
        state.withLock { state in
            state.stdoutClosed = true
            if error != EPIPE { state.stdoutError = "cannot write the output: \(String(cString: strerror(error)))" }
        }
    }

}
