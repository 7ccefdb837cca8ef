import Foundation
import RotaCore
import RotaStore

/// Where an alert stands and what happens next, in words: what `alert list`, `alert show`,
/// the ack-link page and the board all say of it.
public struct AlertStanding: Sendable {
    public var alert: StoredAlert
    /// Everyone a page reached so far, in the order first paged.
    public var paged: [String]
    /// The highest level paged in the round now running (nil before the first page).
    public var levelReached: Int?
    /// `level 3 (schedule head-of-comms) at Mon 30 Nov 03:30 CET`, `re-pages at … (ack timeout)`, `nothing: resolved`.
    public var next: String
    /// When the next step is due, if one is.
    public var nextAt: Date?

    public init(_ alert: StoredAlert, pages: [StoredPage], rota: Rota, now: Date, zone: Zone) {
        self.alert = alert
        let sent = pages.filter { $0.alertID == alert.id && $0.status == .sent && $0.noticeKey == nil }
        var seen = Set<String>()
        paged = sent.sorted { ($0.sentAt ?? $0.dueAt, $0.id) < ($1.sentAt ?? $1.dueAt, $1.id) }.map(\.person).filter { seen.insert($0).inserted }
        levelReached = sent.filter { $0.round == alert.progress.round }.map(\.level).max()
        (next, nextAt) = Self.next(alert, rota: rota, now: now, zone: zone)
    }

    /// The next step for an alert and when it is due, in words: all `alert list` needs (no pages read).
    public static func next(_ alert: StoredAlert, rota: Rota, now: Date, zone: Zone) -> (words: String, at: Date?) {
        let progress = alert.progress
        if alert.ownStatus == .resolved { return ("nothing: resolved", nil) }
        // An alert of another's incident escalates with it, never on its own.
        if !alert.opensIncident { return ("with incident #\(alert.incidentID)", nil) }
        switch progress.status {
        case .resolved:
            return ("nothing: resolved", nil)
        case .acknowledged:
            let timeout = rota.service(alert.service)?.ackTimeout
            guard let wake = progress.wakeUp(ackTimeout: timeout) else { return ("nothing while acknowledged", nil) }
            return ("re-pages at \(HumanTime.format(wake, in: zone)) (ack timeout \(DurationText.format(seconds: timeout ?? 0)))", wake)
        case .triggered:
            guard let level = progress.nextLevel, let due = progress.nextDueAt else { return ("nothing more: every level has been paged", nil) }
            let targets = rota.escalation(alert.escalation).flatMap { level <= $0.levels.count ? $0.levels[level - 1].targets : nil } ?? []
            var words = "level \(level)"
            if !targets.isEmpty { words += " (" + targets.map(Self.words).joined(separator: ", ") + ")" }
            if level == 1 && progress.round > progress.cycleFirstRound { words = "round \(progress.round - progress.cycleFirstRound + 1) from " + words }
            else if level == 1 && progress.round > 1 { words = "again after the ack timeout: " + words }
            words += due <= now ? " now (due \(HumanTime.format(due, in: zone)))" : " at \(HumanTime.format(due, in: zone))"
            if let held = alert.held, level == 1, progress.round == 1, due > now { words += " (waits: \(HumanTime.rewritingInstants(in: held, zone: zone)))" }
            return (words, due)
        }
    }

    static func words(_ target: Target) -> String {
        switch target {
        case .person(let id): id
        case .schedule(let id): "on call in \(id)"
        }
    }
}
