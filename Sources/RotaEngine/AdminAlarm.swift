import Foundation
import RotaCore
import RotaStore

/// Something rota itself needs a human for (DESIGN §15), told to `settings.admins` through the
/// outbox. The key names the cause and stays the same while it lasts, so the outbox sends it
/// once; a cause that clears and comes back is a new key (another failed page, another edit
/// that broke the files, another stretch without ticks).
public struct AdminAlarm: Hashable, Sendable {
    public static let keyPrefix = "admin|"
    /// How long the rota files may stay invalid before admins are paged.
    public static let invalidFilesAfter: TimeInterval = 600
    /// How old the last tick may be before a server's runner pages admins.
    public static let staleTickAfter: TimeInterval = 300

    public var key: String
    public var subject: String
    public var text: String

    /// The alarms of one moment, from what the runner sees. Pure: every input is a value.
    /// - failing: pages whose last attempt failed (the store's `failingPages`); those failed for
    ///   good (no retry left) are alarms, admins' own notices excepted.
    /// - invalidSince: when the rota files, invalid now, were last changed (nil: they are valid).
    /// - lastTick: the tick mark, when the caller is a server's runner checking it (else nil).
    public static func alarms(failing: [StoredPage], invalidSince: Date?, lastTick: Date?, now: Date, clock: Date,
                              zone: Zone) -> [AdminAlarm] {
        var alarms: [AdminAlarm] = []
        for page in failing where page.nextAttemptAt == nil && !(page.noticeKey ?? "").hasPrefix(keyPrefix) {
            let what = page.alertID.map { "page to \(page.person) for alert #\($0) (round \(page.round), level \(page.level), \(page.contactKind))" }
                ?? "notice to \(page.person) (\(page.contactKind))"
            alarms.append(AdminAlarm(
                key: keyPrefix + "page-failed|\(page.id)",
                subject: "rota: a \(page.alertID == nil ? "notice" : "page") failed for good",
                text: "The \(what) failed for good: \(page.lastError ?? "no reason recorded"). It will not be retried; "
                    + "fix the contact in the rota files. 'rota status' lists it until the alert is answered."))
        }
        if let invalidSince, clock.timeIntervalSince(invalidSince) >= invalidFilesAfter {
            alarms.append(AdminAlarm(
                key: keyPrefix + "files-invalid|\(Int(invalidSince.timeIntervalSince1970))",
                subject: "rota: the rota files have been invalid for \(Int(clock.timeIntervalSince(invalidSince) / 60)) minutes",
                text: "The rota files have been invalid since \(HumanTime.format(invalidSince, in: zone, year: true)); rota goes on "
                    + "with the last valid revision, so edits made since do not count. Run 'rota validate' and fix them."))
        }
        if let lastTick {
            let key = keyPrefix + "tick-stale|\(Int(lastTick.timeIntervalSince1970))"
            let when = HumanTime.format(lastTick, in: zone, year: true)
            switch TickMark.judge(lastTick, now: now, staleAfter: staleTickAfter) {
            case .stale(let age):
                alarms.append(AdminAlarm(
                    key: key, subject: "rota: no tick for \(age / 60) minutes",
                    text: "The last tick was at \(when): is cron running 'rota tick', or is a runner stuck? Escalations do not move without ticks."))
            case .ahead(let seconds) where Double(seconds) > staleTickAfter:
                alarms.append(AdminAlarm(
                    key: key, subject: "rota: the last tick is \(seconds / 60) minutes in the future",
                    text: "The last tick is marked \(when), in the future (a tick ran with a future --now): whether cron runs "
                        + "'rota tick' cannot be seen until a tick replaces it. Run 'rota tick' once, and check cron."))
            default: break
            }
        }
        return alarms
    }
}
