/// How a transaction takes its locks.
package enum TransactionKind: Sendable {
    /// `BEGIN IMMEDIATE`: takes the write lock at once, so the busy timeout applies at BEGIN and a
    /// writer never fails half-way when upgrading a read lock. Use for every transaction that writes.
    case immediate
    /// `BEGIN DEFERRED`: a consistent read snapshot from the first read on.
    case deferred

    var beginSQL: String {
        switch self {
        case .immediate: return "BEGIN IMMEDIATE"
        case .deferred: return "BEGIN DEFERRED"
        }
    }
}

extension Connection {
    /// Runs `body` in a transaction that commits when `body` returns and rolls back when it throws
    /// (or when the commit fails), so no partial write is ever visible.
    ///
    /// Inside an open transaction it nests as a savepoint: a thrown error undoes only the inner work.
    @discardableResult
    package func transaction<T>(_ kind: TransactionKind = .immediate, _ body: (Connection) throws -> T) throws -> T {
        if isInTransaction {
            return try savepoint(body)
        }
        try execute(kind.beginSQL)
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            rollbackAfterFailure()
            throw error
        }
    }

    /// Rolls back the open transaction, if any, after a failure. Errors are ignored because the
    /// original error is the one worth reporting, and some failures (disk full, I/O) already made
    /// SQLite roll back on its own.
    func rollbackAfterFailure() {
        guard isInTransaction else { return }
        _ = try? execute("ROLLBACK")
    }

    private func savepoint<T>(_ body: (Connection) throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "clinic_sp\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body(self)
            try execute("RELEASE \(name)")
            return result
        } catch {
            if isInTransaction {
                _ = try? execute("ROLLBACK TO \(name)")
                _ = try? execute("RELEASE \(name)")
            }
            throw error
        }
    }
}
