import CRotaSpawn
import Foundation
import RotaCore
#if canImport(Glibc)
import Glibc
#endif

/// The `command` contact: argv run directly (never a shell), the page in the environment and
/// on stdin, within a time limit after which its whole process group is stopped.
///
/// Each child runs under a guardian (see `rota_spawn`) that kills the child's whole process
/// group when rota dies, however it dies: a runner killed with SIGKILL takes its pagers and
/// their children (a `curl` inside a pager script) with it, and a page is delivered again only
/// where the at-least-once rule allows.
struct CommandContact {
    let timeout: Duration
    let outputCap: Int
    /// Variables of rota's own environment that children never see (secrets, rota's settings,
    /// the PostgreSQL password).
    let scrubbed: (String) -> Bool

    init(timeout: Duration, outputCap: Int, scrubbed: @escaping @Sendable (String) -> Bool = { $0.hasPrefix("ROTA_") || $0 == "PGPASSWORD" }) {
        self.timeout = timeout
        self.outputCap = outputCap
        self.scrubbed = scrubbed
    }

    /// Runs `argv` with `stdin` as its input and `variables` added to the scrubbed environment.
    func run(_ argv: [String], stdin: String, environment variables: [String: String]) async -> DeliveryResult {
        guard let program = argv.first, !program.isEmpty else { return .permanent("empty command") }
        var environment = ProcessInfo.processInfo.environment.filter { !scrubbed($0.key) }
        environment.merge(variables) { _, page in page }
        guard let path = ProgramPath.resolve(program, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            return .retry("\(program) was not found (PATH: \(environment["PATH"] ?? "unset"))")
        }
        let job = Job(path: path, argv: argv, environment: environment.map { "\($0.key)=\($0.value)" }, input: stdin,
                      timeout: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18, cap: outputCap)
        return await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: job.run(program: program)) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// One run, blocking the thread it is on from spawn to reap.
    struct Job: Sendable {
        let path: String
        let argv: [String]
        let environment: [String]
        let input: String
        let timeout: Double
        let cap: Int

        func run(program: String) -> DeliveryResult {
            let bytes = Array(input.utf8)
            let stdinFD = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { base in base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { rota_memfd($0, buffer.count) } }
                    ?? rota_memfd("", 0)
            }
            guard stdinFD >= 0 else { return .retry("cannot prepare the page text for \(program): \(String(cString: strerror(-stdinFD)))") }
            defer { close(stdinFD) }
            var pipeFDs: [Int32] = [0, 0]
            let piped = rota_pipe(&pipeFDs)
            guard piped == 0 else { return .retry("cannot run \(program): \(String(cString: strerror(-piped)))") }
            let (readFD, writeFD) = (pipeFDs[0], pipeFDs[1])
            defer { close(readFD) }
            var reportFD: Int32 = -1
            let pid = withCStrings(argv) { argvPointers in
                withCStrings(environment) { envPointers in
                    rota_spawn(path, argvPointers, envPointers, stdinFD, writeFD, &reportFD)
                }
            }
            close(writeFD)
            guard pid > 0 else { return .retry("\(program) could not be started: \(String(cString: strerror(-pid)))") }

            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let start = monotonicSeconds()
            var stoppedAt: Double?
            var status: Int32 = 0
            var open = true
            // Woken by output or by the child's exit (a pidfd), never by a fixed sleep.
            let exitFD = rota_pidfd_open(pid)
            defer { if exitFD >= 0 { close(exitFD) } }
            while true {
                let waited = waitpid(pid, &status, WNOHANG)
                if waited == pid { break }
                if waited < 0, errno == ECHILD {
                    // Reaped elsewhere (a test host reaping every child): the outcome is unknown.
                    close(reportFD)
                    return .retry("\(program) ended, but its exit status was lost")
                }
                let elapsed = monotonicSeconds() - start
                if stoppedAt == nil, elapsed >= timeout {
                    kill(-pid, SIGTERM)
                    stoppedAt = elapsed
                } else if let stopped = stoppedAt, elapsed >= stopped + 2 {
                    kill(-pid, SIGKILL)
                }
                var pollers = [pollfd(fd: open ? readFD : -1, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)]
                let wait = exitFD >= 0 || open ? 100 : 5
                if poll(&pollers, 2, Int32(wait)) > 0, open, pollers[0].revents != 0 {
                    let count = read(readFD, &buffer, buffer.count)
                    if count > 0 {
                        output += buffer.prefix(min(count, max(0, cap - output.count)))
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        open = false
                    }
                }
            }
            // Output still buffered after the exit.
            if open {
                var flags = fcntl(readFD, F_GETFL)
                flags |= O_NONBLOCK
                _ = fcntl(readFD, F_SETFL, flags)
                while output.count < cap {
                    let count = read(readFD, &buffer, buffer.count)
                    guard count > 0 else { break }
                    output += buffer.prefix(min(count, cap - output.count))
                }
            }
            status = rota_spawn_status(reportFD, status)
            let excerpt = Self.excerpt(String(decoding: output, as: UTF8.self))
            if stoppedAt != nil {
                return .retry("\(program) did not finish within \(Int(timeout)) s; its process group was stopped\(excerpt)")
            }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (the C macros do not reach Swift).
            let signal = status & 0x7f
            if signal == 0 {
                let code = (status >> 8) & 0xff
                return code == 0 ? .delivered : .retry("\(program) exited with status \(code)\(excerpt)")
            }
            return .retry("\(program) was killed by signal \(signal)\(excerpt)")
        }

        static func excerpt(_ output: String) -> String {
            let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? "" : ": " + trimmed.split(separator: "\n").suffix(3).joined(separator: " | ")
        }
    }
}

private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Where a program named in a rota file is found: as given when it holds a '/', else the first
/// executable match on PATH. Used to run pagers and to warn about ones that cannot run.
public enum ProgramPath {
    public static func resolve(_ program: String, path: String) -> String? {
        if program.contains("/") { return program }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// True when the program resolves to a file this process may execute.
    public static func isRunnable(_ program: String, path: String) -> Bool {
        resolve(program, path: path).map { access($0, X_OK) == 0 } ?? false
    }
}
