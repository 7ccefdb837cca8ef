import Foundation
import RotaTestSupport
import Testing

/// The test helpers themselves: a helper that cannot fail would let every test built on it pass on nothing.
@Suite("Test helpers fail when they should")
struct HelperTests {
    @Test("json fails the test on output that is not a JSON object, and parses one that is")
    func jsonFailsOnGarbage() {
        for garbage in ["", "Alert #1 raised", "[1, 2]", "{\"cut\": "] {
            withKnownIssue("unparsable output is an issue: \(garbage)") {
                _ = RotaRunner.Result(status: 0, stdout: garbage, stderr: "").json
            }
        }
        #expect(RotaRunner.Result(status: 0, stdout: #"{"id": 7}"#, stderr: "").json["id"] as? Int == 7)
    }

    @Test("a seeded generator repeats its sequence; another seed gives another")
    func seededGenerator() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<8).map { _ in Int.random(in: 0...1000, using: &a) }
        #expect(first == (0..<8).map { _ in Int.random(in: 0...1000, using: &b) })
        #expect(first != (0..<8).map { _ in Int.random(in: 0...1000, using: &c) })
    }

    @Test("a child that writes 256 KiB to stderr before stdout does not deadlock the runner")
    func chattyStderr() throws {
        let rota = try RotaRunner(files: [:])
        let result = try rota.shell("head -c 262144 /dev/zero | tr '\\0' x >&2; echo done")
        #expect(result.stdout == "done\n")
        #expect(result.stderr.count == 262_144)
    }

    @Test("pagersEnded waits for listed processes and is false while one runs or when none is listed")
    func pagersEndedWaits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-helper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("pids").path
        #expect(!pagersEnded(listedIn: list, within: 0.2), "nothing listed is not 'ended'")
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        try "\(sleeper.processIdentifier)\n".write(toFile: list, atomically: true, encoding: .utf8)
        #expect(!pagersEnded(listedIn: list, within: 0.3), "a running process is not ended")
        kill(sleeper.processIdentifier, SIGKILL)
        sleeper.waitUntilExit()
        #expect(pagersEnded(listedIn: list, within: 10))
    }
}
