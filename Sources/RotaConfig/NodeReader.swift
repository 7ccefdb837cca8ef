import RotaCore

/// Typed reads of YAML nodes; each failure is logged with its location and read as nil.
struct NodeReader {
    let log: DiagnosticLog

    /// The fields of a mapping, after checking its keys against `allowed` and `required`.
    func fields(_ node: YAMLNode, _ what: @autoclosure () -> String, allowed: [String], required: [String] = []) -> Fields? {
        guard case .mapping(let pairs, let location) = node else {
            log.error(node.location, "\(what()) must be a mapping of keys (\(allowed.joined(separator: ", "))), not \(node.kindName)")
            return nil
        }
        var values: [(key: String, value: YAMLNode)] = []
        values.reserveCapacity(pairs.count)
        for pair in pairs {
            if allowed.contains(pair.key) {
                values.append((pair.key, pair.value))
            } else {
                var message = "unknown key '\(Self.excerpt(pair.key))' in \(what())"
                if let suggestion = Self.closest(to: pair.key, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                log.error(pair.keyLocation, message)
            }
        }
        let fields = Fields(values: values, location: location)
        for key in required where fields[key] == nil {
            log.error(location, "\(what()) needs '\(key)'")
        }
        return fields
    }

    /// At most 40 characters of untrusted text for a message, control characters escaped: a
    /// rota file that is really something else (a link to a secret file) must not be echoed.
    static func excerpt(_ text: String) -> String {
        let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return TerminalText.escaped(short)
    }

    func text(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> String? {
        guard let node, !node.isNull else { return nil }
        guard case .scalar(let value, _, _) = node else {
            log.error(node.location, "\(what()) must be a single value, not \(node.kindName)")
            return nil
        }
        return value
    }

    func list(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> [YAMLNode]? {
        guard let node, !node.isNull else { return nil }
        guard case .sequence(let items, _) = node else {
            log.error(node.location, "\(what()) must be a list ([a, b] or lines starting with '- '), not \(node.kindName)")
            return nil
        }
        return items
    }

    /// A list of texts; a lone value is refused so that argv never comes from a split string.
    func texts(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> [String]? {
        guard let items = list(node, what()) else { return nil }
        var result: [String] = []
        for item in items {
            guard let value = text(item, "each item of \(what())") else { return nil }
            result.append(value)
        }
        return result
    }

    static let idPattern = "[a-z0-9][a-z0-9_-]*"

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.utf8.count <= 64 else { return false }
        func lowerOrDigit(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
        return lowerOrDigit(first) && text.unicodeScalars.allSatisfy { lowerOrDigit($0) || $0 == "_" || $0 == "-" }
    }

    func identifier(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> String? {
        guard let node, let value = text(node, what()) else { return nil }
        guard Self.isIdentifier(value) else {
            log.error(node.location, "\(what()) '\(value)' is not a valid id: use lower-case letters, digits, '-' and '_' (\(Self.idPattern)), at most 64 characters")
            return nil
        }
        return value
    }

    func zone(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> Zone? {
        guard let node, let value = text(node, what()) else { return nil }
        guard let zone = Zone(identifier: value) else {
            let hint = value.contains("/") ? "check the spelling" : "abbreviations such as CET or EST are ambiguous and ignore DST"
            log.error(node.location, "\(what()) '\(value)' is not an IANA time zone (\(hint)); write e.g. Europe/Paris, America/New_York or UTC")
            return nil
        }
        return zone
    }

    func duration(_ node: YAMLNode?, _ what: @autoclosure () -> String, units: [DurationUnit]) -> Int? {
        guard let node, let value = text(node, what()) else { return nil }
        guard let seconds = DurationText.seconds(value, units: units) else {
            let forms = units.map { "N\($0.rawValue)" }.joined(separator: " | ")
            log.error(node.location, "\(what()) '\(value)' is not a duration; write \(forms) with N a whole number above 0, e.g. 15\(units.first!.rawValue)")
            return nil
        }
        return seconds
    }

    func count(_ node: YAMLNode?, _ what: @autoclosure () -> String, range: ClosedRange<Int>) -> Int? {
        guard let node, let value = text(node, what()) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            log.error(node.location, "\(what()) '\(value)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    func timeOfDay(_ node: YAMLNode?, _ what: @autoclosure () -> String, allowEndOfDay: Bool) -> LocalTime? {
        guard let node, let value = text(node, what()) else { return nil }
        guard let time = TimeText.parseTimeOfDay(value, allowEndOfDay: allowEndOfDay) else {
            let range = allowEndOfDay ? "00:00 to 24:00" : "00:00 to 23:59"
            log.error(node.location, "\(what()) '\(value)' is not a time of day; write HH:MM from \(range), quoted (\"09:00\")")
            return nil
        }
        return time
    }

    func date(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> LocalDate? {
        guard let node, let value = text(node, what()) else { return nil }
        guard let date = TimeText.parseDate(value) else {
            log.error(node.location, "\(what()) '\(value)' is not a date; write YYYY-MM-DD, e.g. 2026-12-25")
            return nil
        }
        return date
    }

    /// A wall time with no offset (layer start and end are read in the schedule's zone).
    func wallTime(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> LocalDateTime? {
        guard let node, let value = text(node, what()) else { return nil }
        switch TimeText.parse(value) {
        case .wall(let wall)?: return wall
        case .instant?:
            log.error(node.location, "\(what()) '\(value)' has an offset; it is a wall time in the schedule's zone, so write it without one (e.g. 2026-01-05T09:00)")
        case nil:
            log.error(node.location, "\(what()) '\(value)' is not a date and time; write YYYY-MM-DDTHH:MM, e.g. 2026-01-05T09:00")
        }
        return nil
    }

    /// A time that may carry an offset; without one it is read later in the schedule's zone.
    func time(_ node: YAMLNode?, _ what: @autoclosure () -> String) -> TimeText.Parsed? {
        guard let node, let value = text(node, what()) else { return nil }
        guard let parsed = TimeText.parse(value) else {
            log.error(node.location, "\(what()) '\(value)' is not a time; write YYYY-MM-DDTHH:MM, optionally with an offset (Z, +02:00)")
            return nil
        }
        return parsed
    }

    /// The allowed key nearest to a typo, when it is near enough to be a typo.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(1, min(2, key.count / 3)) else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A mapping's known fields (a handful each, so a list searched in order).
struct Fields {
    let values: [(key: String, value: YAMLNode)]
    let location: SourceLocation

    /// The field's node; nil when absent or null.
    subscript(key: String) -> YAMLNode? {
        guard let node = values.first(where: { $0.key == key })?.value, !node.isNull else { return nil }
        return node
    }

    /// Where a field is written (its value's location), else where the mapping is: a message
    /// about a field always has a place to point at.
    func location(of key: String) -> SourceLocation {
        self[key]?.location ?? location
    }
}
