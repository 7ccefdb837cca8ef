import Foundation

/// Waits up to `seconds` for `condition`, checking it every 50 ms; true as soon as it holds.
/// A wait on a condition, never a fixed sleep: the caller asserts on the answer.
func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// The same, for code that is not async (blocking the calling thread).
func eventuallyBlocking(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}

/// True while a process with this pid runs: not gone, and not a zombie waiting to be reaped
/// (a container's first process may never reap orphans).
func processRuns(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
}

/// The lines "NAME STATUS" a shell loop of rota commands wrote down, one per command run.
func commandOutcomes(_ path: String) -> [(summary: String, status: Int)] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
        let parts = $0.split(separator: " ")
        guard parts.count == 2, let status = Int(parts[1]) else { return nil }
        return (String(parts[0]), status)
    }
}

/// Blocks the calling thread on purpose: most end-to-end tests hold a test-pool thread while a
/// `rota` process runs, so an `await` here could resume only after the moment it waits for has
/// passed (a pager that should have been caught mid-delivery would have finished).
/// Waits (bounded) until every process whose pid a test pager wrote to `path` (one per line, `echo $$`)
/// has ended: after that, what those pagers wrote is final. False if none was written or one still runs.
func pagersEnded(listedIn path: String, within seconds: Double = 30) -> Bool {
    let pids = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    return !pids.isEmpty && eventuallyBlocking(seconds) { !pids.contains(where: processRuns) }
}
