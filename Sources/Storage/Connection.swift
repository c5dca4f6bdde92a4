internal import CSQLite

/// One SQLite connection; owns its `sqlite3*` and closes it in `deinit`.
///
/// Not Sendable on purpose: a connection must be used by one thread at a time. Services never
/// create one; they get one inside `Database.read`/`write` (or `TenantDatabase`), on a storage
/// thread, for the duration of a synchronous closure.
///
/// Durability: writers use WAL with `synchronous=NORMAL`. A committed transaction survives the
/// process being killed (the WAL is in the OS page cache); after a power loss or kernel crash the
/// transactions committed since the last checkpoint may be rolled back, but the file is never
/// corrupt. FULL would fsync on every commit for a much lower write rate.
package final class Connection {
    /// What a connection is for.
    package enum Role: Sendable {
        /// Creates the file if needed and sets it up (WAL, foreign keys); may write.
        case writer
        /// Opens an existing file for reading only (`query_only`).
        case reader
    }

    /// The file this connection has open.
    package let path: String
    /// Writer or reader.
    package let role: Role
    private let handle: OpaquePointer
    private var statements: LRUCache<String, Statement>
    private var isClosed = false
    var savepointDepth = 0

    /// Opens `path` and applies the per-connection settings for `role`.
    package init(path: String, role: Role = .writer, configuration: StorageConfiguration = StorageConfiguration()) throws {
        var handle: OpaquePointer?
        // NOMUTEX: SQLite's own per-connection mutex is redundant, a connection is never shared.
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= role == .writer ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READWRITE
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            // sqlite3_open_v2 allocates a handle even when it fails; read its message, then close it.
            let error = StorageError(resultCode: code, handle: handle, sql: nil)
            sqlite3_close_v2(handle)
            throw StorageError(error.code, "cannot open database: \(error.message)", sqliteCode: error.sqliteCode)
        }
        self.path = path
        self.role = role
        self.handle = handle
        self.statements = LRUCache(capacity: configuration.statementCacheCapacity)
        do {
            try configure(configuration)
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Closes the connection now (later calls fail with `closed`); `deinit` does it otherwise.
    /// Closing the last connection of a file checkpoints the WAL into it: blocking I/O.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        // Statements first, so sqlite3_close_v2 can close at once instead of leaving a zombie.
        _ = statements.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure(_ configuration: StorageConfiguration) throws {
        sqlite3_busy_timeout(handle, configuration.busyTimeoutMilliseconds)
        try check(csqlite_enable_defensive(handle))
        try check(csqlite_disable_double_quoted_strings(handle))
        switch role {
        case .writer:
            // journal_mode answers with the mode it ended up in; anything but wal (e.g. a file
            // system without shared memory) would silently lose the concurrency and durability model.
            let mode = try query("PRAGMA journal_mode = WAL").first?.get(0, as: String.self)
            guard mode?.lowercased() == "wal" else {
                throw StorageError(.cannotOpen, "database cannot use WAL (journal mode \(mode ?? "unknown"))")
            }
            try execute("PRAGMA synchronous = NORMAL")
            try execute("PRAGMA foreign_keys = ON")
        case .reader:
            try execute("PRAGMA query_only = ON")
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw StorageError(resultCode: code, handle: handle, sql: nil) }
    }

    // MARK: - Running statements

    /// Runs one statement with `bindings` for its `?` parameters; returns the number of rows changed.
    @discardableResult
    package func execute(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> Int {
        try withStatement(sql, bindings) { statement in
            while try statement.step() {}
        }
        return Int(sqlite3_changes64(handle))
    }

    /// Runs SQL holding several statements and no parameters (schema scripts, migrations).
    package func executeScript(_ sql: String) throws {
        guard !isClosed else { throw StorageError(.closed, "connection is closed", sql: sql) }
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if let message { sqlite3_free(message) }
        guard code == SQLITE_OK else { throw StorageError(resultCode: code, handle: handle, sql: sql) }
    }

    /// Runs a query and returns every row.
    package func query(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> [Row] {
        try withStatement(sql, bindings) { statement in
            var rows: [Row] = []
            while try statement.step() {
                rows.append(statement.currentRow())
            }
            return rows
        }
    }

    /// Runs a query and turns each row into a `T` with `decode`.
    package func query<T>(
        _ sql: String, _ bindings: [any SQLBindable] = [], as decode: (Row) throws -> T
    ) throws -> [T] {
        // Rows are copied out before `decode` runs, so `decode` may use this connection freely.
        try query(sql, bindings).map(decode)
    }

    /// Runs a query and returns its first row, or nil when there is none.
    package func queryFirst(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> Row? {
        try withStatement(sql, bindings) { statement in
            try statement.step() ? statement.currentRow() : nil
        }
    }

    /// Runs a query and decodes its first row, or returns nil when there is none.
    package func queryFirst<T>(
        _ sql: String, _ bindings: [any SQLBindable] = [], as decode: (Row) throws -> T
    ) throws -> T? {
        try queryFirst(sql, bindings).map(decode)
    }

    /// The first column of the first row as a `T`; no row is a `notFound` error.
    package func scalar<T: SQLDecodable>(
        _ sql: String, _ bindings: [any SQLBindable] = [], as type: T.Type = T.self
    ) throws -> T {
        guard let row = try queryFirst(sql, bindings) else {
            throw StorageError(.notFound, "query returned no row", sql: sql)
        }
        return try row.get(0, as: type)
    }

    /// The rowid of the last row inserted on this connection.
    package var lastInsertRowID: Int64 { isClosed ? 0 : sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on this connection.
    package var isInTransaction: Bool { !isClosed && sqlite3_get_autocommit(handle) == 0 }

    /// The number of prepared statements currently cached (for tests and diagnostics).
    package var cachedStatementCount: Int { statements.count }

    private func withStatement<T>(
        _ sql: String, _ bindings: [any SQLBindable], _ body: (Statement) throws -> T
    ) throws -> T {
        guard !isClosed else { throw StorageError(.closed, "connection is closed", sql: sql) }
        let statement: Statement
        if let cached = statements.value(for: sql) {
            statement = cached
        } else {
            statement = try Statement(database: handle, sql: sql)
            statements.insert(statement, for: sql)
        }
        // Reset even on failure so a cached statement never keeps a read transaction or values alive.
        defer { statement.reset() }
        try statement.bind(bindings)
        return try body(statement)
    }
}
