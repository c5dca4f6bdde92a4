import Foundation
package import NIOPosix

/// The databases of one service: one SQLite file per tenant at `<data>/<service>/<tenant>.sqlite`,
/// plus a platform database at `<data>/<service>/platform.db` for platform-wide directories (its
/// extension keeps it apart from every possible tenant file).
///
/// A tenant's database is opened (and migrated) on first use and closed again, least recently used
/// first, once more than `maxOpenDatabases` are open. A database in use is never closed under its
/// user: when every open database is busy the pool goes over the limit and catches up as they are
/// released. Call `close()` before dropping the pool.
///
/// ```swift
/// let pool = try TenantDatabasePool(dataDirectory: "./data", service: "booking", tenantMigrator: migrator)
/// let database = try await pool.database(for: TenantID(tenantFromToken))   // what a handler receives
/// try await database.write { db in try db.execute("INSERT INTO slots (id) VALUES (?)", [slotID]) }
/// await pool.close()
/// ```
package actor TenantDatabasePool {
    private enum Entry {
        case opening(Task<Database, any Error>)
        case open(Database)
    }

    /// The folder holding this service's files, `<data>/<service>`.
    package nonisolated let directory: String
    private let tenantMigrator: Migrator
    private let platformMigrator: Migrator
    private let configuration: StorageConfiguration
    private let maxOpenDatabases: Int
    private let threadPool: NIOThreadPool
    private let ownsThreadPool: Bool

    // Recency order only: eviction is done by hand so a database in use is never dropped.
    private var entries = LRUCache<TenantID, Entry>(capacity: .max)
    private var useCounts: [TenantID: Int] = [:]
    private var closing: [TenantID: (id: Int, task: Task<Void, Never>)] = [:]
    private var nextClosingID = 0
    private var platform: Task<Database, any Error>?
    private var isClosed = false

    /// A pool for `service` under `dataDirectory`, creating `<data>/<service>` (mode 0700) if needed.
    ///
    /// Without a `threadPool` (or the configuration's shared one) the pool starts its own with `threadCount` threads and stops it in `close()`.
    package init(
        dataDirectory: String,
        service: String,
        tenantMigrator: Migrator,
        platformMigrator: Migrator = Migrator([]),
        maxOpenDatabases: Int = 64,
        configuration: StorageConfiguration = StorageConfiguration(),
        threadPool: NIOThreadPool? = nil,
        threadCount: Int = 4
    ) throws {
        try TenantID.validate(service, what: "service name")
        let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent(service).path
        do {
            // Patient data: only the service's own user may list or open the files.
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageError(.cannotOpen, "cannot create data directory \(directory): \(error.localizedDescription)")
        }
        self.directory = directory
        self.tenantMigrator = tenantMigrator
        self.platformMigrator = platformMigrator
        self.maxOpenDatabases = max(1, maxOpenDatabases)
        self.configuration = configuration
        if let threadPool = threadPool ?? configuration.sharedThreadPool {
            self.threadPool = threadPool
            self.ownsThreadPool = false
        } else {
            let threadPool = NIOThreadPool(numberOfThreads: max(1, threadCount))
            threadPool.start()
            self.threadPool = threadPool
            self.ownsThreadPool = true
        }
    }

    deinit {
        // A forgotten close() must not trip NIOThreadPool's "deinit while running" assertion.
        let closed = isClosed
        if ownsThreadPool, !closed {
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// The file of `tenant`'s database.
    package nonisolated func path(for tenant: TenantID) -> String {
        directory + "/" + tenant.rawValue + ".sqlite"
    }

    /// The file of the platform database.
    package nonisolated var platformPath: String { directory + "/platform.db" }

    /// The database of `tenant`, opened and migrated now if it is not open yet, so that a broken or
    /// too-new file fails the call at its start rather than half-way.
    package func database(for tenant: TenantID) async throws -> TenantDatabase {
        _ = try await acquire(tenant)
        release(tenant)
        return TenantDatabase(tenant: tenant, pool: self)
    }

    /// The platform database (opened on first use, kept open until `close()`).
    package func platformDatabase() async throws -> Database {
        guard !isClosed else { throw StorageError(.closed, "database pool is closed") }
        let task: Task<Database, any Error>
        if let platform {
            task = platform
        } else {
            let (path, migrator, configuration, threadPool) = (platformPath, platformMigrator, configuration, threadPool)
            task = Task {
                try await Database.open(path: path, migrator: migrator, configuration: configuration, threadPool: threadPool)
            }
            platform = task
        }
        do {
            return try await task.value
        } catch {
            if platform == task { platform = nil }
            throw error
        }
    }

    /// The tenants whose databases are open, least recently used first (for tests and metrics).
    package var openTenants: [TenantID] {
        entries.entriesFromOldest.compactMap { entry in
            if case .open = entry.value { return entry.key }
            return nil
        }
    }

    /// Closes every database once its running work is done and stops the pool's own threads.
    /// Later calls fail with `closed`.
    package func close() async {
        guard !isClosed else { return }
        isClosed = true
        for (tenant, entry) in entries.entriesFromOldest {
            entries.removeValue(for: tenant)
            switch entry {
            case .open(let database):
                startClosing(tenant, database)
            case .opening(let task):
                if let database = try? await task.value { startClosing(tenant, database) }
            }
        }
        while let (_, pending) = closing.first {
            await pending.task.value
        }
        if let platform, let database = try? await platform.value {
            await database.close()
        }
        platform = nil
        if ownsThreadPool {
            try? await threadPool.shutdownGracefully()
        }
    }

    // MARK: - Checking databases out and in

    /// Runs `body` with `tenant`'s database checked out, so it cannot be closed as idle meanwhile.
    nonisolated func withDatabase<T: Sendable>(
        of tenant: TenantID, _ body: (Database) async throws -> T
    ) async throws -> T {
        let database = try await acquire(tenant)
        do {
            let result = try await body(database)
            await release(tenant)
            return result
        } catch {
            await release(tenant)
            throw error
        }
    }

    private func acquire(_ tenant: TenantID) async throws -> Database {
        while true {
            guard !isClosed else { throw StorageError(.closed, "database pool is closed") }
            switch entries.value(for: tenant) {
            case .open(let database):
                useCounts[tenant, default: 0] += 1
                evictIdle()
                return database
            case .opening(let task):
                let result = await task.result
                // Whoever wakes first records the outcome; the others find it done. If the entry
                // changed meanwhile (closed, reopened), go round again.
                if case .opening(let current) = entries.peek(tenant), current == task {
                    switch result {
                    case .success(let database): entries.insert(.open(database), for: tenant)
                    case .failure: entries.removeValue(for: tenant)
                    }
                }
                if case .failure(let error) = result { throw error }
            case nil:
                startOpening(tenant)
            }
        }
    }

    private func release(_ tenant: TenantID) {
        let remaining = (useCounts[tenant] ?? 1) - 1
        useCounts[tenant] = remaining > 0 ? remaining : nil
        evictIdle()
    }

    private func startOpening(_ tenant: TenantID) {
        let previousClose = closing[tenant]?.task
        let (path, migrator, configuration, threadPool) = (path(for: tenant), tenantMigrator, configuration, threadPool)
        let task = Task {
            // The same file must not be reopened while its old connections are still closing.
            await previousClose?.value
            return try await Database.open(
                path: path, migrator: migrator, configuration: configuration, threadPool: threadPool)
        }
        entries.insert(.opening(task), for: tenant)
    }

    /// Closes least recently used idle databases until at most `maxOpenDatabases` remain.
    private func evictIdle() {
        while entries.count > maxOpenDatabases {
            let victim = entries.entriesFromOldest.first { entry in
                guard case .open = entry.value else { return false }
                return useCounts[entry.key] == nil
            }
            guard let victim, case .open(let database) = victim.value else { return }
            entries.removeValue(for: victim.key)
            startClosing(victim.key, database)
        }
    }

    private func startClosing(_ tenant: TenantID, _ database: Database) {
        configuration.logger.debug("closing idle tenant database", metadata: ["tenant": "\(tenant)"])
        nextClosingID += 1
        let id = nextClosingID
        let previous = closing[tenant]?.task
        let task = Task {
            await previous?.value
            await database.close()
            // The task inherits the actor's isolation, so this runs on the actor.
            self.finishClosing(tenant, id: id)
        }
        closing[tenant] = (id, task)
    }

    private func finishClosing(_ tenant: TenantID, id: Int) {
        if closing[tenant]?.id == id { closing[tenant] = nil }
    }
}
