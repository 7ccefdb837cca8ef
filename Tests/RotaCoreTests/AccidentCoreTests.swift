import Foundation
import Testing
@testable import RotaCore

@Suite("What keeps the promise under accidents: kept definitions, contact keys, safe text, exact instants")
struct AccidentCoreTests {
    static let chain = EscalationPolicy(id: "chain", name: "chain", repeatCount: 0, levels: [
        .init(targets: [.schedule("days")], escalateAfter: 600),
        .init(targets: [.person("lead")], escalateAfter: 600),
        .init(targets: [.person("ceo")], escalateAfter: nil),
    ])

    static let rota = Rota(
        settings: Settings(zone: zone("Europe/Paris")),
        people: [
            Person(id: "ann", name: "Ann", contacts: [Contact(channel: .command(["/bin/page", "ann"]))]),
            Person(id: "lead", name: "Lead", contacts: [Contact(channel: .webhook("https://chat.example.com/hooks/T0/SECRET"))]),
            Person(id: "ceo", name: "CEO", contacts: [Contact(channel: .email("ceo@example.com"), afterSeconds: 300)]),
            Person(id: "other", name: "Other"),
        ],
        schedules: [Schedule(id: "days", name: "days", zone: zone("Europe/Paris"),
                             layers: [layer(["ann"], start: "2026-03-02T09:00", shift: "1d")])],
        escalations: [chain])

    @Test("the files' escalation is used while it has every level the alert had; a shorter or missing one is not", arguments: [
        (3, true, 3, false), (4, true, 4, false), (2, true, 3, true), (0, false, 3, true),
    ])
    func choosingTheDefinition(currentLevels: Int, present: Bool, expectedLevels: Int, noted: Bool) {
        var current = Self.chain
        current.levels = Array((Self.chain.levels + [.init(targets: [.person("ceo")], escalateAfter: nil)]).prefix(currentLevels))
        let choice = AlertDefinition.choose(current: present ? current : nil, kept: Self.chain, id: "chain")
        #expect(choice.policy?.levels.count == expectedLevels)
        #expect((choice.note != nil) == noted)
    }

    @Test("a kept definition holds the policy and everyone it may page, webhooks reduced")
    func capture() {
        let kept = AlertDefinition.capture(Self.chain, from: Self.rota)
        #expect(kept.escalations == [Self.chain])
        #expect(kept.people.map(\.id) == ["ann", "lead", "ceo"])
        guard case .webhook(let url) = kept.person("lead")?.contacts.first?.channel else { Issue.record("no webhook"); return }
        #expect(!url.contains("SECRET"))
        #expect(kept.person("lead")?.contacts.first?.key == Self.rota.person("lead")?.contacts.first?.key)
    }

    @Test("a person gone from the files, or left with no contacts, is paged through the contacts kept")
    func contactsOfVanishedPeople() {
        let kept = AlertDefinition.capture(Self.chain, from: Self.rota)
        var cut = Self.rota
        cut.people.removeAll { $0.id == "ceo" }
        cut.people[0].contacts = []
        #expect(AlertDefinition.contacts(of: "lead", in: cut, kept: kept).note == nil)
        let ceo = AlertDefinition.contacts(of: "ceo", in: cut, kept: kept)
        #expect(ceo.contacts.map(\.key) == Self.rota.person("ceo")!.contacts.map(\.key))
        #expect(ceo.note?.contains("no longer in the rota files") == true)
        #expect(AlertDefinition.contacts(of: "ann", in: cut, kept: kept).note?.contains("no contacts left") == true)
        #expect(AlertDefinition.contacts(of: "nobody", in: cut, kept: kept).contacts.isEmpty)
    }

    @Test("a contact's key depends on its kind and address only, never its position or 'after'", arguments: [
        (Contact(channel: .command(["/bin/page", "ann"])), Contact(channel: .command(["/bin/page", "ann"]), afterSeconds: 600), true),
        (Contact(channel: .command(["/bin/page", "ann"])), Contact(channel: .command(["/bin/page", "bob"])), false),
        (Contact(channel: .email("Ann@Example.com")), Contact(channel: .email("ann@example.com")), true),
        (Contact(channel: .webhook("https://a/x")), Contact(channel: .webhook("https://a/y")), false),
        (Contact(channel: .webhook("https://a/x")), Contact(channel: .webhook("https://a/x")).reduced(), true),
    ])
    func contactKeys(_ a: Contact, _ b: Contact, same: Bool) {
        #expect((a.key == b.key) == same)
    }

    @Test("a reduced webhook holds no token, shows scheme and host, and is idempotent")
    func reducedWebhooks() {
        let whole = Contact(channel: .webhook("https://chat.example.com:8443/hooks/T0/B0?token=abc"))
        let reduced = whole.reduced()
        #expect(reduced.isReduced && !whole.isReduced)
        guard case .webhook(let text) = reduced.channel else { Issue.record("not a webhook"); return }
        #expect(!text.contains("T0") && !text.contains("abc"))
        #expect(Contact.shownURL(text) == "https://chat.example.com:8443/…")
        #expect(reduced.reduced() == reduced)
        #expect(Self.rota.reducingAddresses().webhookAddresses.isEmpty)
        #expect(Self.rota.webhookAddresses.values.first == "https://chat.example.com/hooks/T0/SECRET")
    }

    @Test("SHA-256 matches the FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(_ text: String, _ hex: String) {
        #expect(SHA256Digest.hex(text) == hex)
    }

    @Test("terminal controls are shown escaped, ordinary text untouched", arguments: [
        ("plain café ☕", false, "plain café ☕"),
        ("a\u{1B}[2Jb", false, "a\\u{1b}[2Jb"),
        ("x\ry", false, "x\\ry"),
        ("line\nbreak\ttab", true, "line\nbreak\ttab"),
        ("line\nbreak", false, "line\\nbreak"),
        ("\u{202E}evil\u{2066}", false, "\\u{202e}evil\\u{2066}"),
        ("bell\u{7}del\u{7F}c1\u{9B}", false, "bell\\u{7}del\\u{7f}c1\\u{9b}"),
    ])
    func terminalText(_ text: String, _ keep: Bool, _ expected: String) {
        #expect(TerminalText.escaped(text, keepNewlines: keep) == expected)
    }

    @Test("an instant is rounded to the millisecond exactly as the store reads it back; DST does not matter", arguments: [
        1_774_746_000.000_4, 1_774_746_000.999_6, 1_792_882_800.123_456,  // 2026-03-29 (Paris springs forward), 2026-10-25
    ])
    func wholeMilliseconds(_ seconds: Double) {
        let now = Date(timeIntervalSince1970: seconds).wholeMilliseconds
        let millis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        #expect(Date(timeIntervalSince1970: Double(millis) / 1000) == now)
        #expect(now.wholeMilliseconds == now)
        #expect(abs(now.timeIntervalSince1970 - seconds) <= 0.0005)
    }

    @Test("years outside 1970–9999 and fixed-offset zones are refused", arguments: ["0000-01-01", "1582-10-10", "1969-12-31T23:59", "10000-01-01"])
    func refusedYears(_ text: String) {
        #expect(TimeText.parse(text) == nil)
    }

    @Test("Etc/GMT±N zones are fixed offsets and refused; Etc/UTC and real zones are not", arguments: [
        ("Etc/GMT+1", false), ("Etc/GMT-14", false), ("Etc/UTC", true), ("Europe/Paris", true), ("UTC", true),
    ])
    func fixedOffsetZones(_ name: String, _ accepted: Bool) {
        #expect((Zone(identifier: name) != nil) == accepted)
    }
}
