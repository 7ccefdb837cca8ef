import Foundation
import RotaCore

/// A compiled copy of the rota, keyed by the files' fingerprint, so that commands skip
/// parsing YAML while the files are unchanged (the files are still read to fingerprint them).
/// A compact binary form: varints, length-prefixed UTF-8. Any doubt (another format version,
/// another fingerprint, a short read) is a miss, and the files are parsed as usual.
public struct RotaCache: Sendable {
    public let path: String
    static let magic = Array("rota-cache-v11\n".utf8)

    /// The mode of the file written (0600; 0660 in a shared state directory).
    let mode: Int

    public init(path: String, mode: Int = 0o600) {
        self.path = path
        self.mode = mode
    }

    public func read(fingerprint: String) -> Rota? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var reader = Reader(bytes: Array(data))
        guard reader.take(Self.magic.count) == Self.magic, reader.string() == fingerprint else { return nil }
        return reader.rota()
    }

    /// Writes atomically (a temporary file renamed over the old one), owner-only.
    public func write(_ rota: Rota, fingerprint: String) {
        var writer = Writer()
        writer.bytes += Self.magic
        writer.string(fingerprint)
        writer.rota(rota)
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(writer.bytes), attributes: [.posixPermissions: mode]) else { return }
        if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}

private struct Writer {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int) {
        var zigzag = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while zigzag >= 0x80 {
            bytes.append(UInt8(zigzag & 0x7f) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func string(_ value: String) { let utf8 = Array(value.utf8); int(utf8.count); bytes += utf8 }
    /// The Double's 64 bits as they are (a varint would lose the top bit of a large pattern).
    mutating func date(_ value: Date) {
        var bits = value.timeIntervalSince1970.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(bits & 0xff))
            bits >>= 8
        }
    }
    mutating func optional<T>(_ value: T?, _ write: (inout Writer, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }
    mutating func list<T>(_ values: [T], _ write: (inout Writer, T) -> Void) {
        int(values.count)
        for value in values { write(&self, value) }
    }
    mutating func target(_ target: Target) {
        switch target {
        case .person(let id): int(0); string(id)
        case .schedule(let id): int(1); string(id)
        }
    }
    mutating func wall(_ value: LocalDateTime) { int(value.naiveSeconds) }

    mutating func rota(_ rota: Rota) {
        let s = rota.settings
        string(s.zone.identifier)
        optional(s.emailFrom) { $0.string($1) }
        list(s.sendmail) { $0.string($1) }
        string(s.webhookSecretEnv)
        optional(s.webhookSecretFile) { $0.string($1) }
        int(s.daytimeFrom.minutes)
        int(s.daytimeTo.minutes)
        int(s.commandTimeout)
        int(s.webhookTimeout)
        optional(s.noticeBefore) { $0.int($1) }
        bool(s.noticeChanges)
        optional(s.server.publicURL) { $0.string($1) }
        string(s.server.listen)
        string(s.server.secretEnv)
        optional(s.server.secretFile) { $0.string($1) }
        int(s.server.tickEvery)
        bool(s.server.boardPublic)
        list(rota.holidays) { $0.int($1.dayNumber) }
        list(rota.people) { w, person in
            w.string(person.id)
            w.string(person.name)
            w.optional(person.login) { $0.string($1) }
            w.optional(person.timezone) { $0.string($1.identifier) }
            w.list(person.contacts) { w, contact in
                switch contact.channel {
                case .command(let argv): w.int(0); w.list(argv) { $0.string($1) }
                case .webhook(let url): w.int(1); w.string(url)
                case .email(let address): w.int(2); w.string(address)
                case .ntfy(let url): w.int(3); w.string(url)
                case .mattermost(let url): w.int(4); w.string(url)
                case .slack(let target): w.int(5); w.string(target)
                case .sms(let number): w.int(6); w.string(number)
                case .voice(let number): w.int(7); w.string(number)
                }
                w.int(contact.afterSeconds)
            }
        }
        list(rota.schedules) { w, schedule in
            w.string(schedule.id)
            w.string(schedule.name)
            w.string(schedule.zone.identifier)
            w.list(schedule.layers) { w, layer in
                w.string(layer.name)
                w.list(layer.members) { $0.string($1) }
                w.wall(layer.start)
                w.int(layer.shift.count)
                w.string(String(layer.shift.unit.rawValue))
                w.optional(layer.end) { $0.wall($1) }
                w.list(layer.restrictions) { w, restriction in
                    w.int(restriction.days.reduce(0) { $0 | (1 << $1.rawValue) })
                    w.int(restriction.from.minutes)
                    w.int(restriction.to.minutes)
                }
            }
            w.list(schedule.overrides) { w, override in
                w.string(override.person)
                w.date(override.start)
                w.date(override.end)
            }
            w.list(schedule.holidays) { $0.int($1.dayNumber) }
        }
        list(rota.escalations) { w, policy in
            w.string(policy.id)
            w.string(policy.name)
            w.int(policy.repeatCount)
            w.list(policy.levels) { w, level in
                w.list(level.targets) { $0.target($1) }
                w.optional(level.escalateAfter) { $0.int($1) }
            }
            w.optional(policy.roles.commander) { $0.target($1) }
            w.optional(policy.roles.comms) { $0.target($1) }
            w.list(policy.stakeholders) { $0.target($1) }
            w.optional(policy.updatesEvery) { $0.int($1) }
        }
        list(rota.services) { w, service in
            w.string(service.id)
            w.string(service.name)
            w.string(service.escalation)
            w.optional(service.ackTimeout) { $0.int($1) }
            w.optional(service.runbook) { $0.string($1) }
            w.bool(service.lowSeverityDaytime)
        }
        list(rota.integrations) { w, integration in
            w.string(integration.id)
            w.string(integration.kind.rawValue)
            w.optional(integration.service) { $0.string($1) }
            w.optional(integration.serviceLabel) { $0.string($1) }
            w.optional(integration.tokenEnv) { $0.string($1) }
            w.optional(integration.tokenFile) { $0.string($1) }
        }
        list(rota.heartbeats) { w, heartbeat in
            w.string(heartbeat.id)
            w.string(heartbeat.service)
            w.int(heartbeat.every)
            w.int(heartbeat.grace)
            w.optional(heartbeat.tokenEnv) { $0.string($1) }
            w.optional(heartbeat.tokenFile) { $0.string($1) }
        }
        list(rota.surges) { w, surge in
            w.string(surge.id)
            w.list(surge.services) { $0.string($1) }
            w.int(surge.alerts)
            w.int(surge.within)
            w.string(surge.service)
        }
        // Added after the first model version: read only when present, so older revisions still decode.
        list(rota.schedules.filter(\.expectGaps)) { $0.string($1.id) }
        list(rota.settings.admins) { $0.string($1.description) }
        // Incidents (DESIGN §10): services' groups, surges that do not absorb.
        list(rota.services.filter { $0.group != nil }) { w, service in
            w.string(service.id)
            w.int(service.group?.within ?? 0)
            w.list(service.group?.by ?? []) { $0.string($1) }
        }
        list(rota.surges.filter { !$0.absorb }) { $0.string($1.id) }
        // Gateways (DESIGN §13).
        optional(rota.settings.slack) { w, slack in
            w.string(slack.botTokenEnv)
            w.string(slack.signingSecretEnv)
            w.string(slack.apiBase)
        }
        optional(rota.settings.twilio) { w, twilio in
            w.string(twilio.accountSIDEnv)
            w.string(twilio.authTokenEnv)
            w.string(twilio.from)
            w.string(twilio.apiBase)
        }
        // The response report's executives (DESIGN §12).
        list(rota.settings.executives) { $0.target($1) }
        // Drills (DESIGN §12).
        list(rota.drills) { w, drill in
            w.string(drill.id)
            w.string(drill.escalation)
            w.int(drill.everyDays)
            w.int(drill.weekday.map(\.rawValue) ?? -1)
            w.int(drill.time.minutes)
            w.optional(drill.start) { $0.int($1.dayNumber) }
        }
    }
}

/// Reads what `Writer` wrote; any inconsistency makes the whole read nil.
private struct Reader {
    let bytes: [UInt8]
    var index = 0
    var failed = false

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ count: Int) -> [UInt8] {
        guard count >= 0, index + count <= bytes.count else { failed = true; return [] }
        defer { index += count }
        return Array(bytes[index..<(index + count)])
    }

    mutating func int() -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                let value = Int64(bitPattern: result)
                return Int((value >> 1) ^ -(value & 1))
            }
            shift += 7
        }
        failed = true
        return 0
    }

    mutating func bool() -> Bool { take(1).first == 1 }
    mutating func string() -> String { String(decoding: take(int()), as: UTF8.self) }
    mutating func date() -> Date {
        let raw = take(8)
        guard raw.count == 8 else { return Date(timeIntervalSince1970: 0) }
        let bits = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(bitPattern: bits))
    }
    mutating func optional<T>(_ read: (inout Reader) -> T) -> T? { bool() ? read(&self) : nil }
    mutating func target() -> Target { int() == 0 ? .person(string()) : .schedule(string()) }
    mutating func list<T>(_ read: (inout Reader) -> T) -> [T] {
        let count = int()
        guard count >= 0, count <= bytes.count else { failed = true; return [] }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count where !failed { values.append(read(&self)) }
        return values
    }
    mutating func wall() -> LocalDateTime { LocalDateTime(naiveSeconds: int()) }
    mutating func zone() -> Zone? { Zone(identifier: string()) }

    mutating func rota() -> Rota? {
        guard let zone = zone() else { return nil }
        var settings = Settings(zone: zone)
        settings.emailFrom = optional { $0.string() }
        settings.sendmail = list { $0.string() }
        settings.webhookSecretEnv = string()
        settings.webhookSecretFile = optional { $0.string() }
        settings.daytimeFrom = LocalTime(minutes: int())
        settings.daytimeTo = LocalTime(minutes: int())
        settings.commandTimeout = int()
        settings.webhookTimeout = int()
        settings.noticeBefore = optional { $0.int() }
        settings.noticeChanges = bool()
        settings.server = ServerSettings(publicURL: optional { $0.string() }, listen: string(), secretEnv: string(),
                                         secretFile: optional { $0.string() }, tickEvery: int(), boardPublic: bool())
        let holidays = list { LocalDate(dayNumber: $0.int()) }
        var broken = false
        let people: [Person] = list { r in
            let id = r.string(), name = r.string(), login = r.optional { $0.string() }
            let timezone: Zone?? = r.optional { $0.zone() }
            let contacts: [Contact] = r.list { r in
                let channel: Contact.Channel
                switch r.int() {
                case 0: channel = .command(r.list { $0.string() })
                case 1: channel = .webhook(r.string())
                case 2: channel = .email(r.string())
                case 3: channel = .ntfy(r.string())
                case 4: channel = .mattermost(r.string())
                case 5: channel = .slack(r.string())
                case 6: channel = .sms(r.string())
                case 7: channel = .voice(r.string())
                default: r.failed = true; channel = .command([])
                }
                return Contact(channel: channel, afterSeconds: r.int())
            }
            if case .some(.none) = timezone { broken = true }
            return Person(id: id, name: name, login: login, timezone: timezone ?? nil, contacts: contacts)
        }
        var schedules: [Schedule] = list { r in
            let id = r.string(), name = r.string()
            let zone = r.zone()
            if zone == nil { broken = true }
            let layers: [Layer] = r.list { r in
                let name = r.string(), members = r.list { $0.string() }, start = r.wall()
                let count = r.int()
                let unit = ShiftLength.Unit(rawValue: r.string().first ?? " ")
                if unit == nil { broken = true }
                let end = r.optional { $0.wall() }
                let restrictions: [Restriction] = r.list { r in
                    let mask = r.int()
                    return Restriction(days: Set(Weekday.allCases.filter { mask & (1 << $0.rawValue) != 0 }),
                                       from: LocalTime(minutes: r.int()), to: LocalTime(minutes: r.int()))
                }
                return Layer(name: name, members: members, start: start, shift: ShiftLength(count: count, unit: unit ?? .hours),
                             end: end, restrictions: restrictions)
            }
            let overrides: [Override] = r.list { Override(person: $0.string(), start: $0.date(), end: $0.date()) }
            let holidays = r.list { LocalDate(dayNumber: $0.int()) }
            return Schedule(id: id, name: name, zone: zone ?? .utc, layers: layers, overrides: overrides, holidays: holidays)
        }
        let escalations: [EscalationPolicy] = list { r in
            let id = r.string(), name = r.string(), repeatCount = r.int()
            let levels: [EscalationPolicy.Level] = r.list { r in
                let targets: [Target] = r.list { $0.target() }
                return EscalationPolicy.Level(targets: targets, escalateAfter: r.optional { $0.int() })
            }
            let roles = CrisisRoles(commander: r.optional { $0.target() }, comms: r.optional { $0.target() })
            return EscalationPolicy(id: id, name: name, repeatCount: repeatCount, levels: levels, roles: roles,
                                    stakeholders: r.list { $0.target() }, updatesEvery: r.optional { $0.int() })
        }
        var services: [Service] = list { r in
            Service(id: r.string(), name: r.string(), escalation: r.string(), ackTimeout: r.optional { $0.int() },
                    runbook: r.optional { $0.string() }, lowSeverityDaytime: r.bool())
        }
        let integrations: [Integration] = list { r in
            let id = r.string()
            let kind = Integration.Kind(rawValue: r.string())
            if kind == nil { broken = true }
            return Integration(id: id, kind: kind ?? .generic, service: r.optional { $0.string() }, serviceLabel: r.optional { $0.string() },
                               tokenEnv: r.optional { $0.string() }, tokenFile: r.optional { $0.string() })
        }
        let heartbeats: [Heartbeat] = list { r in
            Heartbeat(id: r.string(), service: r.string(), every: r.int(), grace: r.int(), tokenEnv: r.optional { $0.string() },
                      tokenFile: r.optional { $0.string() })
        }
        var surges: [Surge] = list { r in
            Surge(id: r.string(), services: r.list { $0.string() }, alerts: r.int(), within: r.int(), service: r.string())
        }
        let expectingGaps: Set<String> = index < bytes.count ? Set(list { $0.string() }) : []
        for position in schedules.indices where expectingGaps.contains(schedules[position].id) { schedules[position].expectGaps = true }
        if index < bytes.count {
            settings.admins = list { r in
                let text = r.string()
                if text.hasPrefix("person:") { return .person(String(text.dropFirst(7))) }
                if text.hasPrefix("schedule:") { return .schedule(String(text.dropFirst(9))) }
                r.failed = true
                return .person("")
            }
        }
        if index < bytes.count {
            let groups: [(String, Grouping)] = list { r in (r.string(), Grouping(within: r.int(), by: r.list { $0.string() })) }
            for (id, group) in groups {
                guard let position = services.firstIndex(where: { $0.id == id }) else { failed = true; continue }
                services[position].group = group
            }
            let keeping = Set(list { $0.string() })
            for position in surges.indices where keeping.contains(surges[position].id) { surges[position].absorb = false }
        }
        if index < bytes.count {
            settings.slack = optional { r in SlackGateway(botTokenEnv: r.string(), signingSecretEnv: r.string(), apiBase: r.string()) }
            settings.twilio = optional { r in
                TwilioGateway(accountSIDEnv: r.string(), authTokenEnv: r.string(), from: r.string(), apiBase: r.string())
            }
        }
        if index < bytes.count {
            settings.executives = list { $0.target() }
        }
        var drills: [Drill] = []
        if index < bytes.count {
            drills = list { r in
                let id = r.string(), escalation = r.string(), every = r.int(), day = r.int(), minutes = r.int()
                let weekday = day == -1 ? nil : Weekday(rawValue: day)
                if (day != -1 && weekday == nil) || every <= 0 || !(0..<1440).contains(minutes) { r.failed = true }
                return Drill(id: id, escalation: escalation, everyDays: max(1, every), weekday: weekday, time: LocalTime(minutes: minutes),
                             start: r.optional { LocalDate(dayNumber: $0.int()) })
            }
        }
        guard !failed, !broken, index == bytes.count else { return nil }
        var rota = Rota(settings: settings, holidays: holidays, people: people, schedules: schedules,
                        escalations: escalations, services: services, integrations: integrations, heartbeats: heartbeats, surges: surges)
        rota.drills = drills
        return rota
    }
}

/// The decoded rota as bytes, for what the database keeps (revisions, an alert's definition):
/// the cache's compact form behind a version line. A format change adds a version and keeps
/// reading the old ones, as migrations do.
public enum RotaModelCodec {
    static let magic = Array("rota-model-v1\n".utf8)

    public static func encode(_ rota: Rota) -> Data {
        var writer = Writer()
        writer.bytes += magic
        writer.rota(rota)
        return Data(writer.bytes)
    }

    public static func decode(_ data: Data) -> Rota? {
        var reader = Reader(bytes: Array(data))
        guard reader.take(magic.count) == magic else { return nil }
        return reader.rota()
    }
}
