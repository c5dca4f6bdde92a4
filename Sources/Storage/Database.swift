package import NIOPosix
import Logging

/// One SQLite database file, used from async code: one writer connection (writes are serialized
/// before they reach SQLite) and up to `maxReaders` reader connections (WAL lets them read while
/// the writer writes).
///
/// Every SQLite call runs on the given `NIOThreadPool`, never on a NIO event loop or the Swift
/// cooperative pool; callers only suspend while they wait. The closures are synchronous on
/// purpose: a transaction cannot await something else while it holds the write lock.
///
/// ```swift
/// let database = try await Database.open(path: path, migrator: migrator, threadPool: pool)
/// try await database.write { db in
///     try db.execute("INSERT INTO patients (id, name) VALUES (?, ?)", [id, name])
/// }
/// let names = try await database.read { db in
///     try db.query("SELECT name FROM patients ORDER BY name") { try $0.get("name", as: String.self) }
/// }
/// await database.close()
/// ```
package final class Database: Sendable {
    /// The file.
    package let path: String
    private let writer: ConnectionLeases
    private let readers: ConnectionLeases
    private let threadPool: NIOThreadPool
    private let configuration: StorageConfiguration

    private init(path: String, writer: ConnectionBox, threadPool: NIOThreadPool, configuration: StorageConfiguration) {
        self.path = path
        self.writer = ConnectionLeases(capacity: 1, initial: [writer])
        self.readers = ConnectionLeases(capacity: configuration.maxReaders)
        self.threadPool = threadPool
        self.configuration = configuration
    }

    /// Opens (creating if needed) the database at `path` and applies `migrator`'s pending migrations.
    ///
    /// Fails with `schemaTooNew` when the file was migrated by a newer build.
    package static func open(
        path: String,
        migrator: Migrator,
        configuration: StorageConfiguration = StorageConfiguration(),
        threadPool: NIOThreadPool
    ) async throws -> Database {
        let box = try await threadPool.runIfActive {
            let connection = try Connection(path: path, role: .writer, configuration: configuration)
            let applied = try migrator.migrate(connection)
            if !applied.isEmpty {
                configuration.logger.info(
                    "applied migrations",
                    metadata: ["path": "\(path)", "versions": "\(applied.map(String.init).joined(separator: ","))"])
            }
            return ConnectionBox(connection)
        }
        configuration.logger.debug("opened database", metadata: ["path": "\(path)"])
        return Database(path: path, writer: box, threadPool: threadPool, configuration: configuration)
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`) on the writer connection: it commits
    /// when `body` returns and rolls back when `body` throws. Writers run one at a time, in order.
    @discardableResult
    package func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withLease(of: writer, role: .writer) { connection in
            try connection.transaction(.immediate, body)
        }
    }

    /// Runs `body` in a read transaction on a reader connection, so every query in it sees the same
    /// snapshot; writes are refused (`readOnly`). Readers do not wait for the writer.
    package func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withLease(of: readers, role: .reader) { connection in
            try connection.transaction(.deferred, body)
        }
    }

    /// Waits for running work, then closes every connection. Later calls fail with `closed`.
    package func close() async {
        let connections = await writer.close() + readers.close()
        // Closing the last connection checkpoints the WAL into the file, which is blocking I/O.
        _ = try? await threadPool.runIfActive {
            for box in connections { box.connection.close() }
        }
        configuration.logger.debug("closed database", metadata: ["path": "\(path)"])
    }

    private func withLease<T: Sendable>(
        of leases: ConnectionLeases,
        role: Connection.Role,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let grant = try await leases.acquire()
        let path = self.path
        let configuration = self.configuration
        let existing: ConnectionBox?
        if case .resource(let box) = grant { existing = box } else { existing = nil }
        let outcome: (box: ConnectionBox?, result: Result<T, any Error>)
        do {
            outcome = try await threadPool.runIfActive {
                let box: ConnectionBox
                if let existing {
                    box = existing
                } else {
                    do {
                        box = ConnectionBox(try Connection(path: path, role: role, configuration: configuration))
                    } catch {
                        return (nil, .failure(error))
                    }
                }
                let result = Result { try body(box.connection) }
                // A transaction still open here means even ROLLBACK failed (I/O error): the
                // connection is in an unknown state, so it is dropped rather than reused.
                return (box.connection.isInTransaction ? nil : box, result)
            }
        } catch {
            // The pool is shut down or the task was cancelled before the job started: nothing ran,
            // so a connection we were given goes back untouched.
            if let existing { leases.release(existing) } else { leases.discard() }
            throw error
        }
        if let box = outcome.box { leases.release(box) } else { leases.discard() }
        return try outcome.result.get()
    }
}
