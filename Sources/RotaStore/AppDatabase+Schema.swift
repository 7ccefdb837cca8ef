import GRDB

extension AppDatabase {
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
        do {
            try migrator.migrate(queue)
        } catch {
            throw .database("migrating \(path): \(error)")
        }
    }
}

extension AppDatabase {
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
