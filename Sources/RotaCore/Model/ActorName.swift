/// Who did something, as the log names them: `ann`, `ann (link)`, `ann (slack)`, `surge:storm`.
public enum ActorName {
    /// The person behind an actor text: the name before a door's ` (…)` suffix.
    public static func person(_ actor: String) -> String {
        actor.hasSuffix(")") ? actor.components(separatedBy: " (").first ?? actor : actor
    }
}
