import Foundation
import Logging
import PostgresNIO
import RotaStore

/// Frozen migrations: once shipped, a migration is never edited; changes come as new ones.
/// Applied under a transaction-scoped advisory lock, so that many commands meeting a new
/// database at once migrate it once.
enum PostgresMigrations {
    static let lockKey: Int64 = 0x726F_7461_6D69_67 // "rotamig"

    static let all: [(id: String, sql: [String])] = [
        ("pg-v1-state", [
            """
            CREATE TABLE revision (
                id BIGSERIAL PRIMARY KEY,
                effective_at BIGINT NOT NULL,
                stored_at BIGINT NOT NULL,
                fingerprint TEXT NOT NULL,
                sources TEXT NOT NULL DEFAULT '[]',
                model BYTEA,
                follows BIGINT NOT NULL UNIQUE,
                host TEXT
            )
            """,
            "CREATE INDEX revision_by_effective_at ON revision(effective_at, id)",
            """
            CREATE TABLE override (
                id BIGSERIAL PRIMARY KEY,
                schedule TEXT NOT NULL,
                person TEXT NOT NULL,
                start_at BIGINT NOT NULL,
                end_at BIGINT NOT NULL CHECK (end_at > start_at),
                reason TEXT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX override_by_end ON override(end_at)",
            """
            CREATE TABLE leave (
                id BIGSERIAL PRIMARY KEY,
                person TEXT NOT NULL,
                start_at BIGINT NOT NULL,
                end_at BIGINT NOT NULL CHECK (end_at > start_at),
                reason TEXT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX leave_by_end ON leave(end_at)",
            """
            CREATE TABLE event (
                id BIGSERIAL PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                event TEXT NOT NULL,
                detail TEXT NOT NULL,
                alert_id BIGINT
            )
            """,
            "CREATE INDEX event_by_at ON event(at, id)",
            "CREATE INDEX event_by_alert ON event(alert_id) WHERE alert_id IS NOT NULL",
            """
            CREATE FUNCTION rota_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END
            $$
            """,
            "CREATE TRIGGER event_is_append_only BEFORE UPDATE OR DELETE ON event FOR EACH ROW EXECUTE FUNCTION rota_event_is_append_only()",
            "CREATE TRIGGER event_is_never_truncated BEFORE TRUNCATE ON event FOR EACH STATEMENT EXECUTE FUNCTION rota_event_is_append_only()",
            """
            CREATE TABLE alert (
                id BIGSERIAL PRIMARY KEY,
                service TEXT NOT NULL,
                escalation TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
                summary TEXT NOT NULL,
                details TEXT,
                severity TEXT NOT NULL,
                dedup_key TEXT,
                count BIGINT NOT NULL DEFAULT 1,
                created_at BIGINT NOT NULL,
                acknowledged_at BIGINT,
                acknowledged_by TEXT,
                resolved_at BIGINT,
                resolved_by TEXT,
                round BIGINT NOT NULL,
                cycle_first_round BIGINT NOT NULL,
                next_level BIGINT,
                next_due_at BIGINT,
                wake_at BIGINT,
                definition BYTEA,
                held TEXT
            )
            """,
            "CREATE UNIQUE INDEX alert_open_dedup ON alert(service, dedup_key) WHERE dedup_key IS NOT NULL AND status <> 'resolved'",
            "CREATE INDEX alert_by_wake ON alert(wake_at) WHERE wake_at IS NOT NULL",
            "CREATE INDEX alert_open ON alert(id) WHERE status <> 'resolved'",
            """
            CREATE TABLE page (
                id BIGSERIAL PRIMARY KEY,
                alert_id BIGINT REFERENCES alert(id),
                notice_key TEXT,
                notice_subject TEXT,
                notice_text TEXT,
                round BIGINT NOT NULL DEFAULT 0,
                level BIGINT NOT NULL DEFAULT 0,
                person TEXT NOT NULL,
                contact BIGINT NOT NULL,
                contact_kind TEXT NOT NULL,
                contact_key TEXT NOT NULL,
                level_due_at BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at BIGINT,
                lease_until BIGINT,
                sent_at BIGINT,
                late BOOLEAN NOT NULL DEFAULT false,
                last_error TEXT,
                CHECK ((alert_id IS NULL) <> (notice_key IS NULL))
            )
            """,
            "CREATE UNIQUE INDEX page_alert_contact_key ON page(alert_id, round, level, person, contact_key) WHERE alert_id IS NOT NULL",
            "CREATE UNIQUE INDEX page_notice_contact_key ON page(notice_key, contact_key) WHERE notice_key IS NOT NULL",
            "CREATE INDEX page_due ON page(next_attempt_at) WHERE status IN ('pending', 'failed')",
            "CREATE INDEX page_leased ON page(lease_until) WHERE status = 'sending'",
            "CREATE INDEX page_open ON page(status) WHERE status IN ('pending', 'sending', 'failed')",
            "CREATE INDEX page_by_alert ON page(alert_id)",
            "CREATE INDEX page_failed_for_good ON page(alert_id) WHERE status = 'failed' AND next_attempt_at IS NULL",
            "CREATE INDEX page_sent_by_level_due ON page(level_due_at) WHERE status = 'sent'",
            """
            CREATE TABLE runner (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_tick_at BIGINT NOT NULL,
                host TEXT
            )
            """,
            "CREATE TABLE feed (person TEXT PRIMARY KEY, generation BIGINT NOT NULL CHECK (generation >= 1))",
            """
            CREATE TABLE maintenance (
                id BIGSERIAL PRIMARY KEY,
                service TEXT NOT NULL,
                start_at BIGINT NOT NULL,
                end_at BIGINT NOT NULL CHECK (end_at > start_at),
                reason TEXT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX maintenance_by_end ON maintenance(end_at)",
            "CREATE TABLE heartbeat (id TEXT PRIMARY KEY, last_ping BIGINT NOT NULL)",
        ]),
        // A swap is one thing: its overrides carry its id, so it is listed and removed whole.
        ("pg-v2-swaps", [
            "ALTER TABLE override ADD COLUMN swap BIGINT",
            "CREATE INDEX override_by_swap ON override(swap) WHERE swap IS NOT NULL",
        ]),
        // What holds level 1 back, as a kind (see the SQLite store's v10).
        ("pg-v3-held-kind", [
            "ALTER TABLE alert ADD COLUMN held_kind TEXT",
            "UPDATE alert SET held_kind = CASE WHEN held LIKE 'in maintenance%' THEN 'maintenance' ELSE 'daytime' END WHERE held IS NOT NULL",
        ]),
        // Incidents (see the SQLite store's v11).
        ("pg-v4-incidents", [
            """
            ALTER TABLE alert ADD COLUMN incident_id BIGINT, ADD COLUMN alert_count BIGINT, ADD COLUMN last_alert_at BIGINT,
                ADD COLUMN peak_severity TEXT, ADD COLUMN group_key TEXT, ADD COLUMN merged_into BIGINT,
                ADD COLUMN closed_at BIGINT, ADD COLUMN closed_by TEXT
            """,
            "CREATE INDEX alert_by_incident ON alert(incident_id) WHERE incident_id IS NOT NULL",
            "CREATE INDEX alert_open_group ON alert(service, group_key) WHERE group_key IS NOT NULL AND status <> 'resolved'",
            "DROP INDEX alert_open_dedup",
            "CREATE UNIQUE INDEX alert_open_key ON alert(service, dedup_key) WHERE dedup_key IS NOT NULL AND status <> 'resolved' AND closed_at IS NULL",
        ]),
        // Crisis mode (see the SQLite store's v12).
        ("pg-v5-crisis", [
            """
            CREATE TABLE crisis (
                incident_id BIGINT PRIMARY KEY REFERENCES alert(id),
                commander TEXT,
                comms TEXT,
                last_update_at BIGINT,
                updates BIGINT NOT NULL DEFAULT 0
            )
            """,
        ]),
        // The response report reads incidents by when they opened (see the SQLite store's v13).
        ("pg-v6-report", [
            "CREATE INDEX alert_by_created ON alert(created_at)",
        ]),
    ]

    static func migrate(_ connection: PostgresConnection, address: PostgresAddress) async throws {
        let logger = Logger(label: "rota.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let known = Set(all.map(\.id))
        if let applied = try await applied(connection, logger: logger) {
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else { throw StoreError.schemaTooNew(path: address.shown, unknown: unknown.sorted()) }
            if applied == known { return }
        }
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS rota_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                                       logger: logger)
            let applied = try await Self.applied(connection, logger: logger) ?? []
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else { throw StoreError.schemaTooNew(path: address.shown, unknown: unknown.sorted()) }
            for migration in all where !applied.contains(migration.id) {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO rota_migrations (identifier) VALUES (\(migration.id))", logger: logger)
            }
        }
    }

    /// The migrations applied, or nil when the database has none yet.
    private static func applied(_ connection: PostgresConnection, logger: Logger) async throws -> Set<String>? {
        let exists = try await connection.query("SELECT to_regclass('rota_migrations') IS NOT NULL", logger: logger).collect()
        guard let row = exists.first, try row.decode(Bool.self) else { return nil }
        let rows = try await connection.query("SELECT identifier FROM rota_migrations", logger: logger).collect()
        return Set(try rows.map { try $0.decode(String.self) })
    }
}
