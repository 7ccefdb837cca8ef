/// One rota file: its name in the rotas directory and its text.
public struct RotaSource: Hashable, Sendable {
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}
