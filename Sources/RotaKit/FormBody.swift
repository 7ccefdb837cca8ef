import Foundation

/// An `application/x-www-form-urlencoded` body (`a=1&b=x+y`): what the board's buttons, Twilio's
/// webhooks and Slack's clicks send. Every pair decoded (`+` is a space), in order.
public enum FormBody {
    public static func pairs(_ form: String) -> [(String, String)] {
        form.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring?) -> String {
                (text.map(String.init) ?? "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decoded(parts.first), decoded(parts.count > 1 ? parts[1] : nil))
        }
    }

    /// The first value named `name`.
    public static func value(_ pairs: [(String, String)], _ name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    public static func value(_ form: String, _ name: String) -> String? {
        value(pairs(form), name)
    }
}
