/// Text from outside (summaries, details, reasons, names, a pager's output) made safe for a
/// terminal: escape sequences (ESC, CSI, OSC), carriage returns, backspaces, other C0 and C1
/// controls, DEL and bidirectional overrides are shown as `\u{…}` escapes, so no alert can
/// move the cursor, rewrite a line, set a window title or reorder what a person reads.
public enum TerminalText {
    /// `keepNewlines`: line feeds and tabs stay as they are (multi-line details); else they are escaped too.
    public static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0, keepNewlines: keepNewlines) }) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar, keepNewlines: keepNewlines) {
                switch scalar {
                case "\n": result += "\\n"
                case "\r": result += "\\r"
                case "\t": result += "\\t"
                default: result += "\\u{\(String(scalar.value, radix: 16))}"
                }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isUnsafe(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepNewlines
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidirectional embeddings, overrides, isolates and marks.
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
