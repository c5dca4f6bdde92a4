import Foundation
@testable import Storage
import Testing

@Suite("Per-tenant database pool")
struct TenantDatabasePoolTests {
    static let platformMigrator = Migrator([
        Migration(version: 1, name: "clinics", sql: "CREATE TABLE clinics (id TEXT PRIMARY KEY, name TEXT NOT NULL);")
    ])

    /// Makes a pool under `directory`, runs `body`, and closes the pool (also when `body` throws).
    private func withPool<T>(
        _ directory: String,
        maxOpen: Int = 8,
        migrator: Migrator = TestSupport.patientsMigrator,
        _ body: (TenantDatabasePool) async throws -> T
    ) async throws -> T {
        let pool = try TenantDatabasePool(
            dataDirectory: directory + "/data", service: "booking", tenantMigrator: migrator,
            platformMigrator: Self.platformMigrator, maxOpenDatabases: maxOpen,
            configuration: TestSupport.configuration, threadCount: 3)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    private func insert(_ name: String, into database: TenantDatabase) async throws {
        try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES (?)", [name]) }
    }

    private func names(in database: TenantDatabase) async throws -> [String] {
        try await database.read { db in try db.query("SELECT name FROM patients ORDER BY id") { try $0.get(0, as: String.self) } }
    }

    @Test func opensLazilyAtTheDocumentedPath() async throws {
        try await withTemporaryDirectory { directory in
            try await withPool(directory) { pool in
                let north = try TenantID("north")
                #expect(pool.path(for: north) == directory + "/data/booking/north.sqlite")
                #expect(!FileManager.default.fileExists(atPath: pool.path(for: north)))
                #expect(await pool.openTenants.isEmpty)
                let database = try await pool.database(for: north)
                #expect(FileManager.default.fileExists(atPath: pool.path(for: north)))
                #expect(await pool.openTenants == [north])
                try await insert("Ada", into: database)
                #expect(try await names(in: database) == ["Ada"])
                let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/data/booking")
                #expect((attributes[.posixPermissions] as? Int) == 0o700)
            }
        }
    }

    @Test func closesTheLeastRecentlyUsedBeyondTheLimit() async throws {
        try await withTemporaryDirectory { directory in
            try await withPool(directory, maxOpen: 2) { pool in
                let (a, b, c) = (try TenantID("a"), try TenantID("b"), try TenantID("c"))
                let databaseA = try await pool.database(for: a)
                try await insert("in a", into: databaseA)
                try await insert("in b", into: pool.database(for: b))
                #expect(await pool.openTenants == [a, b])
                try await insert("in c", into: pool.database(for: c))
                #expect(await pool.openTenants == [b, c])
                // The handle outlives the close: the next call reopens the file, data intact.
                #expect(try await names(in: databaseA) == ["in a"])
                #expect(await pool.openTenants == [c, a])
            }
        }
    }

    @Test func databaseInUseIsNotClosedUnderItsUser() async throws {
        try await withTemporaryDirectory { directory in
            try await withPool(directory, maxOpen: 1) { pool in
                let (a, b) = (try TenantID("a"), try TenantID("b"))
                let databaseA = try await pool.database(for: a)
                let inside = Checkpoint()
                async let holding: Void = databaseA.write { db in
                    try db.execute("INSERT INTO patients (name) VALUES ('held')")
                    inside.arriveAndWait()
                }
                await inside.reached()
                // a is busy and b is now the most recently used, yet it is b, idle again after
                // its write, that the limit closes: a stays open under its writer.
                try await insert("in b", into: pool.database(for: b))
                #expect(await pool.openTenants == [a])
                inside.open()
                try await holding
                #expect(await pool.openTenants == [a])
                #expect(try await names(in: databaseA) == ["held"])
                #expect(try await names(in: pool.database(for: b)) == ["in b"])
                #expect(await pool.openTenants == [b])
            }
        }
    }

    @Test func tenantsNeverSeeEachOthersRows() async throws {
        try await withTemporaryDirectory { directory in
            try await withPool(directory) { pool in
                let north = try await pool.database(for: TenantID("north"))
                let south = try await pool.database(for: TenantID("south"))
                try await insert("North patient", into: north)
                try await insert("South patient", into: south)
                try await insert("Second north patient", into: north)
                #expect(try await names(in: north) == ["North patient", "Second north patient"])
                #expect(try await names(in: south) == ["South patient"])
                #expect(north.tenant.rawValue == "north" && south.tenant.rawValue == "south")
                // Separate files: deleting everything in one leaves the other alone.
                try await north.write { db in try db.execute("DELETE FROM patients") }
                #expect(try await names(in: south) == ["South patient"])
            }
        }
    }

    @Test func concurrentFirstUseOpensOnce() async throws {
        try await withTemporaryDirectory { directory in
            try await withPool(directory, maxOpen: 2) { pool in
                let tenants = try ["a", "b", "c"].map(TenantID.init)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<60 {
                        group.addTask {
                            let database = try await pool.database(for: tenants[index % 3])
                            try await database.write { db in try db.execute("INSERT INTO patients (name) VALUES (?)", ["\(index)"]) }
                        }
                    }
                    try await group.waitForAll()
                }
                for tenant in tenants {
                    #expect(try await names(in: pool.database(for: tenant)).count == 20)
                }
                #expect(await pool.openTenants.count <= 2)
            }
        }
    }

    @Test func badIdentifiersAreRejected() async throws {
        try await withTemporaryDirectory { directory in
            await expectStorageError(.invalidIdentifier) { _ = try TenantID("../booking/other") }
            await expectStorageError(.invalidIdentifier) {
                _ = try TenantDatabasePool(dataDirectory: directory, service: "../escape", tenantMigrator: Migrator([]))
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/escape"))
        }
    }

    @Test func platformDatabaseIsSeparate() async throws {
        try await withTemporaryDirectory { directory in
            try await withPool(directory) { pool in
                let platform = try await pool.platformDatabase()
                #expect(platform.path == directory + "/data/booking/platform.db")
                try await platform.write { db in try db.execute("INSERT INTO clinics (id, name) VALUES ('north', 'North')") }
                #expect(try await pool.platformDatabase().read { db in try db.scalar("SELECT name FROM clinics", as: String.self) } == "North")
                // Not a tenant, never evicted, and tenant schemas do not leak into it.
                #expect(await pool.openTenants.isEmpty)
                await expectStorageError(.sqlError) { try await platform.read { db in _ = try db.query("SELECT * FROM patients") } }
            }
        }
    }

    @Test func failedOpenIsReportedAndRetried() async throws {
        try await withTemporaryDirectory { directory in
            let newer = Migrator([
                Migration(version: 1, name: "patients", sql: "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"),
                Migration(version: 2, name: "future", sql: "CREATE TABLE future (x);"),
            ])
            let north = try TenantID("north")
            try await withPool(directory, migrator: newer) { pool in _ = try await pool.database(for: north) }
            try await withPool(directory) { pool in
                await expectStorageError(.schemaTooNew) { _ = try await pool.database(for: north) }
                await expectStorageError(.schemaTooNew) { _ = try await pool.database(for: north) }
                #expect(await pool.openTenants.isEmpty)
                // Other tenants are unaffected.
                try await insert("fine", into: pool.database(for: TenantID("south")))
            }
        }
    }

    @Test func closedPoolRefuses() async throws {
        try await withTemporaryDirectory { directory in
            var handle: TenantDatabase?
            try await withPool(directory) { pool in handle = try await pool.database(for: TenantID("north")) }
            let database = try #require(handle)
            await expectStorageError(.closed) { try await database.read { _ in } }
        }
    }
}
