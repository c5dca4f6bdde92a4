import Foundation
import Synchronization
@testable import Storage
import Testing

@Suite("Versioned migrations")
struct MigratorTests {
    private let v1 = Migration(version: 1, name: "patients", sql: "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT NOT NULL);")
    private let v2 = Migration(version: 2, name: "patient email", sql: "ALTER TABLE patients ADD COLUMN email TEXT;")

    @Test func appliedOnceAcrossReopens() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/m.sqlite"
            let counter = Counter()
            let counted = Migration(version: 3, name: "counted") { db in
                counter.increment()
                try db.execute("CREATE INDEX patients_by_name ON patients (name)")
            }
            let migrator = Migrator([v1, v2, counted])
            #expect(try migrator.migrate(Connection(path: path)) == [1, 2, 3])
            #expect(try migrator.migrate(Connection(path: path)) == [])
            // And through Database.open, twice more.
            for _ in 0..<2 {
                try await withDatabase(in: directory, named: "m.sqlite", migrator: migrator) { _ in }
            }
            #expect(counter.value == 1)
            let connection = try Connection(path: path)
            #expect(try Migrator.currentVersion(of: connection) == 3)
            let names = try connection.query("SELECT name FROM storage_migrations ORDER BY version") { try $0.get(0, as: String.self) }
            #expect(names == ["patients", "patient email", "counted"])
        }
    }

    @Test func laterMigrationsApplyOnTopOfExistingData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/m.sqlite"
            try Migrator([v1]).migrate(Connection(path: path))
            try Connection(path: path).execute("INSERT INTO patients (name) VALUES ('Ada')")
            #expect(try Migrator([v1, v2]).migrate(Connection(path: path)) == [2])
            let row = try #require(try Connection(path: path).queryFirst("SELECT name, email FROM patients"))
            #expect(try row.get("name", as: String.self) == "Ada")
            #expect(try row.get("email", as: String?.self) == nil)
        }
    }

    @Test func newerDatabaseIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            try Migrator([v1, v2]).migrate(Connection(path: directory + "/m.sqlite"))
            await expectStorageError(.schemaTooNew) { _ = try Migrator([v1]).migrate(Connection(path: directory + "/m.sqlite")) }
            await expectStorageError(.schemaTooNew) {
                try await withDatabase(in: directory, named: "m.sqlite", migrator: Migrator([v1])) { _ in }
            }
            // The refusal changed nothing.
            #expect(try Migrator.currentVersion(of: Connection(path: directory + "/m.sqlite")) == 2)
        }
    }

    @Test func renamedOrMissingMigrationIsAMismatch() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/m.sqlite"
            try Migrator([v1, v2]).migrate(Connection(path: path))
            let renamed = Migration(version: 1, name: "people", sql: "SELECT 1")
            await expectStorageError(.schemaMismatch) { _ = try Migrator([renamed, v2]).migrate(Connection(path: path)) }
            await expectStorageError(.schemaMismatch) { _ = try Migrator([v2]).migrate(Connection(path: path)) }
        }
    }

    @Test func failingMigrationLeavesThePreviousVersion() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/m.sqlite"
            let broken = Migration(
                version: 2, name: "broken",
                sql: "CREATE TABLE visits (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);")
            await expectStorageError(.sqlError) { _ = try Migrator([v1, broken]).migrate(Connection(path: path)) }
            let connection = try Connection(path: path)
            #expect(try Migrator.currentVersion(of: connection) == 1)
            #expect(try connection.queryFirst("SELECT 1 FROM sqlite_schema WHERE name = 'visits'") == nil)
            // Fixed in a later build, it applies.
            let fixed = Migration(version: 2, name: "broken", sql: "CREATE TABLE visits (id INTEGER PRIMARY KEY);")
            #expect(try Migrator([v1, fixed]).migrate(connection) == [2])
        }
    }

    @Test func migrationLeavingForeignKeyViolationsIsRolledBack() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/m.sqlite"
            let orphan = Migration(
                version: 2, name: "orphan",
                sql: """
                    CREATE TABLE visits (id INTEGER PRIMARY KEY, patient_id INTEGER REFERENCES patients(id));
                    PRAGMA defer_foreign_keys = ON;
                    INSERT INTO visits (patient_id) VALUES (42);
                    """)
            await expectStorageError(.foreignKeyViolation) { _ = try Migrator([v1, orphan]).migrate(Connection(path: path)) }
            let version = try Migrator.currentVersion(of: Connection(path: path))
            #expect(version == 1)
        }
    }

    @Test func versionsMustAscend() async throws {
        try await withTemporaryDirectory { directory in
            let connection = try Connection(path: directory + "/m.sqlite")
            await expectStorageError(.misuse) { _ = try Migrator([v2, v1]).migrate(connection) }
            await expectStorageError(.misuse) { _ = try Migrator([v1, v1]).migrate(connection) }
            await expectStorageError(.misuse) {
                try Migrator([Migration(version: 0, name: "zero", sql: "SELECT 1")]).migrate(connection)
            }
        }
    }
}

/// A thread-safe counter for migrations run from storage threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
