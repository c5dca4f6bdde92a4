/// The database of one tenant, as a handler receives it: it reaches that tenant's file and nothing
/// else (the pool it came from is private, and there is no path or tenant parameter to change).
///
/// A lightweight handle: each call checks the database out of the pool, which reopens it if it was
/// closed as least recently used in between, and keeps it open while the call runs.
package struct TenantDatabase: Sendable {
    /// Whose database this is.
    package let tenant: TenantID
    private let pool: TenantDatabasePool

    init(tenant: TenantID, pool: TenantDatabasePool) {
        self.tenant = tenant
        self.pool = pool
    }

    /// Runs `body` in a write transaction on this tenant's database (see `Database.write`).
    @discardableResult
    package func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await pool.withDatabase(of: tenant) { database in try await database.write(body) }
    }

    /// Runs `body` in a read transaction on this tenant's database (see `Database.read`).
    package func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await pool.withDatabase(of: tenant) { database in try await database.read(body) }
    }
}
