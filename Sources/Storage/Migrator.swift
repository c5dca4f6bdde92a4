import Foundation

/// Brings a database to the latest schema version it knows, one transaction per migration.
///
/// Applied migrations are recorded in `storage_migrations` (version, name, time applied). A
/// database whose recorded version is newer than this build knows is refused with `schemaTooNew`:
/// an older binary must not write to a schema it does not understand.
package struct Migrator: Sendable {
    /// The migrations, in ascending version order.
    package let migrations: [Migration]

    /// A migrator for `migrations` (checked when applied: versions from 1, unique, ascending).
    package init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// The version the database has after every migration ran (0 when there are none).
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies the pending migrations and returns the versions applied now (empty if up to date).
    ///
    /// Each migration runs in its own `BEGIN IMMEDIATE` transaction together with its record, so a
    /// failure leaves the database at the previous version, and two processes opening the same
    /// file cannot both apply one migration (the second sees the record and skips it).
    @discardableResult
    package func migrate(_ connection: Connection) throws -> [Int] {
        try validate()
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS storage_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at_ms INTEGER NOT NULL
            )
            """)
        try checkRecorded(connection)
        var applied: [Int] = []
        for migration in migrations {
            let ran = try connection.transaction(.immediate) { connection -> Bool in
                let recorded = try connection.queryFirst(
                    "SELECT 1 FROM storage_migrations WHERE version = ?", [migration.version])
                guard recorded == nil else { return false }
                try migration.apply(connection)
                let violations = try connection.query("PRAGMA foreign_key_check")
                guard violations.isEmpty else {
                    throw StorageError(
                        .foreignKeyViolation,
                        "migration \(migration.version) (\(migration.name)) leaves \(violations.count) foreign key violations")
                }
                try connection.execute(
                    "INSERT INTO storage_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
                    [migration.version, migration.name, Date()])
                return true
            }
            if ran { applied.append(migration.version) }
        }
        return applied
    }

    /// The highest version recorded in the database (0 for a fresh file).
    package static func currentVersion(of connection: Connection) throws -> Int {
        try connection.scalar("SELECT coalesce(max(version), 0) FROM storage_migrations", as: Int.self)
    }

    private func validate() throws {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw StorageError(
                    .misuse, "migration versions must start at 1 and strictly ascend (\(migration.version) after \(previous))")
            }
            previous = migration.version
        }
    }

    private func checkRecorded(_ connection: Connection) throws {
        let current = try Migrator.currentVersion(of: connection)
        guard current <= latestVersion else {
            throw StorageError(
                .schemaTooNew,
                "database \(connection.path) is at schema version \(current), newer than this build's \(latestVersion)")
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        let recorded = try connection.query("SELECT version, name FROM storage_migrations ORDER BY version")
        for row in recorded {
            let version: Int = try row.get("version")
            let name: String = try row.get("name")
            guard known[version] == name else {
                throw StorageError(
                    .schemaMismatch,
                    "database \(connection.path) recorded migration \(version) '\(name)', which this build does not declare")
            }
        }
    }
}
