import ArgumentParser
import Foundation
@testable import RotaCLI
import Testing

@Suite("What a short command costs before it starts (issue 26)")
struct StartUpTests {
    @Test("rota --version answers before the parser and says what the parser would")
    func versionFastPathMatchesParser() throws {
        let rota = try RotaRunner(files: ["team.yaml": officeRota])
        let fast = try rota.run(["--version"])
        #expect(fast.status == 0)
        #expect(fast.stdout == "rota 0.1.0\n")
        #expect(fast.stderr.isEmpty)
        // A global option before it sends the same flag through ArgumentParser: same answer.
        let parsed = try rota.run(["--json", "--version"])
        #expect(parsed.status == 0)
        #expect(parsed.stdout == fast.stdout)
    }

    /// Without an explicit name ArgumentParser derives one with String(describing:) on the type, a
    /// protocol-conformance scan over the whole binary for each command at every start (7 ms of `rota --version`).
    @Test("every command in the tree names itself, as its type name would")
    func everyCommandHasAnExplicitName() {
        var pending: [any ParsableCommand.Type] = [RotaCommand.self]
        var seen = 0
        while let command = pending.popLast() {
            seen += 1
            let name = command.configuration.commandName
            #expect(name != nil, "\(command) has no commandName")
            #expect(name?.isEmpty == false)
            pending += command.configuration.subcommands
        }
        #expect(seen > 40)  // the walk reached the nested groups (alert, incident, override, …)
    }
}
