import Foundation
import RotaCore
import Subprocess
#if canImport(Glibc)
import Glibc
#endif
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The `command` contact: argv run directly (never a shell), the page in the environment
/// and on stdin, within a time limit after which its whole process group is killed.
struct CommandContact {
    let timeout: Duration
    let outputCap: Int

    /// Runs `argv` with `stdin` as its input and `environment` added to rota's own.
    func run(_ argv: [String], stdin: String, environment variables: [String: String]) async -> DeliveryResult {
        guard let program = argv.first else { return .permanent("empty command") }
        let cap = outputCap
        let limit = timeout
        // The page goes on stdin from an unlinked temporary file, not a pipe: a pager that
        // exits without reading it then cannot break the delivery (no EPIPE).
        guard let input = Self.pageFile(stdin) else { return .retry("cannot prepare the page text for \(program)") }
        do {
            return try await withThrowingTaskGroup(of: DeliveryResult?.self) { group in
                group.addTask {
                    var options = PlatformOptions()
                    // Its own session and process group, so a timeout kills everything it started.
                    options.createSession = true
                    options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
                    var updates: [Environment.Key: String?] = [:]
                    for (key, value) in variables { if let name = Environment.Key(rawValue: key) { updates[name] = value } }
                    let environment = Environment.inherit.updating(updates)
                    let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
                    let result = try await Subprocess.run(
                        executable, arguments: Arguments(Array(argv.dropFirst())), environment: environment,
                        platformOptions: options, input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                        output: .sequence, error: .combinedWithOutput
                    ) { execution in
                        var kept: [UInt8] = []
                        for try await buffer in execution.standardOutput where kept.count < cap {
                            buffer.withUnsafeBytes { kept.append(contentsOf: $0.prefix(cap - kept.count)) }
                        }
                        return String(decoding: kept, as: UTF8.self)
                    }
                    switch result.terminationStatus {
                    case .exited(0): return .delivered
                    case .exited(let code): return .retry("\(program) exited with status \(code)\(Self.excerpt(result.closureResult))")
                    case .signaled(let signal): return .retry("\(program) was killed by signal \(signal)\(Self.excerpt(result.closureResult))")
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first ?? .retry("\(program) did not finish within \(limit); its process group was killed")
            }
        } catch {
            return .retry("\(program) could not run: \(error)")
        }
    }

    /// An unlinked temporary file holding `text`, positioned at its start.
    private static func pageFile(_ text: String) -> FileDescriptor? {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/rota-page-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let file = FileDescriptor(rawValue: descriptor)
        do {
            _ = try file.writeAll(Array(text.utf8))
            _ = try file.seek(offset: 0, from: FileDescriptor.SeekOrigin.start)
            return file
        } catch {
            try? file.close()
            return nil
        }
    }

    private static func excerpt(_ output: String) -> String {
        let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "" : ": " + trimmed.split(separator: "\n").suffix(3).joined(separator: " | ")
    }
}
