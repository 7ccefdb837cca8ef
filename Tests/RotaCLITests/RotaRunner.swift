import Foundation
import Testing

/// Runs the built `rota` binary the way a user or cron would.
struct RotaRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as a JSON object. Output that is not one fails the test (with what was printed),
        /// so a check on a field can never pass on garbage or on nothing.
        var json: [String: Any] {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] else {
                Issue.record("stdout is not a JSON object (exit \(status)): \(stdout.prefix(300)) stderr: \(stderr.prefix(300))")
                return [:]
            }
            return object
        }
    }

    /// The `rota` executable beside this test bundle (SwiftPM builds it for the test target).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["ROTA_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("rota").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/rota").path
    }()

    /// A fresh working directory with a rotas/ folder holding `files`.
    let directory: URL

    /// `--db`: a SQLite file under the directory, or a PostgreSQL address.
    let database: String
    /// Extra environment for every process (e.g. PGPASSWORD, a host's own state directory).
    var baseEnvironment: [String: String] = [:]

    init(files: [String: String], database: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rota-e2e-\(UUID().uuidString)")
        self.database = database ?? directory.appendingPathComponent("state/rota.db").path
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("rotas"), withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    var rotas: String { directory.appendingPathComponent("rotas").path }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent("rotas").appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// A `rota` process, configured but not started, its output discarded.
    func process(_ arguments: [String], environment extra: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RotaRunner.binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ROTA_") }
        environment["ROTA_DIR"] = rotas
        environment["ROTA_DB"] = database
        environment["NO_COLOR"] = "1"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        for (key, value) in baseEnvironment { environment[key] = value }
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// A bash script run like an operator's shell line, with `$ROTA` naming the binary.
    @discardableResult
    func shell(_ script: String, environment extra: [String: String] = [:]) throws -> Result {
        try run([], environment: extra.merging(["ROTA": RotaRunner.binary]) { $1 }, executable: "/bin/bash", arguments: ["-c", script])
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil,
             executable: String? = nil, arguments override: [String]? = nil) throws -> Result {
        let process = self.process(arguments, environment: extra)
        if let executable { process.executableURL = URL(fileURLWithPath: executable) }
        if let override { process.arguments = override }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Both pipes are read at once (stderr on a thread of its own) before waiting, so a child that fills
        // one pipe while rota reads the other never blocks.
        let errReader = PipeReader(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errReader.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Reads a pipe to its end on a thread of its own; `wait()` answers what it read.
final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A small rota with a weekday daytime layer (so it has gaps) in Paris.
let officeRota = """
settings:
  timezone: Europe/Paris
people:
  - id: ann
    login: ann
    timezone: America/New_York
  - id: bob
schedules:
  - id: office
    layers:
      - name: days
        members: [ann, bob]
        start: 2026-03-02T09:00
        shift: 1w
        restrict:
          - {days: mon-fri, from: "09:00", to: "18:00"}
  - id: always
    layers:
      - name: weekly
        members: [bob, ann]
        start: 2026-03-02T09:00
        shift: 1w
escalations:
  - id: main
    levels:
      - notify: [schedule:office]
        escalate_after: 15m
      - notify: [person:bob]
services:
  - id: web
    escalation: main

"""
