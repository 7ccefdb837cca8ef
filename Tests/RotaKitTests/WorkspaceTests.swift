import Foundation
import RotaCore
import RotaKit
import RotaStore
import Testing

/// A rotas directory and a database in a fresh temporary folder.
private struct Folder {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("rota-kit-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("rotas"), withIntermediateDirectories: true)
    }

    func write(_ text: String) throws {
        try text.write(to: root.appendingPathComponent("rotas/r.yaml"), atomically: true, encoding: .utf8)
    }

    func options(now: String) -> WorkspaceOptions {
        WorkspaceOptions(rotasDirectory: root.appendingPathComponent("rotas").path, databasePath: root.appendingPathComponent("state/rota.db").path,
                         now: now, environment: [:])
    }
}

private func rota(_ members: String) -> String {
    """
    settings: {timezone: Europe/Paris}
    people: [{id: ann}, {id: bob}]
    schedules:
      - id: s
        layers: [{members: [\(members)], start: 2026-03-02T09:00, shift: 1w}]
    """
}

@Suite("The workspace: load, record, refresh, fall back")
struct WorkspaceTests {
    @Test("asked again at a later now, it picks up an edit as a new revision, and the past keeps the old one")
    func refreshPicksUpEdits() async throws {
        let folder = try Folder()
        try folder.write(rota("ann, bob"))
        let first = try await WorkspaceLoader.open(folder.options(now: "2026-03-03T10:00:00Z"))
        #expect(try await first.schedules.onCall(at: first.now, schedules: []).first?.person == "ann")
        try folder.write(rota("bob, ann"))
        let later = try await WorkspaceLoader.reload(first, now: "2026-03-04T10:00:00Z")
        #expect(try await later.schedules.onCall(at: later.now, schedules: []).first?.person == "bob")
        #expect(try await later.schedules.onCall(at: first.now, schedules: []).first?.person == "ann", "editing never rewrites the past")
        #expect(try await later.schedules.log(since: nil).filter { $0.event == AuditKind.revision.rawValue }.count == 2)
    }

    @Test("with half-edited files it goes on with the last valid revision; with none stored it fails with 65")
    func fallsBack() async throws {
        let folder = try Folder()
        try folder.write("people: [\n")
        await #expect(throws: RotaError.self) { try await WorkspaceLoader.open(folder.options(now: "2026-03-03T10:00:00Z")) }
        try folder.write(rota("ann, bob"))
        let valid = try await WorkspaceLoader.open(folder.options(now: "2026-03-03T10:00:00Z"))
        try folder.write(rota("ann, bob") + "\nbroken: [\n")
        let fallen = try await WorkspaceLoader.reload(valid, now: "2026-03-03T11:00:00Z")
        #expect(fallen.rota.schedule("s") != nil)
        #expect(try await fallen.schedules.onCall(at: fallen.now, schedules: ["s"]).first?.person == "ann")
    }

    @Test("a preview with a future now records nothing")
    func previewRecordsNothing() async throws {
        let folder = try Folder()
        try folder.write(rota("ann, bob"))
        let preview = try await WorkspaceLoader.open(folder.options(now: "2099-01-01T00:00:00Z"))
        #expect(preview.isPreview)
        #expect(try await preview.schedules.log(since: nil).isEmpty)
    }
}

@Suite("Signed tokens for links and feeds")
struct TokenSignerTests {
    @Test("a token verifies for its purpose only, and not once a byte is changed or the secret differs")
    func tokens() {
        let signer = TokenSigner(secret: "a-long-server-secret")
        let token = signer.sign(.acknowledge, ["7", "ann", "1800000000"])
        #expect(signer.verify(.acknowledge, token) == ["7", "ann", "1800000000"])
        #expect(signer.verify(.feed, token) == nil, "an ack token is no feed token")
        #expect(TokenSigner(secret: "another-server-secret").verify(.acknowledge, token) == nil)
        var bytes = Array(token)
        bytes[3] = bytes[3] == "A" ? "B" : "A"
        #expect(signer.verify(.acknowledge, String(bytes)) == nil)
        #expect(signer.verify(.acknowledge, "") == nil)
        #expect(signer.verify(.acknowledge, "a.b.c") == nil)
    }

    @Test("secrets are compared in full", arguments: [("tok", "tok", true), ("tok", "tok2", false), ("", "x", false)])
    func equality(_ a: String, _ b: String, _ equal: Bool) {
        #expect(constantTimeEqual(a, b) == equal)
    }
}
