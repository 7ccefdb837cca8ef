import Foundation
import RotaCore
import RotaEngine
import RotaStore

/// Overrides, leave and swaps from the command line, and the notices of what they change.
public struct CoverUseCases: UseCase {
    public let context: Workspace

    /// Puts `person` on call for `schedule` in the window, beating every layer. The warnings
    /// (overlapping overrides, a change in the past) are logged with it and returned.
    public func addOverride(schedule id: String, person name: String, window: Window, reason: String?,
                            as actorName: String?) async throws -> (id: Int, warnings: [String]) {
        let schedule = try schedule(id)
        let person = try person(name)
        let actor = try actor(as: actorName)
        var detail = "override: \(person.id) covers \(schedule.id) from \(TimeText.utc(window.from)) to \(TimeText.utc(window.to))"
        if let reason { detail += " (\(reason))" }
        let warnings = try await warnings(.override(schedule: schedule.id, Override(person: person.id, start: window.from, end: window.to)),
                                          person: person.id)
        detail += Self.logged(warnings)
        let ids = try await changing("override by \(actor)", key: { "override-\($0[0])" }) {
            try await store.addCovers([NewCover(schedule: schedule.id, person: person.id, start: window.from, end: window.to, reason: reason)],
                                      entry: AuditEntry(.overrideAdd, detail), actor: actor, now: now)
        }
        return (ids[0], warnings)
    }

    /// Records that `person` is away in the window: the next member in each rotation covers.
    /// The warnings (who covers instead, hours left with nobody, the person's own overrides, a
    /// change in the past) are logged with it and returned.
    public func addLeave(person name: String, window: Window, reason: String?, as actorName: String?) async throws -> (id: Int, warnings: [String]) {
        let person = try person(name)
        let actor = try actor(as: actorName)
        var detail = "leave: \(person.id) away from \(TimeText.utc(window.from)) to \(TimeText.utc(window.to))"
        if let reason { detail += " (\(reason))" }
        let warnings = try await warnings(.leave(Leave(person: person.id, start: window.from, end: window.to)), person: person.id)
        detail += Self.logged(warnings)
        let ids = try await changing("leave of \(person.id)", key: { "leave-\($0[0])" }) {
            try await store.addCovers([NewCover(schedule: nil, person: person.id, start: window.from, end: window.to, reason: reason)],
                                      entry: AuditEntry(.leaveAdd, detail), actor: actor, now: now)
        }
        return (ids[0], warnings)
    }

    /// What a change puts at risk, in each schedule's zone (`--tz` when given).
    func warnings(_ change: ChangeWarnings.Change, person: String) async throws -> [String] {
        let before = try await timetable(from: change.start, to: change.end)
        return ChangeWarnings.review(change, before: before, now: now) { shownZone(schedule: $0, person: person) }
    }

    /// Warnings as the audit log keeps them, after the change's own words.
    static func logged(_ warnings: [String]) -> String {
        warnings.isEmpty ? "" : "; warnings: " + warnings.joined(separator: "; ")
    }

    /// Trades on-call time: in the window, A's stretches go to B and B's to A, as overrides.
    public func swap(schedule id: String, between first: String, and second: String, window: Window, reason: String?,
                     as actorName: String?) async throws -> (swap: Int, ids: [Int], trades: [SwapTrades.Trade], schedule: Schedule) {
        let schedule = try schedule(id)
        let a = try person(first), b = try person(second)
        let actor = try actor(as: actorName)
        let shifts = try await timetable(from: window.from, to: window.to).shifts(schedule: schedule.id, from: window.from, to: window.to)
        let trades = SwapTrades.trades(between: a.id, and: b.id, in: shifts)
        guard !trades.isEmpty else {
            throw RotaError.invalidData("neither \(a.id) nor \(b.id) is on call in \(schedule.id) between \(HumanTime.format(window.from, in: shownZone(schedule: schedule.id))) and \(HumanTime.format(window.to, in: shownZone(schedule: schedule.id))); nothing to swap")
        }
        var detail = "swap: \(a.id) and \(b.id) trade \(schedule.id) from \(TimeText.utc(window.from)) to \(TimeText.utc(window.to))"
        if let reason { detail += " (\(reason))" }
        let covers = trades.map { NewCover(schedule: schedule.id, person: $0.person, start: $0.start, end: $0.end, reason: reason) }
        let ids = try await changing("swap between \(a.id) and \(b.id)", key: { "swap-\($0.map(String.init).joined(separator: "-"))" }) {
            try await store.addSwap(covers, entry: AuditEntry(.swap, detail), actor: actor, now: now)
        }
        return (ids[0], ids, trades, schedule)
    }

    /// The swaps whose overrides are current or to come (or all), each with its overrides.
    public func swaps(all: Bool) async throws -> [StoredSwap] {
        let overrides = try await list(.override, all: all).filter { $0.swap != nil }
        return Dictionary(grouping: overrides, by: { $0.swap ?? 0 }).map { StoredSwap(id: $0.key, overrides: $0.value.sorted { $0.start < $1.start }) }
            .sorted { $0.id < $1.id }
    }

    /// Undoes a swap: every one of its overrides at once.
    public func removeSwap(_ id: Int, as actorName: String?) async throws -> [StoredCover] {
        let actor = try actor(as: actorName)
        var removed: [StoredCover] = []
        do {
            _ = try await changing("swap #\(id) removed by \(actor)", key: { _ in "swap-removed-\(id)" }) {
                removed = try await store.removeSwap(id, actor: actor, now: now)
                return removed.map(\.id)
            }
        } catch RotaError.store(.notFound) {
            throw RotaError.notFound("no swap #\(id); 'rota swap list --all' shows them")
        }
        return removed
    }

    /// Removes an override or leave by id; the log keeps what it was.
    public func removeCover(_ kind: StoredCover.Kind, id: Int, as actorName: String?) async throws -> StoredCover {
        let actor = try actor(as: actorName)
        var removed: StoredCover?
        do {
            _ = try await changing("\(kind.rawValue) #\(id) removed by \(actor)", key: { "\(kind.rawValue)-removed-\($0[0])" }) {
            let cover = try await store.removeCover(kind, id: id, actor: actor, now: now) { cover in
                let span = "from \(TimeText.utc(cover.start)) to \(TimeText.utc(cover.end))"
                return cover.schedule.map { "\(cover.person) covering \($0) \(span)" } ?? "\(cover.person) away \(span)"
            }
            removed = cover
            return [cover.id]
            }
        } catch RotaError.store(.notFound(let what)) {
            throw RotaError.notFound("\(what); 'rota \(kind.rawValue) list --all' shows them")
        }
        guard let removed else { throw RotaError.notFound("no \(kind.rawValue) #\(id)") }
        return removed
    }

    /// Covers of one kind: current and future ones, or all.
    public func list(_ kind: StoredCover.Kind, all: Bool) async throws -> [StoredCover] {
        try await storeCall { try await store.covers(kind, endingAfter: all ? nil : now) }
    }

    /// After a new revision of the rota files (DESIGN §14, §16): when settings.shift_notices.changes
    /// is on, everyone whose shifts in the next 7 days differ from the previous revision's is told
    /// once (the outbox key names the revision). The first revision stored tells nobody.
    func queueRevisionNotices(_ revision: StoredRevision) async throws {
        guard rota.settings.noticeChanges, try await storeCall({ try await store.revisions() }).contains(where: { $0.id < revision.id }) else { return }
        let horizon = now.addingTimeInterval(7 * 86400)
        let before = try await timetable(from: now, to: horizon, before: revision.id)
        let after = try await timetable(from: now, to: horizon)
        let told = try await queueChanged(before: before, after: after, what: "the rota files changed: revision \(revision.id)",
                                          key: "revision-\(revision.id)")
        if !told.isEmpty { logger.info("revision \(revision.id) of the rota files moved the shifts of \(told.joined(separator: ", ")): each is told once") }
    }

    /// Queues "your next 7 days changed" for everyone whose shifts differ between two timetables
    /// (once per `key` and person: the outbox keeps keys); who was told.
    private func queueChanged(before: Timetable, after: Timetable, what: String, key: String) async throws -> [String] {
        let notices = ShiftNotices.changed(before: before, after: after, rota: rota, now: now, what: what, key: key)
        if !notices.isEmpty { _ = try await storeCall { try await store.enqueue(Engine.entries(notices, rota: rota, now: now)) } }
        return notices.map(\.person)
    }

    /// Runs a change (override, leave, swap, removal) and, when settings.shift_notices.changes is
    /// on, queues "your next 7 days changed" for everyone whose next 7 days it altered. `key`
    /// names the change (stable, unique) from the ids it produced.
    func changing(_ what: String, key: ([Int]) -> String, _ change: () async throws -> [Int]) async throws -> [Int] {
        guard rota.settings.noticeChanges else { return try await storeCall(change) }
        let horizon = now.addingTimeInterval(7 * 86400)
        let before = try await timetable(from: now, to: horizon)
        let ids = try await storeCall(change)
        let after = try await timetable(from: now, to: horizon)
        _ = try await queueChanged(before: before, after: after, what: what, key: key(ids))
        return ids
    }
}

extension Workspace {
    public var covers: CoverUseCases { CoverUseCases(context: self) }
}
