import CYaml

/// Where something is in a rota file (1-based).
public struct SourceLocation: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// A YAML node as rota reads it: every scalar stays text until the reader gives it a meaning,
/// so `24:00` is never a sexagesimal number and `2026-01-05` never a timestamp.
indirect enum YAMLNode {
    case scalar(String, plain: Bool, SourceLocation)
    case sequence([YAMLNode], SourceLocation)
    case mapping([(key: String, keyLocation: SourceLocation, value: YAMLNode)], SourceLocation)

    var location: SourceLocation {
        switch self {
        case .scalar(_, _, let location), .sequence(_, let location), .mapping(_, let location): location
        }
    }

    /// A plain empty scalar, `~` or `null`.
    var isNull: Bool {
        guard case .scalar(let text, true, _) = self else { return false }
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    var kindName: String {
        switch self {
        case .scalar: "a value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

struct YAMLSyntaxError: Error {
    var location: SourceLocation
    var message: String
}

/// Builds `YAMLNode`s from libyaml's events. Anchors, aliases, tags, several documents,
/// duplicate keys and deep nesting are refused: a rota file has no use for them, and an
/// alias bomb ("billion laughs") must not cost gigabytes.
enum YAMLComposer {
    static let maxDepth = 64

    static func compose(_ bytes: [UInt8], file: String) throws(YAMLSyntaxError) -> YAMLNode? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLSyntaxError(location: SourceLocation(file: file, line: 1, column: 1), message: "could not start the YAML parser")
        }
        defer { yaml_parser_delete(parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLSyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var reader = EventReader(parser: parser, file: file)
            defer { reader.discardPending() }
            return try reader.document()
        }
    }

    private struct EventReader {
        let parser: UnsafeMutablePointer<yaml_parser_t>
        let file: String
        /// libyaml has no peek, so the reader keeps one event of look-ahead.
        private var pending: yaml_event_t?

        init(parser: UnsafeMutablePointer<yaml_parser_t>, file: String) {
            self.parser = parser
            self.file = file
        }

        mutating func discardPending() {
            if var event = pending { yaml_event_delete(&event) }
            pending = nil
        }

        mutating func document() throws(YAMLSyntaxError) -> YAMLNode? {
            var event = try next()           // STREAM-START
            yaml_event_delete(&event)
            event = try next()
            if event.type == YAML_STREAM_END_EVENT { yaml_event_delete(&event); return nil }
            yaml_event_delete(&event)        // DOCUMENT-START
            let root = try node(depth: 0)
            event = try next()               // DOCUMENT-END
            yaml_event_delete(&event)
            event = try next()
            defer { yaml_event_delete(&event) }
            if event.type != YAML_STREAM_END_EVENT {
                throw YAMLSyntaxError(location: location(event.start_mark),
                                      message: "a rota file holds one YAML document; remove the second '---' and what follows, or move it to its own file")
            }
            return root
        }

        private mutating func next() throws(YAMLSyntaxError) -> yaml_event_t {
            if let event = pending {
                pending = nil
                return event
            }
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else {
                let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
                var message = "YAML syntax: \(problem)"
                if let context = parser.pointee.context.map({ String(cString: $0) }) { message += " (\(context))" }
                throw YAMLSyntaxError(location: location(parser.pointee.problem_mark), message: message)
            }
            return event
        }

        private func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        private func refuse(anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
                            at where_: SourceLocation) throws(YAMLSyntaxError) {
            if let anchor {
                throw YAMLSyntaxError(location: where_, message: "YAML anchors ('&\(String(cString: anchor))') and aliases are not allowed in rota files; write the value out")
            }
            if let tag {
                throw YAMLSyntaxError(location: where_, message: "YAML tags ('\(String(cString: tag))') are not allowed in rota files; remove the tag")
            }
        }

        private mutating func node(depth: Int) throws(YAMLSyntaxError) -> YAMLNode {
            var event = try next()
            defer { yaml_event_delete(&event) }
            let here = location(event.start_mark)
            guard depth < YAMLComposer.maxDepth else {
                throw YAMLSyntaxError(location: here, message: "nested more than \(YAMLComposer.maxDepth) levels deep; a rota file never needs this")
            }
            switch event.type {
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                throw YAMLSyntaxError(location: here, message: "YAML aliases ('*\(name)') and anchors are not allowed in rota files; write the value out")
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                try refuse(anchor: scalar.anchor, tag: scalar.tag, at: here)
                let bytes = UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length))
                let text = String(decoding: bytes, as: UTF8.self)
                return .scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, here)
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                try refuse(anchor: start.anchor, tag: start.tag, at: here)
                var items: [YAMLNode] = []
                while true {
                    if try peekEnd(YAML_SEQUENCE_END_EVENT) { break }
                    items.append(try node(depth: depth + 1))
                }
                return .sequence(items, here)
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                try refuse(anchor: start.anchor, tag: start.tag, at: here)
                var pairs: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []
                while true {
                    if try peekEnd(YAML_MAPPING_END_EVENT) { break }
                    let key = try node(depth: depth + 1)
                    guard case .scalar(let name, _, let keyLocation) = key else {
                        throw YAMLSyntaxError(location: key.location, message: "a key must be a plain name, not \(key.kindName)")
                    }
                    // Mappings in rota files are small: a linear scan beats hashing every key.
                    if let first = pairs.first(where: { $0.key == name }) {
                        throw YAMLSyntaxError(location: keyLocation, message: "key '\(name)' appears twice in this mapping (first at line \(first.keyLocation.line)); keep one")
                    }
                    let value = try node(depth: depth + 1)
                    pairs.append((name, keyLocation, value))
                }
                return .mapping(pairs, here)
            default:
                throw YAMLSyntaxError(location: here, message: "unexpected YAML structure")
            }
        }

        /// Consumes the next event when it is `type` and answers whether it was.
        private mutating func peekEnd(_ type: yaml_event_type_t) throws(YAMLSyntaxError) -> Bool {
            var event = try next()
            if event.type == type {
                yaml_event_delete(&event)
                return true
            }
            pending = event
            return false
        }
    }
}
