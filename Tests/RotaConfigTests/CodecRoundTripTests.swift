import Foundation
import RotaConfig
import RotaCore
import RotaTestSupport
import Testing

/// The compiled-rota codec writes and reads fields in an order kept by hand: a generated rota with
/// a different random value in every field (so two fields read in each other's place differ)
/// must come back equal, through the cache file and through the stored form.
@Suite("The compiled rota codec round-trips every field")
struct CodecRoundTripTests {
    struct Maker {
        var random: SeededGenerator
        /// Ids are unique within a rota, as the decoder makes them (the codec may key by them).
        var made = 0

        mutating func id(_ prefix: String) -> String {
            made += 1
            return text(prefix) + "-\(made)"
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
        mutating func bool() -> Bool { Bool.random(using: &random) }
        mutating func text(_ prefix: String) -> String {
            let pieces = ["a", "é", "☕", " ", "\"", "'", "\\", "\n", "-", "_", "0", "Z"]
            return prefix + (0..<int(0...8)).map { _ in pieces[int(0...(pieces.count - 1))] }.joined()
        }
        mutating func maybe<T>(_ make: (inout Maker) -> T) -> T? { bool() ? make(&self) : nil }
        mutating func list<T>(_ range: ClosedRange<Int>, _ make: (inout Maker) -> T) -> [T] { (0..<int(range)).map { _ in make(&self) } }
        mutating func zone() -> Zone {
            let names = ["UTC", "Europe/Paris", "Asia/Tokyo", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
            return Zone(identifier: names[int(0...(names.count - 1))]) ?? .utc
        }
        mutating func target() -> Target { bool() ? .person(text("p")) : .schedule(text("s")) }
        mutating func instant() -> Date { Date(timeIntervalSince1970: Double(int(0...4_000_000_000)) + Double(int(0...999)) / 1000) }

        mutating func rota() -> Rota {
            var settings = Settings(zone: zone(), emailFrom: maybe { $0.text("from") }, sendmail: list(0...3) { $0.text("arg") },
                                    webhookSecretEnv: text("ENV"), webhookSecretFile: maybe { $0.text("/file") },
                                    daytimeFrom: LocalTime(minutes: int(0...1439)), daytimeTo: LocalTime(minutes: int(0...1440)),
                                    commandTimeout: int(1...600), webhookTimeout: int(1...120), noticeBefore: maybe { $0.int(60...86400) },
                                    noticeChanges: bool(),
                                    server: ServerSettings(publicURL: maybe { $0.text("https://") }, listen: text("127.0.0.1:"), secretEnv: text("S"),
                                                           secretFile: maybe { $0.text("/s") }, tickEvery: int(0...3600), boardPublic: bool()))
            settings.admins = list(0...3) { $0.target() }
            settings.executives = list(0...3) { $0.target() }
            let people = list(0...4) { m in
                Person(id: m.id("id"), name: m.text("name"), login: m.maybe { $0.text("login") }, timezone: m.maybe { $0.zone() },
                       contacts: m.list(0...3) { m in
                           let channel: Contact.Channel = switch m.int(0...2) {
                           case 0: .command(m.list(1...3) { $0.text("/bin/") })
                           case 1: .webhook(m.text("https://hooks/"))
                           default: .email(m.text("x@"))
                           }
                           return Contact(channel: channel, afterSeconds: m.int(0...7200))
                       })
            }
            let units: [ShiftLength.Unit] = [.hours, .days, .weeks]
            let schedules = list(0...3) { m in
                var schedule = Schedule(id: m.id("sch"), name: m.text("n"), zone: m.zone(), layers: m.list(0...3) { m in
                    Layer(name: m.text("layer"), members: m.list(1...4) { $0.text("m") }, start: LocalDateTime(naiveSeconds: m.int(0...4_000_000_000)),
                          shift: ShiftLength(count: m.int(1...30), unit: units[m.int(0...2)]),
                          end: m.maybe { LocalDateTime(naiveSeconds: $0.int(0...4_000_000_000)) },
                          restrictions: m.list(0...3) { m in
                              Restriction(days: Set(Weekday.allCases.filter { _ in m.bool() }), from: LocalTime(minutes: m.int(0...1439)),
                                          to: LocalTime(minutes: m.int(0...1440)))
                          })
                }, overrides: m.list(0...3) { m in Override(person: m.text("o"), start: m.instant(), end: m.instant()) },
                holidays: m.list(0...3) { LocalDate(dayNumber: $0.int(0...40000)) })
                schedule.expectGaps = m.bool()
                return schedule
            }
            let escalations = list(0...3) { m in
                EscalationPolicy(id: m.id("esc"), name: m.text("n"), repeatCount: m.int(0...9), levels: m.list(1...4) { m in
                    EscalationPolicy.Level(targets: m.list(1...3) { $0.target() }, escalateAfter: m.maybe { $0.int(60...86400) })
                }, roles: CrisisRoles(commander: m.maybe { $0.target() }, comms: m.maybe { $0.target() }),
                stakeholders: m.list(0...3) { $0.target() }, updatesEvery: m.maybe { $0.int(60...86400) })
            }
            let services = list(0...3) { m in
                Service(id: m.id("svc"), name: m.text("n"), escalation: m.text("e"), ackTimeout: m.maybe { $0.int(60...86400) },
                        runbook: m.maybe { $0.text("rb") }, lowSeverityDaytime: m.bool(),
                        group: m.maybe { m in Grouping(within: m.int(60...86400), by: m.list(0...3) { $0.text("label") }) })
            }
            let integrations = list(0...3) { m in
                Integration(id: m.id("int"), kind: Integration.Kind.allCases[m.int(0...2)], service: m.maybe { $0.text("s") },
                            serviceLabel: m.maybe { $0.text("l") }, tokenEnv: m.maybe { $0.text("T") }, tokenFile: m.maybe { $0.text("/t") })
            }
            let heartbeats = list(0...3) { m in
                Heartbeat(id: m.id("hb"), service: m.text("s"), every: m.int(60...86400), grace: m.int(0...3600),
                          tokenEnv: m.maybe { $0.text("T") }, tokenFile: m.maybe { $0.text("/t") })
            }
            let surges = list(0...3) { m in
                Surge(id: m.id("surge"), services: m.list(1...3) { $0.text("w") }, alerts: m.int(2...500), within: m.int(60...7200), service: m.text("s"),
                      absorb: m.bool())
            }
            var rota = Rota(settings: settings, holidays: list(0...4) { LocalDate(dayNumber: $0.int(0...40000)) }, people: people,
                            schedules: schedules, escalations: escalations, services: services, integrations: integrations,
                            heartbeats: heartbeats, surges: surges)
            rota.drills = list(0...3) { m in
                Drill(id: m.id("drill"), escalation: m.text("e"), everyDays: m.int(1...120),
                      weekday: m.maybe { Weekday(rawValue: $0.int(0...6)) ?? .monday }, time: LocalTime(minutes: m.int(0...1439)),
                      start: m.maybe { LocalDate(dayNumber: $0.int(0...40000)) })
            }
            return rota
        }
    }

    @Test("300 generated rotas come back equal from the stored form and from the cache file")
    func roundTrip() throws {
        var maker = Maker(random: SeededGenerator(seed: 20_261_204))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-codec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = RotaCache(path: directory.appendingPathComponent("cache").path)
        for index in 0..<300 {
            let rota = maker.rota()
            let stored = RotaModelCodec.decode(RotaModelCodec.encode(rota))
            #expect(stored == rota, "generated rota \(index): \(Self.difference(rota, stored))")
            cache.write(rota, fingerprint: "f\(index)")
            let cached = cache.read(fingerprint: "f\(index)")
            #expect(cached == rota, "generated rota \(index) through the cache: \(Self.difference(rota, cached))")
            if stored != rota || cached != rota { break }
        }
    }

    /// Which part of the rota came back different, for the failure message.
    static func difference(_ written: Rota, _ read: Rota?) -> String {
        guard let read else { return "did not decode" }
        let parts: [(String, Bool)] = [
            ("settings", written.settings == read.settings), ("holidays", written.holidays == read.holidays),
            ("people", written.people == read.people), ("schedules", written.schedules == read.schedules),
            ("escalations", written.escalations == read.escalations), ("services", written.services == read.services),
            ("integrations", written.integrations == read.integrations), ("heartbeats", written.heartbeats == read.heartbeats),
            ("surges", written.surges == read.surges), ("drills", written.drills == read.drills),
        ]
        var said = parts.filter { !$0.1 }.map(\.0)
        if written.settings != read.settings { said.append("settings written \(written.settings) read \(read.settings)") }
        if written.schedules != read.schedules {
            for (a, b) in zip(written.schedules, read.schedules) where a != b { said.append("schedule written \(a) read \(b)") }
        }
        return said.joined(separator: "; ")
    }

    @Test("a rota differing in one field encodes differently (the generator reaches every field)")
    func everyFieldMatters() {
        var maker = Maker(random: SeededGenerator(seed: 7))
        var seen = Set<Data>()
        for _ in 0..<50 { seen.insert(RotaModelCodec.encode(maker.rota())) }
        #expect(seen.count == 50)
    }
}
