import Foundation
import RotaCore

/// Turns the composed rota files into one `Rota`, logging every problem with its location.
/// One function per noun reads one entry and returns it (`Entry`: its id, where, and its value when
/// it had no error); `decode` composes them: settings first (they give the default zone and say
/// which channels exist), then each noun, then ids made unique and every reference checked.
/// Nothing is kept between calls but the problems (`log`) and the names referred to (`names`).
struct RotaDecoder {
    private let log: DiagnosticLog
    private let read: NodeReader
    private let names: NameBook
    /// The rotas directory, for runbook paths; nil for stored revisions.
    private let directory: String?
    /// The settings the nouns are read under (the defaults while the settings themselves are read).
    private let settings: Settings

    enum Kind: String { case person, schedule, escalation, service, integration, heartbeat, surge, drill }

    /// One entry of a noun as read: its id and where it is written (every entry with an id counts
    /// as defined, so one broken entry does not also break every reference to it), and its value
    /// when it had no error.
    struct Entry<Value> {
        var kind: Kind
        var id: String
        var location: SourceLocation
        var value: Value?
    }

    static let topLevelKeys = ["settings", "holidays", "people", "schedules", "escalations", "services", "integrations", "heartbeats", "surges", "drills"]

    private init(log: DiagnosticLog, names: NameBook, directory: String?, settings: Settings) {
        self.log = log
        self.read = NodeReader(log: log)
        self.names = names
        self.directory = directory
        self.settings = settings
    }

    /// Reads files in name order: settings first (they give the default zone), then the rest.
    static func decode(_ files: [(name: String, root: YAMLNode?)], log: DiagnosticLog, directory: String?) -> Rota {
        let names = NameBook()
        let first = RotaDecoder(log: log, names: names, directory: directory, settings: Settings())
        var tops: [Fields] = []
        var settings = Settings()
        var seen: [String: SourceLocation] = [:]
        for file in files {
            guard let root = file.root, !root.isNull else { continue }
            guard let top = first.read.fields(root, "a rota file", allowed: Self.topLevelKeys) else { continue }
            tops.append(top)
            if let node = top["settings"] { first.decodeSettings(node, into: &settings, seen: &seen) }
        }
        let nouns = RotaDecoder(log: log, names: names, directory: directory, settings: settings)
        func each<Value>(_ key: String, _ decode: (YAMLNode) -> Entry<Value>?) -> [Entry<Value>] {
            tops.flatMap { top in (nouns.read.list(top[key], key) ?? []).compactMap(decode) }
        }
        let holidays = tops.flatMap { top in (nouns.read.list(top["holidays"], "holidays") ?? []).compactMap { nouns.read.date($0, "holiday") } }
        let people = each("people", nouns.decodePerson)
        let schedules = each("schedules", nouns.decodeSchedule)
        let escalations = each("escalations", nouns.decodeEscalation)
        let services = each("services", nouns.decodeService)
        let integrations = each("integrations", nouns.decodeIntegration)
        let heartbeats = each("heartbeats", nouns.decodeHeartbeat)
        let surges = each("surges", nouns.decodeSurge)
        let drills = each("drills", nouns.decodeDrill)
        var defined: [Kind: [String: SourceLocation]] = [:]
        func unique<Value>(_ entries: [Entry<Value>]) -> [Value] {
            entries.compactMap { entry in
                if let first = defined[entry.kind]?[entry.id] {
                    log.error(entry.location, "\(entry.kind.rawValue) id '\(entry.id)' is already defined at \(first.file):\(first.line); ids must be unique across all rota files")
                    return nil
                }
                defined[entry.kind, default: [:]][entry.id] = entry.location
                return entry.value
            }
        }
        var rota = Rota(settings: settings, holidays: holidays.sorted(), people: unique(people), schedules: unique(schedules),
                        escalations: unique(escalations), services: unique(services), integrations: unique(integrations),
                        heartbeats: unique(heartbeats), surges: unique(surges))
        rota.drills = unique(drills)
        names.check(defined: defined, log: log)
        return rota
    }

    // MARK: settings

    private func decodeSettings(_ node: YAMLNode, into settings: inout Settings, seen settingsSeen: inout [String: SourceLocation]) {
        let keys = ["timezone", "email_from", "sendmail", "webhook_secret_env", "webhook_secret_file", "daytime", "command_timeout",
                    "webhook_timeout", "shift_notices", "server", "admins", "executives", "gateways"]
        guard let fields = read.fields(node, "settings", allowed: keys) else { return }
        for (key, node) in keys.compactMap({ key in fields[key].map { (key, $0) } }) {
            let location = node.location
            if let first = settingsSeen[key] {
                log.error(location, "settings.\(key) is already set at \(first.file):\(first.line); set it once")
                continue
            }
            settingsSeen[key] = location
            switch key {
            case "timezone":
                if let zone = read.zone(fields[key], "settings.timezone") { settings.zone = zone }
            case "email_from":
                if let from = read.text(fields[key], "settings.email_from") {
                    if from.contains("\r") || from.contains("\n") {
                        log.error(location, "settings.email_from must be one line")
                    } else {
                        settings.emailFrom = from
                    }
                }
            case "sendmail":
                if let argv = read.texts(fields[key], "settings.sendmail") {
                    if argv.isEmpty || argv[0].isEmpty {
                        log.error(location, "settings.sendmail must name a program, e.g. [\"/usr/sbin/sendmail\", \"-oi\", \"--\"]")
                    } else {
                        settings.sendmail = argv
                    }
                }
            case "webhook_secret_env":
                if let name = variableName(fields[key], "settings.webhook_secret_env") { settings.webhookSecretEnv = name }
            case "server":
                decodeServer(node, into: &settings)
            case "gateways":
                decodeGateways(node, into: &settings)
            case "command_timeout":
                if let seconds = boundedDuration(fields[key], "settings.command_timeout", at: location, max: 600,
                                                 why: "at most 10m: a pager that hangs must not hold up the runner") {
                    settings.commandTimeout = seconds
                }
            case "shift_notices":
                guard let notices = read.fields(node, "settings.shift_notices", allowed: ["before", "changes"]) else { break }
                settings.noticeBefore = read.duration(notices["before"], "settings.shift_notices.before", units: [.minutes, .hours])
                if let node = notices["changes"], let flag = read.text(node, "settings.shift_notices.changes") {
                    switch flag {
                    case "true", "yes", "on": settings.noticeChanges = true
                    case "false", "no", "off": settings.noticeChanges = false
                    default: log.error(node.location, "settings.shift_notices.changes must be true or false")
                    }
                }
            case "webhook_timeout":
                if let seconds = boundedDuration(fields[key], "settings.webhook_timeout", at: location, max: 120, why: "at most 2m") {
                    settings.webhookTimeout = seconds
                }
            case "admins":
                settings.admins = (read.list(fields[key], "settings.admins") ?? []).compactMap { target($0, "settings.admins target") }
            case "executives":
                settings.executives = (read.list(fields[key], "settings.executives") ?? []).compactMap { target($0, "settings.executives target") }
            case "webhook_secret_file":
                settings.webhookSecretFile = read.text(fields[key], "settings.webhook_secret_file")
            case "daytime":
                if let daytime = read.fields(node, "settings.daytime", allowed: ["from", "to"], required: ["from", "to"]),
                   let from = read.timeOfDay(daytime["from"], "settings.daytime.from", allowEndOfDay: false),
                   let to = read.timeOfDay(daytime["to"], "settings.daytime.to", allowEndOfDay: true) {
                    settings.daytimeFrom = from
                    settings.daytimeTo = to
                }
            default:
                break
            }
        }
    }

    /// `person:ID` or `schedule:ID`, its id checked once everything is read.
    private func target(_ node: YAMLNode, _ what: String) -> Target? {
        guard let text = read.text(node, what) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["person", "schedule"].contains(parts[0]), NodeReader.isIdentifier(parts[1]) else {
            log.error(node.location, "\(what) '\(text)' must be person:ID or schedule:ID")
            return nil
        }
        if parts[0] == "person" {
            reference(.person, parts[1], at: node.location, what)
            return .person(parts[1])
        }
        reference(.schedule, parts[1], at: node.location, what)
        return .schedule(parts[1])
    }

    // MARK: people

    private func decodePerson(_ node: YAMLNode) -> Entry<Person>? {
        guard let fields = read.fields(node, "a person", allowed: ["id", "name", "login", "timezone", "contacts"], required: ["id"]) else { return nil }
        let id = read.identifier(fields["id"], "person id")
        let name = read.text(fields["name"], "person name")
        let login = read.text(fields["login"], "login")
        let zone = read.zone(fields["timezone"], "person timezone")
        var contacts: [Contact] = []
        for item in read.list(fields["contacts"], "contacts") ?? [] {
            if let contact = decodeContact(item) { contacts.append(contact) }
        }
        return entry(.person, id, at: fields) { id in Person(id: id, name: name ?? id, login: login, timezone: zone, contacts: contacts) }
    }

    private func decodeContact(_ node: YAMLNode) -> Contact? {
        let channels = ["command", "webhook", "email", "ntfy", "mattermost", "slack", "sms", "voice"]
        guard let fields = read.fields(node, "a contact", allowed: channels + ["after"]) else { return nil }
        let given = channels.filter { fields[$0] != nil }
        guard given.count == 1, let kind = given.first, let value = fields[kind] else {
            log.error(fields.location, "a contact needs exactly one of command, webhook, email, ntfy, mattermost, slack, sms or voice (found \(given.isEmpty ? "none" : given.joined(separator: ", ")))")
            return nil
        }
        let after = fields["after"] == nil ? 0 : read.duration(fields["after"], "contact 'after'", units: [.minutes, .hours])
        guard let after else { return nil }
        switch kind {
        case "command":
            if case .scalar = value {
                log.error(value.location, "command must be a list of arguments (argv), e.g. [\"/usr/local/bin/page\", \"--to\", \"camille\"]; rota never runs a shell")
                return nil
            }
            guard let argv = read.texts(value, "command") else { return nil }
            if argv.contains(where: { $0.contains("\u{0}") }) {
                log.error(value.location, "command holds a NUL character, which no program argument can carry")
                return nil
            }
            guard let program = argv.first, !program.isEmpty else {
                log.error(value.location, "command needs at least the program to run")
                return nil
            }
            return Contact(channel: .command(argv), afterSeconds: after)
        case "webhook":
            guard let url = read.text(value, "webhook") else { return nil }
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  parsed.host?.isEmpty == false else {
                log.error(value.location, "webhook must be an http:// or https:// URL")
                return nil
            }
            return Contact(channel: .webhook(url), afterSeconds: after)
        case "ntfy":
            guard let url = read.text(value, "ntfy") else { return nil }
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  parsed.host?.isEmpty == false, parsed.query == nil, parsed.fragment == nil,
                  let topic = url.split(separator: "/", omittingEmptySubsequences: false).last,
                  url.split(separator: "/").count == 3, !topic.isEmpty,
                  topic.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }), topic.count <= 64 else {
                log.error(value.location, "ntfy must be a topic URL like https://ntfy.example.com/oncall-camille (a topic of letters, digits, - and _)")
                return nil
            }
            guard answersThroughServer("an ntfy contact", at: value.location) else { return nil }
            return Contact(channel: .ntfy(url), afterSeconds: after)
        case "mattermost":
            guard let url = read.text(value, "mattermost") else { return nil }
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  parsed.host?.isEmpty == false, parsed.path.count > 1 else {
                log.error(value.location, "mattermost must be an incoming webhook URL like https://chat.example.com/hooks/xxx")
                return nil
            }
            guard answersThroughServer("a mattermost contact", at: value.location) else { return nil }
            return Contact(channel: .mattermost(url), afterSeconds: after)
        case "slack":
            guard let target = read.text(value, "slack") else { return nil }
            let name = target.hasPrefix("#") ? target.dropFirst() : Substring(target)
            guard !name.isEmpty, name.count <= 80,
                  name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isUppercase || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }),
                  target.hasPrefix("#") || name.allSatisfy({ $0.isUppercase || $0.isNumber }) else {
                log.error(value.location, "slack must be a channel (#comms-oncall), a channel id (C0123ABCD) or a member id (U0123ABCD)")
                return nil
            }
            guard settings.slack != nil else {
                log.error(value.location, "a slack contact needs settings.gateways.slack (the app's bot token and signing secret)")
                return nil
            }
            guard answersThroughServer("a slack contact", at: value.location) else { return nil }
            return Contact(channel: .slack(target), afterSeconds: after)
        case "sms", "voice":
            guard let number = read.text(value, kind) else { return nil }
            guard TwilioGateway.isPhoneNumber(number) else {
                log.error(value.location, "\(kind) must be a number in international form, like \"+33600000001\"")
                return nil
            }
            guard settings.twilio != nil else {
                log.error(value.location, "\(kind == "sms" ? "an" : "a") \(kind) contact needs settings.gateways.twilio (the account, its token and rota's number)")
                return nil
            }
            guard answersThroughServer("\(kind == "sms" ? "an" : "a") \(kind) contact", at: value.location) else { return nil }
            return Contact(channel: kind == "sms" ? .sms(number) : .voice(number), afterSeconds: after)
        default:
            guard let address = read.text(value, "email") else { return nil }
            if let problem = Self.emailProblem(address) {
                log.error(value.location, "email '\(address.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r"))' \(problem)")
                return nil
            }
            return Contact(channel: .email(address), afterSeconds: after)
        }
    }

    /// A contact whose buttons answer through `rota serve` needs its public URL (DESIGN §16).
    private func answersThroughServer(_ what: String, at location: SourceLocation) -> Bool {
        guard settings.server.publicURL == nil else { return true }
        log.error(location, "\(what) needs settings.server.public_url: its buttons answer through rota serve")
        return false
    }

    /// Addresses end up as an argument to sendmail: nothing that could pass for an option or a header.
    static func emailProblem(_ address: String) -> String? {
        if address.hasPrefix("-") { return "must not start with '-'" }
        if address.contains(where: { $0 == "\r" || $0 == "\n" }) { return "must not contain line breaks" }
        if address.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 || $0 == 127 } ?? false }) {
            return "must not contain spaces or control characters"
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty || !parts[1].contains(".") || address.contains(where: { "<>,;\"".contains($0) }) {
            return "is not an email address like name@example.com"
        }
        return nil
    }

    // MARK: schedules

    private func decodeSchedule(_ node: YAMLNode) -> Entry<Schedule>? {
        guard let fields = read.fields(node, "a schedule", allowed: ["id", "name", "timezone", "layers", "overrides", "holidays", "expect_gaps"], required: ["id", "layers"]) else { return nil }
        var expectGaps = false
        if let node = fields["expect_gaps"], let flag = read.text(node, "expect_gaps") {
            switch flag {
            case "true": expectGaps = true
            case "false": expectGaps = false
            default: log.error(node.location, "expect_gaps must be true or false (true: the schedule covers business hours only, and check lists its gaps as information)")
            }
        }
        let holidays = (read.list(fields["holidays"], "holidays") ?? []).compactMap { read.date($0, "holiday") }
        let id = read.identifier(fields["id"], "schedule id")
        let name = read.text(fields["name"], "schedule name")
        let zone = fields["timezone"] == nil ? settings.zone : read.zone(fields["timezone"], "schedule timezone")
        var layers: [Layer] = []
        let layerNodes = read.list(fields["layers"], "layers") ?? []
        if case .sequence(let items, let location)? = fields["layers"], items.isEmpty {
            log.error(location, "a schedule needs at least one layer")
        }
        for (index, item) in layerNodes.enumerated() {
            if let layer = decodeLayer(item, index: index) { layers.append(layer) }
        }
        var names: [String: SourceLocation] = [:]
        for (layer, item) in zip(layers, layerNodes) {
            if let first = names[layer.name] {
                log.error(item.location, "layer name '\(layer.name)' is used twice in this schedule (first at line \(first.line)); give each layer its own name")
            }
            names[layer.name] = item.location
        }
        var drafts: [(person: String, from: TimeText.Parsed, to: TimeText.Parsed, location: SourceLocation)] = []
        for item in read.list(fields["overrides"], "overrides") ?? [] {
            guard let override = read.fields(item, "an override", allowed: ["person", "from", "to", "reason"], required: ["person", "from", "to"]),
                  let person = read.identifier(override["person"], "override person") else { continue }
            reference(.person, person, at: override.location(of: "person"), "override person")
            _ = read.text(override["reason"], "override reason")
            guard let from = read.time(override["from"], "override from"), let to = read.time(override["to"], "override to") else { continue }
            drafts.append((person, from, to, override.location))
        }
        return entry(.schedule, id, at: fields) { id in
            guard let zone else { return nil }
            var schedule = Schedule(id: id, name: name ?? id, zone: zone, layers: layers, holidays: holidays.sorted())
            schedule.expectGaps = expectGaps
            schedule.overrides = overrides(drafts, in: zone)
            return schedule
        }
    }

    private func decodeLayer(_ node: YAMLNode, index: Int) -> Layer? {
        guard let fields = read.fields(node, "a layer", allowed: ["name", "members", "start", "shift", "end", "restrict"],
                                       required: ["members", "start", "shift"]) else { return nil }
        let name = read.text(fields["name"], "layer name") ?? "layer \(index + 1)"
        var members: [String] = []
        if let items = read.list(fields["members"], "members") {
            if items.isEmpty { log.error(fields.location(of: "members"), "members is empty; list at least one person id") }
            for item in items {
                guard let member = read.identifier(item, "member") else { continue }
                reference(.person, member, at: item.location, "member")
                members.append(member)
            }
        }
        let start = read.wallTime(fields["start"], "layer start")
        let end = read.wallTime(fields["end"], "layer end")
        var shift: ShiftLength?
        if let node = fields["shift"], let text = read.text(node, "shift") {
            shift = ShiftLength(text)
            if shift == nil { log.error(node.location, "shift '\(text)' is not a shift length; write Nh, Nd or Nw, e.g. 12h, 1d, 1w") }
        }
        if let start, let end, end <= start {
            log.error(fields.location(of: "end"), "layer end \(end) is not after its start \(start)")
        }
        var restrictions: [Restriction] = []
        if let items = read.list(fields["restrict"], "restrict") {
            if items.isEmpty { log.error(fields.location(of: "restrict"), "restrict is empty; remove it to cover all hours, or list windows") }
            for item in items {
                if let restriction = decodeRestriction(item) { restrictions.append(restriction) }
            }
        }
        guard let start, let shift, !members.isEmpty else { return nil }
        return Layer(name: name, members: members, start: start, shift: shift, end: end, restrictions: restrictions)
    }

    private func decodeRestriction(_ node: YAMLNode) -> Restriction? {
        guard let fields = read.fields(node, "a restriction", allowed: ["days", "from", "to"], required: ["days", "from", "to"]) else { return nil }
        let days = decodeDays(fields["days"])
        let from = read.timeOfDay(fields["from"], "restriction from", allowEndOfDay: false)
        let to = read.timeOfDay(fields["to"], "restriction to", allowEndOfDay: true)
        guard let days, let from, let to else { return nil }
        return Restriction(days: days, from: from, to: to)
    }

    /// `daily`, `mon`, `mon-fri`, `fri-mon` (wraps), or a list of these.
    private func decodeDays(_ node: YAMLNode?) -> Set<Weekday>? {
        guard let node else { return nil }
        let items: [YAMLNode]
        if case .sequence(let list, _) = node { items = list } else { items = [node] }
        var days = Set<Weekday>()
        for item in items {
            guard let text = read.text(item, "days") else { return nil }
            let word = text.trimmingCharacters(in: .whitespaces).lowercased()
            if word == "daily" {
                days.formUnion(Weekday.allCases)
                continue
            }
            let ends = word.split(separator: "-", omittingEmptySubsequences: false).map { Weekday(name: String($0)) }
            if ends.count == 1, let day = ends[0] {
                days.insert(day)
            } else if ends.count == 2, let first = ends[0], let last = ends[1] {
                var day = first
                while true {
                    days.insert(day)
                    if day == last { break }
                    day = day.next
                }
            } else {
                log.error(item.location, "days '\(text)' is not understood; write daily, a day (mon … sun), a range (mon-fri, fri-mon) or a list ([sat, sun])")
                return nil
            }
        }
        if items.isEmpty {
            log.error(node.location, "days is empty")
            return nil
        }
        return days
    }

    /// A schedule's overrides, their wall times read in its zone.
    private func overrides(_ drafts: [(person: String, from: TimeText.Parsed, to: TimeText.Parsed, location: SourceLocation)], in zone: Zone) -> [Override] {
        drafts.compactMap { draft in
            let start = draft.from.instant(in: zone), end = draft.to.instant(in: zone)
            guard start < end else {
                log.error(draft.location, "override 'to' (\(TimeText.utc(end))) is not after 'from' (\(TimeText.utc(start)))")
                return nil
            }
            return Override(person: draft.person, start: start, end: end)
        }
    }

    // MARK: escalations and services

    private func decodeEscalation(_ node: YAMLNode) -> Entry<EscalationPolicy>? {
        guard let fields = read.fields(node, "an escalation", allowed: ["id", "name", "repeat", "levels", "roles", "stakeholders", "updates_every"],
                                       required: ["id", "levels"]) else { return nil }
        let id = read.identifier(fields["id"], "escalation id")
        let name = read.text(fields["name"], "escalation name")
        let repeatCount = fields["repeat"] == nil ? 0 : read.count(fields["repeat"], "repeat", range: 0...100)
        var levels: [EscalationPolicy.Level] = []
        let items = read.list(fields["levels"], "levels") ?? []
        if items.isEmpty, case .sequence? = fields["levels"] {
            log.error(fields.location(of: "levels"), "an escalation needs at least one level")
        }
        for (index, item) in items.enumerated() {
            guard let level = read.fields(item, "a level", allowed: ["notify", "escalate_after"], required: ["notify"]) else { continue }
            var targets: [Target] = []
            let notify = read.list(level["notify"], "notify") ?? []
            if level["notify"] != nil, notify.isEmpty { log.error(level.location(of: "notify"), "notify is empty; name at least one person:ID or schedule:ID") }
            for target in notify {
                if let parsed = self.target(target, "notify target") { targets.append(parsed) }
            }
            let wait = read.duration(level["escalate_after"], "escalate_after", units: [.minutes, .hours])
            let isLast = index == items.count - 1
            if level["escalate_after"] == nil {
                if !isLast {
                    log.error(level.location, "level \(index + 1) needs 'escalate_after' (e.g. 15m): how long before level \(index + 2) is paged")
                } else if let repeatCount, repeatCount > 0 {
                    log.error(level.location, "the last level needs 'escalate_after' because repeat is \(repeatCount): how long before the next round starts")
                }
            }
            levels.append(EscalationPolicy.Level(targets: targets, escalateAfter: wait))
        }
        var roles = CrisisRoles()
        if let node = fields["roles"], let given = read.fields(node, "an escalation's roles", allowed: CrisisRole.allCases.map(\.rawValue)) {
            for role in CrisisRole.allCases {
                if let target = given[role.rawValue] { roles[role] = self.target(target, "roles.\(role.rawValue)") }
            }
        }
        var stakeholders: [Target] = []
        for item in read.list(fields["stakeholders"], "stakeholders") ?? [] {
            guard let target = target(item, "stakeholder") else { continue }
            if stakeholders.contains(target) { log.error(item.location, "stakeholders names '\(target)' twice") } else { stakeholders.append(target) }
        }
        let updatesEvery = read.duration(fields["updates_every"], "updates_every", units: [.minutes, .hours])
        return entry(.escalation, id, at: fields) { id in
            repeatCount.map { EscalationPolicy(id: id, name: name ?? id, repeatCount: $0, levels: levels, roles: roles, stakeholders: stakeholders, updatesEvery: updatesEvery) }
        }
    }

    private func decodeService(_ node: YAMLNode) -> Entry<Service>? {
        guard let fields = read.fields(node, "a service", allowed: ["id", "name", "escalation", "ack_timeout", "runbook", "low_severity", "group"],
                                       required: ["id", "escalation"]) else { return nil }
        let id = read.identifier(fields["id"], "service id")
        let name = read.text(fields["name"], "service name")
        let escalation = read.identifier(fields["escalation"], "service escalation")
        if let escalation { reference(.escalation, escalation, at: fields.location(of: "escalation"), "service escalation") }
        let ackTimeout = read.duration(fields["ack_timeout"], "ack_timeout", units: [.minutes, .hours])
        var runbook = read.text(fields["runbook"], "runbook")
        if let link = runbook, let problem = runbookProblem(link) {
            log.error(fields.location(of: "runbook"), "runbook '\(link)' \(problem)")
            runbook = nil
        }
        return entry(.service, id, at: fields) { id in
            guard let escalation else { return nil }
            var lowSeverityDaytime = false
            if let node = fields["low_severity"], let value = read.text(node, "low_severity") {
                if value == "daytime" { lowSeverityDaytime = true } else { log.error(node.location, "low_severity must be 'daytime' (low alerts then wait for settings.daytime)") }
            }
            let group = fields["group"].flatMap(decodeGrouping)
            return Service(id: id, name: name ?? id, escalation: escalation, ackTimeout: ackTimeout, runbook: runbook,
                           lowSeverityDaytime: lowSeverityDaytime, group: group)
        }
    }

    /// A service's `group: {within, by}`.
    private func decodeGrouping(_ node: YAMLNode) -> Grouping? {
        guard let fields = read.fields(node, "a service's group", allowed: ["within", "by"], required: ["within"]) else { return nil }
        let within = read.duration(fields["within"], "group within", units: [.minutes, .hours])
        var by: [String] = []
        for item in read.list(fields["by"], "group by") ?? [] {
            guard let name = read.text(item, "group by") else { continue }
            if name.isEmpty || name.count > 100 || name.contains(where: { $0.isWhitespace || $0.isNewline }) {
                log.error(item.location, "group by '\(NodeReader.excerpt(name))' must name a field or label (no spaces, at most 100 characters)")
            } else if by.contains(name) {
                log.error(item.location, "group by names '\(name)' twice")
            } else {
                by.append(name)
            }
        }
        guard let within else { return nil }
        return Grouping(within: within, by: by)
    }

    /// An environment variable's name: letters, digits and `_`.
    private func variableName(_ node: YAMLNode?, _ what: String) -> String? {
        guard let node, let name = read.text(node, what) else { return nil }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            log.error(node.location, "\(what) '\(NodeReader.excerpt(name))' is not an environment variable name (letters, digits, _)")
            return nil
        }
        return name
    }

    /// An http(s) URL without query or fragment that others are appended to (a public URL, an API's
    /// base), its final `/` dropped; nil, with an error saying what it should be, otherwise.
    private func baseURL(_ node: YAMLNode?, _ what: String, example: String) -> String? {
        guard let node, let url = read.text(node, what) else { return nil }
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host?.isEmpty == false,
              components.query == nil, components.fragment == nil else {
            log.error(node.location, "\(what) must be an http:// or https:// URL without query, e.g. \(example)")
            return nil
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// `settings.gateways` (DESIGN §13): Slack and a Twilio-compatible API.
    private func decodeGateways(_ node: YAMLNode, into settings: inout Settings) {
        guard let fields = read.fields(node, "settings.gateways", allowed: ["slack", "twilio"]) else { return }
        if let node = fields["twilio"] { decodeTwilio(node, into: &settings) }
        guard let node = fields["slack"],
              let slack = read.fields(node, "settings.gateways.slack", allowed: ["bot_token_env", "signing_secret_env", "api_base"]) else { return }
        var gateway = SlackGateway()
        if let name = variableName(slack["bot_token_env"], "settings.gateways.slack.bot_token_env") { gateway.botTokenEnv = name }
        if let name = variableName(slack["signing_secret_env"], "settings.gateways.slack.signing_secret_env") { gateway.signingSecretEnv = name }
        if let base = baseURL(slack["api_base"], "settings.gateways.slack.api_base", example: "https://slack.com") { gateway.apiBase = base }
        settings.slack = gateway
    }

    private func decodeTwilio(_ node: YAMLNode, into settings: inout Settings) {
        guard let twilio = read.fields(node, "settings.gateways.twilio", allowed: ["account_sid_env", "auth_token_env", "from", "api_base"]) else { return }
        guard let fromNode = twilio["from"], let from = read.text(fromNode, "settings.gateways.twilio.from") else {
            log.error(twilio.location, "settings.gateways.twilio needs from: rota's own number, like \"+33100000000\"")
            return
        }
        guard TwilioGateway.isPhoneNumber(from) else {
            log.error(fromNode.location, "settings.gateways.twilio.from must be a number in international form, like \"+33100000000\"")
            return
        }
        var gateway = TwilioGateway(from: from)
        if let name = variableName(twilio["account_sid_env"], "settings.gateways.twilio.account_sid_env") { gateway.accountSIDEnv = name }
        if let name = variableName(twilio["auth_token_env"], "settings.gateways.twilio.auth_token_env") { gateway.authTokenEnv = name }
        if let base = baseURL(twilio["api_base"], "settings.gateways.twilio.api_base", example: "https://api.twilio.com") { gateway.apiBase = base }
        settings.twilio = gateway
    }

    private func decodeServer(_ node: YAMLNode, into settings: inout Settings) {
        guard let fields = read.fields(node, "settings.server", allowed: ["public_url", "listen", "secret_env", "secret_file", "tick_every", "board"]) else { return }
        var server = ServerSettings()
        server.publicURL = baseURL(fields["public_url"], "settings.server.public_url", example: "https://oncall.example.com")
        if let node = fields["listen"], let listen = read.text(node, "settings.server.listen") {
            if ServerSettings.hostAndPort(listen) != nil {
                server.listen = listen
            } else {
                log.error(node.location, "settings.server.listen '\(NodeReader.excerpt(listen))' must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080")
            }
        }
        if let name = variableName(fields["secret_env"], "settings.server.secret_env") { server.secretEnv = name }
        server.secretFile = read.text(fields["secret_file"], "settings.server.secret_file")
        if let node = fields["tick_every"], let text = read.text(node, "settings.server.tick_every") {
            if text == "0" {
                server.tickEvery = 0
            } else if let seconds = read.duration(node, "settings.server.tick_every", units: [.seconds, .minutes]) {
                server.tickEvery = seconds
            }
        }
        if let node = fields["board"], let board = read.text(node, "settings.server.board") {
            switch board {
            case "public": server.boardPublic = true
            case "private": server.boardPublic = false
            default: log.error(node.location, "settings.server.board must be public or private")
            }
        }
        settings.server = server
    }

    /// `drills: [{id, escalation, every: 4w, at: "tue 10:00", start: 2027-01-05}]` (DESIGN §12, §16):
    /// `every` in whole days or weeks, `at` a time with an optional weekday, in settings.timezone.
    private func decodeDrill(_ node: YAMLNode) -> Entry<Drill>? {
        guard let fields = read.fields(node, "a drill", allowed: ["id", "escalation", "every", "at", "start"],
                                       required: ["id", "escalation", "every", "at"]) else { return nil }
        let id = read.identifier(fields["id"], "drill id")
        let escalation = read.identifier(fields["escalation"], "drill escalation")
        if let escalation { reference(.escalation, escalation, at: fields.location(of: "escalation"), "drill escalation") }
        var everyDays: Int?
        if let every = read.duration(fields["every"], "drill every", units: [.days, .weeks]) { everyDays = every / 86400 }
        var weekday: Weekday?
        var time: LocalTime?
        if let node = fields["at"], let text = read.text(node, "drill at") {
            let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let day = words.count == 2 ? Weekday(name: words[0]) : nil
            if words.count == 2, day == nil {
                log.error(node.location, "drill at '\(NodeReader.excerpt(text))' names no weekday; write \"tue 10:00\" (mon … sun) or \"10:00\"")
            } else if words.count == 1 || words.count == 2, let parsed = TimeText.parseTimeOfDay(words[words.count - 1], allowEndOfDay: false) {
                weekday = day
                time = parsed
            } else {
                log.error(node.location, "drill at '\(NodeReader.excerpt(text))' is not a time; write \"tue 10:00\" (a weekday and HH:MM) or \"10:00\"")
            }
        }
        if weekday != nil, let days = everyDays, days % 7 != 0 {
            log.error(fields.location(of: "every"), "drill every must be whole weeks when at names a weekday (e.g. 1w, 4w)")
            everyDays = nil
        }
        let start = fields["start"] == nil ? nil : read.date(fields["start"], "drill start")
        if fields["start"] != nil, start == nil { return nil }
        return entry(.drill, id, at: fields) { id in
            guard let escalation, let everyDays, let time else { return nil }
            return Drill(id: id, escalation: escalation, everyDays: everyDays, weekday: weekday, time: time, start: start)
        }
    }

    private func decodeSurge(_ node: YAMLNode) -> Entry<Surge>? {
        guard let fields = read.fields(node, "a surge", allowed: ["id", "services", "alerts", "within", "service", "absorb"],
                                       required: ["id", "services", "alerts", "within", "service"]) else { return nil }
        let id = read.identifier(fields["id"], "surge id")
        var services: [String] = []
        for item in read.list(fields["services"], "surge services") ?? [] {
            if let service = read.identifier(item, "surge service") {
                reference(.service, service, at: item.location, "surge service")
                services.append(service)
            }
        }
        var alerts: Int?
        if let node = fields["alerts"], let text = read.text(node, "surge alerts") {
            if let value = Int(text), (2...100_000).contains(value) { alerts = value } else { log.error(node.location, "surge alerts must be a whole number from 2 to 100000") }
        }
        let within = read.duration(fields["within"], "surge within", units: [.minutes, .hours])
        let service = read.identifier(fields["service"], "surge service")
        if let service {
            reference(.service, service, at: fields.location(of: "service"), "surge service")
            if services.contains(service) { log.error(fields.location(of: "service"), "a surge's own service cannot be one it watches (it would feed itself)") }
        }
        var absorb = true
        if let node = fields["absorb"], let flag = read.text(node, "surge absorb") {
            switch flag {
            case "true": absorb = true
            case "false": absorb = false
            default: log.error(node.location, "surge absorb must be true or false (true: the surge's incident takes in the storm's alerts)")
            }
        }
        return entry(.surge, id, at: fields) { id in
            guard !services.isEmpty, let alerts, let within, let service else { return nil }
            return Surge(id: id, services: services, alerts: alerts, within: within, service: service, absorb: absorb)
        }
    }

    private func decodeHeartbeat(_ node: YAMLNode) -> Entry<Heartbeat>? {
        guard let fields = read.fields(node, "a heartbeat", allowed: ["id", "service", "every", "grace", "token_env", "token_file"],
                                       required: ["id", "service", "every"]) else { return nil }
        let id = read.identifier(fields["id"], "heartbeat id")
        let service = read.identifier(fields["service"], "heartbeat service")
        if let service { reference(.service, service, at: fields.location(of: "service"), "heartbeat service") }
        let every = read.duration(fields["every"], "heartbeat every", units: [.minutes, .hours, .days])
        let grace = fields["grace"] == nil ? 0 : read.duration(fields["grace"], "heartbeat grace", units: [.minutes, .hours, .days])
        let tokenEnv = variableName(fields["token_env"], "heartbeat token_env")
        let tokenFile = read.text(fields["token_file"], "heartbeat token_file")
        return entry(.heartbeat, id, at: fields) { id in
            guard let service, let every, let grace else { return nil }
            return Heartbeat(id: id, service: service, every: every, grace: grace, tokenEnv: tokenEnv, tokenFile: tokenFile)
        }
    }

    private func decodeIntegration(_ node: YAMLNode) -> Entry<Integration>? {
        guard let fields = read.fields(node, "an integration", allowed: ["id", "kind", "service", "service_label", "token_env", "token_file"],
                                       required: ["id", "kind"]) else { return nil }
        let id = read.identifier(fields["id"], "integration id")
        var kind: Integration.Kind?
        if let node = fields["kind"], let text = read.text(node, "integration kind") {
            kind = Integration.Kind(rawValue: text)
            if kind == nil {
                log.error(node.location, "integration kind '\(NodeReader.excerpt(text))' is not one of: \(Integration.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let service = read.identifier(fields["service"], "integration service")
        if let service { reference(.service, service, at: fields.location(of: "service"), "integration service") }
        let label = read.text(fields["service_label"], "integration service_label")
        let tokenEnv = variableName(fields["token_env"], "integration token_env")
        let tokenFile = read.text(fields["token_file"], "integration token_file")
        if fields["token_env"] == nil && fields["token_file"] == nil {
            log.error(fields.location, "an integration needs token_env (a variable) or token_file (a 0600 file): tokens never live in rota files")
        }
        switch kind {
        case .pagerduty? where service == nil:
            log.error(fields.location, "a pagerduty integration needs a service: its events name none")
        case .alertmanager? where service == nil && label == nil:
            log.error(fields.location, "an alertmanager integration needs a service, or a service_label that names one")
        default: break
        }
        return entry(.integration, id, at: fields) { id in
            kind.map { Integration(id: id, kind: $0, service: service, serviceLabel: label, tokenEnv: tokenEnv, tokenFile: tokenFile) }
        }
    }

    /// A duration in seconds or minutes, at most `max` seconds; past that, an error saying `why`.
    private func boundedDuration(_ node: YAMLNode?, _ what: String, at location: SourceLocation, max: Int, why: String) -> Int? {
        guard let seconds = read.duration(node, what, units: [.seconds, .minutes]) else { return nil }
        guard seconds <= max else {
            log.error(location, "\(what) is \(why)")
            return nil
        }
        return seconds
    }

    private func runbookProblem(_ link: String) -> String? {
        if link.hasPrefix("http://") || link.hasPrefix("https://") { return nil }
        if link.contains("://") { return "must be an http(s) URL or a path under the rotas directory" }
        if link.hasPrefix("/") || link.split(separator: "/").contains("..") {
            return "must be a path under the rotas directory (no leading '/', no '..')"
        }
        guard let directory else { return nil }
        var isDirectory: ObjCBool = false
        let path = (directory as NSString).appendingPathComponent(link)
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return "is not a file under \(directory)"
        }
        // Pages quote the runbook: a link that leads out of the rotas directory (to /etc/shadow,
        // say) would mail that file to everyone paged.
        guard let real = RotaLoader.realPath(path), let root = RotaLoader.realPath(directory), real.hasPrefix(root + "/") else {
            return "leads outside the rotas directory (through a symbolic link); runbooks must stay under \(directory)"
        }
        return nil
    }

    /// The entry written at `fields` with this id (nil without an id: nothing is defined); `make`
    /// gives its value, nil when the entry had an error.
    private func entry<Value>(_ kind: Kind, _ id: String?, at fields: Fields, _ make: (String) -> Value?) -> Entry<Value>? {
        guard let id else { return nil }
        return Entry(kind: kind, id: id, location: fields.location, value: make(id))
    }

    // MARK: references

    private func reference(_ kind: Kind, _ id: String, at location: SourceLocation, _ what: String) {
        names.refer(kind, id, at: location, what)
    }
}

/// The ids the rota files refer to, each where and as what, checked once every noun is read.
final class NameBook {
    private var references: [(kind: RotaDecoder.Kind, id: String, location: SourceLocation, what: String)] = []

    func refer(_ kind: RotaDecoder.Kind, _ id: String, at location: SourceLocation, _ what: String) {
        references.append((kind, id, location, what))
    }

    /// A located error for each reference to an id nothing defines, with the nearest known one.
    func check(defined: [RotaDecoder.Kind: [String: SourceLocation]], log: DiagnosticLog) {
        for item in references where defined[item.kind]?[item.id] == nil {
            var message = "\(item.what) '\(NodeReader.excerpt(item.id))' is not a known \(item.kind.rawValue)"
            let known = Array((defined[item.kind] ?? [:]).keys).sorted()
            if let suggestion = NodeReader.closest(to: item.id, in: known) { message += "; did you mean '\(suggestion)'?" }
            else { message += "; define it under '\(item.kind == .person ? "people" : item.kind.rawValue + "s")'" }
            log.error(item.location, message)
        }
    }
}
