import Foundation

/// stdout carries results; stderr carries diagnostics.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a document built as bytes, with a final newline, in one call.
    static func out(bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes) + Data([0x0a]))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
