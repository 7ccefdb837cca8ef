import Foundation
import GRDB
import RotaStore
#if canImport(Glibc)
import Glibc
#endif

extension SQLiteStore {
    /// Frozen migrations: once shipped, a migration is never edited; changes come as new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-state") { db in
            try db.execute(sql: """
                CREATE TABLE revision (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    effective_at REAL NOT NULL,
                    stored_at REAL NOT NULL,
                    fingerprint TEXT NOT NULL,
                    sources TEXT NOT NULL
                );
                CREATE INDEX revision_by_effective_at ON revision(effective_at, id);

                CREATE TABLE override (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    schedule TEXT NOT NULL,
                    person TEXT NOT NULL,
                    start_at REAL NOT NULL,
                    end_at REAL NOT NULL CHECK (end_at > start_at),
                    reason TEXT,
                    created_by TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX override_by_end ON override(end_at);

                CREATE TABLE leave (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    person TEXT NOT NULL,
                    start_at REAL NOT NULL,
                    end_at REAL NOT NULL CHECK (end_at > start_at),
                    reason TEXT,
                    created_by TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX leave_by_end ON leave(end_at);

                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    alert_id INTEGER
                );
                CREATE INDEX event_by_at ON event(at, id);
                CREATE INDEX event_by_alert ON event(alert_id) WHERE alert_id IS NOT NULL;
                CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        registerAlertMigration(&migrator)
        registerExactInstantsMigration(&migrator)
        registerLinearRevisionsMigration(&migrator)
        registerFeedsMigration(&migrator)
        registerMaintenanceMigration(&migrator)
        registerHeartbeatsMigration(&migrator)
        migrator.registerMigration("v8-runner-host") { db in
            // Which host ticked last, as `rota status` says (several hosts share PostgreSQL; SQLite keeps it too).
            try db.execute(sql: "ALTER TABLE runner ADD COLUMN host TEXT")
        }
        migrator.registerMigration("v9-swaps") { db in
            // A swap is one thing: its overrides carry its id, so it is listed and removed whole.
            try db.execute(sql: "ALTER TABLE override ADD COLUMN swap INTEGER")
            try db.execute(sql: "CREATE INDEX override_by_swap ON override(swap) WHERE swap IS NOT NULL")
        }
        migrator.registerMigration("v10-held-kind") { db in
            // What holds level 1 back, as a kind: a removed maintenance window releases by it. Rows
            // written before say it only in words; they are read once, here.
            try db.execute(sql: "ALTER TABLE alert ADD COLUMN held_kind TEXT")
            try db.execute(sql: """
                UPDATE alert SET held_kind = CASE WHEN held LIKE 'in maintenance%' THEN 'maintenance' ELSE 'daytime' END WHERE held IS NOT NULL
                """)
        }
        migrator.registerMigration("v11-incidents") { db in
            // Incidents (DESIGN §10) live on the alert that opened them; NULL reads as the
            // single-alert default, so an existing database needs no rewrite (each alert is its
            // own incident). An alert resolved on its own frees its dedup key at once.
            try db.execute(sql: """
                ALTER TABLE alert ADD COLUMN incident_id INTEGER;
                ALTER TABLE alert ADD COLUMN alert_count INTEGER;
                ALTER TABLE alert ADD COLUMN last_alert_at INTEGER;
                ALTER TABLE alert ADD COLUMN peak_severity TEXT;
                ALTER TABLE alert ADD COLUMN group_key TEXT;
                ALTER TABLE alert ADD COLUMN merged_into INTEGER;
                ALTER TABLE alert ADD COLUMN closed_at INTEGER;
                ALTER TABLE alert ADD COLUMN closed_by TEXT;
                CREATE INDEX alert_by_incident ON alert(incident_id) WHERE incident_id IS NOT NULL;
                CREATE INDEX alert_open_group ON alert(service, group_key) WHERE group_key IS NOT NULL AND status != 'resolved';
                DROP INDEX alert_open_dedup;
                CREATE UNIQUE INDEX alert_open_key ON alert(service, dedup_key)
                    WHERE dedup_key IS NOT NULL AND status != 'resolved' AND closed_at IS NULL;
                """)
        }
        migrator.registerMigration("v12-crisis") { db in
            // Crisis mode (DESIGN §11): an incident's roles and status updates, one row per incident
            // that has any; the updates themselves are lines of the audit log.
            try db.execute(sql: """
                CREATE TABLE crisis (
                    incident_id INTEGER PRIMARY KEY REFERENCES alert(id),
                    commander TEXT,
                    comms TEXT,
                    last_update_at INTEGER,
                    updates INTEGER NOT NULL DEFAULT 0
                )
                """)
        }
        migrator.registerMigration("v13-report") { db in
            // The response report (DESIGN §12) reads incidents by when they opened.
            try db.execute(sql: "CREATE INDEX alert_by_created ON alert(created_at)")
        }
        return migrator
    }

    /// Applies missing migrations; refuses a database written by a newer schema.
    func migrate() throws(StoreError) {
        let migrator = Self.migrator
        let known = Set(migrator.migrations)
        let applied: Set<String> = try read { db in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        }
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else { throw .schemaTooNew(path: path, unknown: unknown.sorted()) }
        if applied == known { return }
        // Many commands may meet a new database at once (20 raises from a monitor): one migrates
        // while the others wait on a lock beside the database, then find nothing left to do.
        let lock = StateFiles.open(path + ".migrate-lock", flags: O_RDWR)
        guard lock >= 0 else { throw .cannotOpen(path: path, reason: "cannot create \(path).migrate-lock: \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .cannotOpen(path: path, reason: "cannot lock \(path).migrate-lock: \(String(cString: strerror(errno)))") }
        }
        defer { flock(lock, LOCK_UN) }
        do {
            try migrator.migrate(queue)
        } catch {
            throw .database("migrating \(path): \(error)")
        }
    }
}

extension SQLiteStore {
    /// Alerts, the outbox (pages of alerts, and shift notices) and the runner's heartbeat.
    static func registerAlertMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-alerts") { db in
            try db.execute(sql: """
                CREATE TABLE alert (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    service TEXT NOT NULL,
                    escalation TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
                    summary TEXT NOT NULL,
                    details TEXT,
                    severity TEXT NOT NULL,
                    dedup_key TEXT,
                    count INTEGER NOT NULL DEFAULT 1,
                    created_at REAL NOT NULL,
                    acknowledged_at REAL,
                    acknowledged_by TEXT,
                    resolved_at REAL,
                    resolved_by TEXT,
                    round INTEGER NOT NULL,
                    cycle_first_round INTEGER NOT NULL,
                    next_level INTEGER,
                    next_due_at REAL,
                    wake_at REAL
                );
                CREATE UNIQUE INDEX alert_open_dedup ON alert(service, dedup_key)
                    WHERE dedup_key IS NOT NULL AND status != 'resolved';
                CREATE INDEX alert_by_wake ON alert(wake_at) WHERE wake_at IS NOT NULL;
                CREATE INDEX alert_open ON alert(id) WHERE status != 'resolved';

                CREATE TABLE page (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alert_id INTEGER REFERENCES alert(id),
                    notice_key TEXT,
                    notice_subject TEXT,
                    notice_text TEXT,
                    round INTEGER NOT NULL DEFAULT 0,
                    level INTEGER NOT NULL DEFAULT 0,
                    person TEXT NOT NULL,
                    contact INTEGER NOT NULL,
                    contact_kind TEXT NOT NULL,
                    level_due_at REAL NOT NULL,
                    due_at REAL NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL,
                    lease_until REAL,
                    sent_at REAL,
                    late INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    UNIQUE (alert_id, round, level, person, contact),
                    CHECK ((alert_id IS NULL) != (notice_key IS NULL))
                );
                CREATE UNIQUE INDEX page_notice ON page(notice_key, contact) WHERE notice_key IS NOT NULL;
                CREATE INDEX page_due ON page(next_attempt_at) WHERE status IN ('pending', 'failed');
                CREATE INDEX page_leased ON page(lease_until) WHERE status = 'sending';
                CREATE INDEX page_open ON page(status) WHERE status IN ('pending', 'sending', 'failed');
                CREATE INDEX page_by_alert ON page(alert_id);

                CREATE TABLE runner (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_tick_at REAL NOT NULL
                );
                """)
        }
    }
}

extension SQLiteStore {
    /// Instants as whole milliseconds (a REAL of seconds read back through Date could be an ulp
    /// off, so `due <= now` failed for a raise's own `now`); pages name their contact by a stable
    /// key rather than its position; alerts keep the definition they escalate by; revisions keep
    /// the decoded rota with webhook addresses reduced, never the files' text.
    static func registerExactInstantsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-exact-instants") { db in
            let columns: [(String, [String])] = [
                ("revision", ["effective_at", "stored_at"]),
                ("override", ["start_at", "end_at", "created_at"]),
                ("leave", ["start_at", "end_at", "created_at"]),
                ("alert", ["created_at", "acknowledged_at", "resolved_at", "next_due_at", "wake_at"]),
                ("page", ["level_due_at", "due_at", "next_attempt_at", "lease_until", "sent_at"]),
                ("runner", ["last_tick_at"]),
                ("event", ["at"]),
            ]
            // The audit log refuses updates: lift its guard for this one conversion, then restore it.
            try db.execute(sql: "DROP TRIGGER event_is_append_only_update")
            for (table, names) in columns {
                let sets = names.map { "\($0) = CAST(ROUND(\($0) * 1000) AS INTEGER)" }.joined(separator: ", ")
                try db.execute(sql: "UPDATE \(table) SET \(sets)")
            }
            try db.execute(sql: """
                CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                ALTER TABLE page ADD COLUMN contact_key TEXT;
                CREATE UNIQUE INDEX page_alert_contact_key ON page(alert_id, round, level, person, contact_key)
                    WHERE alert_id IS NOT NULL AND contact_key IS NOT NULL;
                CREATE UNIQUE INDEX page_notice_contact_key ON page(notice_key, contact_key)
                    WHERE notice_key IS NOT NULL AND contact_key IS NOT NULL;
                CREATE INDEX page_failed_for_good ON page(alert_id) WHERE status = 'failed' AND next_attempt_at IS NULL;
                ALTER TABLE alert ADD COLUMN definition BLOB;
                ALTER TABLE revision ADD COLUMN model BLOB;
                """)
        }
    }
}

extension SQLiteStore {
    /// Constraints that do not lean on SQLite's single writer: each revision names the one it
    /// follows, once (history stays linear even if two writers race); a claim needs a row that
    /// is still claimable (the claim's UPDATE says so in its WHERE).
    static func registerLinearRevisionsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-linear-revisions") { db in
            try db.execute(sql: """
                ALTER TABLE revision ADD COLUMN follows INTEGER;
                UPDATE revision SET follows = COALESCE((SELECT MAX(earlier.id) FROM revision AS earlier WHERE earlier.id < revision.id), 0);
                CREATE UNIQUE INDEX revision_follows ON revision(follows);
                """)
        }
    }
}

extension SQLiteStore {
    /// Calendar feeds: the generation each person's feed URLs must carry (revoking moves it on).
    static func registerFeedsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-feeds") { db in
            try db.execute(sql: """
                CREATE TABLE feed (
                    person TEXT PRIMARY KEY,
                    generation INTEGER NOT NULL CHECK (generation >= 1)
                );
                """)
        }
    }
}

extension SQLiteStore {
    /// Maintenance windows per service, and what an alert waits for before its level 1.
    static func registerMaintenanceMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-maintenance") { db in
            try db.execute(sql: """
                CREATE TABLE maintenance (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    service TEXT NOT NULL,
                    start_at INTEGER NOT NULL,
                    end_at INTEGER NOT NULL CHECK (end_at > start_at),
                    reason TEXT,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX maintenance_by_end ON maintenance(end_at);
                ALTER TABLE alert ADD COLUMN held TEXT;
                """)
        }
    }
}

extension SQLiteStore {
    /// The last ping of each heartbeat.
    static func registerHeartbeatsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-heartbeats") { db in
            try db.execute(sql: """
                CREATE TABLE heartbeat (
                    id TEXT PRIMARY KEY,
                    last_ping INTEGER NOT NULL
                );
                """)
        }
    }
}

