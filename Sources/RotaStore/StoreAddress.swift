/// What `--db` / `ROTA_DB` names: a PostgreSQL address, else a SQLite file path.
public enum StoreAddress {
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }
}
