import Foundation
import GRDB
import RotaCore
import RotaStore

extension SQLiteStore {
    public func responseRecords(openedFrom from: Date, to: Date, service: String?) async throws(StoreError) -> [ResponseRecord] {
        try read { db in
            // Three range reads on alert(created_at), each row mapped once; grouping and ordering in
            // memory (100,000 incidents and their previous period in well under a second: BENCHMARKS.md).
            var records: [ResponseRecord] = []
            let window: StatementArguments = [from.millis, to.millis]
            let alerts = try Row.fetchCursor(db, sql: """
                SELECT id, service, escalation, created_at, status, resolved_at, resolved_by, dedup_key, incident_id, merged_into FROM alert
                WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id
                """, arguments: window)
            while let row = try alerts.next() {
                let id: Int = row[0]
                let incident: Int? = row[8]
                let merged: Int? = row[9]
                guard incident == nil || incident == id, merged == nil else { continue }
                let serviceID: String = row[1]
                if let service, service != serviceID { continue }
                records.append(ResponseRecord(id: id, service: serviceID, escalation: row[2], createdAt: Date(millis: row[3]),
                                              status: AlertStatus(rawValue: row[4]) ?? .triggered,
                                              resolvedAt: (row[5] as Int64?).map(Date.init(millis:)), resolvedBy: row[6], dedupKey: row[7]))
            }
            guard let first = records.map(\.id).min() else { return [] }
            let index = RecordIndex(records.map(\.id))
            // Pages of the incidents' own alerts and of the alerts merged into them (those opened
            // outside the window found by the incident index), one per alert, round, level and person.
            var collector = PageCollector()
            for (sql, arguments) in [
                ("a.created_at >= ? AND a.created_at < ?", window),
                ("a.incident_id >= ? AND a.incident_id != a.id AND (a.created_at < ? OR a.created_at >= ?)", [first, from.millis, to.millis] as StatementArguments),
            ] {
                let pages = try Row.fetchCursor(db, sql: """
                    SELECT a.id, a.incident_id, p.round, p.level, p.person, p.level_due_at, p.status, p.sent_at
                    FROM alert a JOIN page p ON p.alert_id = a.id WHERE \(sql) AND p.status != 'cancelled'
                    """, arguments: arguments)
                while let row = try pages.next() {
                    let alert: Int = row[0]
                    let incident: Int = row[1] ?? alert
                    guard let at = index[incident] else { continue }
                    let status: String = row[6]
                    collector.add(alert: alert, record: at, own: alert == incident, round: row[2], level: row[3], person: row[4],
                                  dueAt: row[5], sentAt: status == "sent" ? row[7] : nil, into: &records)
                }
            }
            collector.finish(into: &records)
            let acks = try Row.fetchCursor(db, sql: """
                SELECT a.id, e.at, e.actor, e.id FROM alert a JOIN event e ON e.alert_id = a.id
                WHERE a.created_at >= ? AND a.created_at < ? AND e.event = ?
                """, arguments: window + [AuditKind.alertAcknowledged.rawValue])
            var order: [Int: [Int64]] = [:]
            while let row = try acks.next() {
                guard let at = index[row[0]] else { continue }
                records[at].acknowledgements.append(ResponseRecord.Acknowledgement(at: Date(millis: row[1]), actor: row[2]))
                order[at, default: []].append(row[3])
            }
            // Oldest first, ties in the order they were written.
            for (at, ids) in order where ids.count > 1 {
                let sorted = zip(records[at].acknowledgements, ids).sorted { ($0.0.at, $0.1) < ($1.0.at, $1.1) }
                records[at].acknowledgements = sorted.map(\.0)
            }
            return records
        }
    }
}

/// Where each incident's record is, by alert id: an array over the ids' range when they are dense
/// (they are: ids grow with time), else a dictionary.
private struct RecordIndex {
    private var byID: [Int: Int] = [:]
    private var dense: [Int32] = []
    private var low = 0

    init(_ ids: [Int]) {
        if let low = ids.min(), let high = ids.max(), high - low < 4 * ids.count + 1024 {
            self.low = low
            dense = Array(repeating: -1, count: high - low + 1)
            for (position, id) in ids.enumerated() { dense[id - low] = Int32(position) }
        } else {
            for (position, id) in ids.enumerated() { byID[id] = position }
        }
    }

    subscript(id: Int) -> Int? {
        if dense.isEmpty { return byID[id] }
        let offset = id - low
        guard offset >= 0, offset < dense.count, dense[offset] >= 0 else { return nil }
        return Int(dense[offset])
    }
}

/// Pages grouped per alert, round, level and person: the earliest due time and first delivery.
/// Rows arrive alert by alert (the join walks each alert's pages together), so one alert's
/// handful of rows is grouped at a time.
private struct PageCollector {
    private struct Entry {
        var round: Int
        var level: Int
        var person: String
        var own: Bool
        var dueAt: Int64
        var sentAt: Int64?
    }

    private var alert = -1
    private var record = -1
    private var entries: [Entry] = []

    mutating func add(alert: Int, record: Int, own: Bool, round: Int, level: Int, person: String, dueAt: Int64, sentAt: Int64?,
                      into records: inout [ResponseRecord]) {
        if alert != self.alert { flush(into: &records) }
        self.alert = alert
        self.record = record
        if let index = entries.firstIndex(where: { $0.round == round && $0.level == level && $0.person == person }) {
            entries[index].dueAt = min(entries[index].dueAt, dueAt)
            if let sentAt { entries[index].sentAt = min(entries[index].sentAt ?? sentAt, sentAt) }
        } else {
            entries.append(Entry(round: round, level: level, person: person, own: own, dueAt: dueAt, sentAt: sentAt))
        }
    }

    /// Hands the current alert's pages to its incident.
    mutating func flush(into records: inout [ResponseRecord]) {
        guard record >= 0, !entries.isEmpty else { return }
        for entry in entries {
            records[record].paged.append(ResponseRecord.Paged(own: entry.own, round: entry.round, level: entry.level, person: entry.person,
                                                              dueAt: Date(millis: entry.dueAt), reachedAt: entry.sentAt.map(Date.init(millis:))))
        }
        entries.removeAll(keepingCapacity: true)
    }

    /// Each incident's pages by due time, then round, level and person, once every row is in.
    mutating func finish(into records: inout [ResponseRecord]) {
        flush(into: &records)
        for record in records.indices where records[record].paged.count > 1 {
            records[record].paged.sort { ($0.dueAt, $0.round, $0.level, $0.person) < ($1.dueAt, $1.round, $1.level, $1.person) }
        }
    }
}
