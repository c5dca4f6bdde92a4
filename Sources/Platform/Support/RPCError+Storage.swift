package import RPCCore
package import Storage

extension RPCError {
    /// The answer for a storage failure while doing `what`: `already_exists` for a unique key,
    /// `unavailable` when the database is busy or closed, `internal` otherwise. The message never
    /// carries SQL or values (they may be patient data); log the storage error's code instead.
    package init(storage error: any Error, what: String) {
        if let error = error as? RPCError {
            self = error
            return
        }
        guard let storage = error as? StorageError else {
            self.init(code: .internal, message: "\(what) failed")
            return
        }
        switch storage.code {
        case .uniqueViolation: self.init(code: .alreadyExists, message: "\(what) already exists")
        case .busy, .closed: self.init(code: .unavailable, message: "\(what) is busy; retry")
        case .notFound: self.init(code: .notFound, message: "\(what) not found")
        default: self.init(code: .internal, message: "\(what) failed")
        }
    }
}

/// Something that runs SQLite transactions: a platform `Database` or a `TenantDatabase`.
package protocol TransactionRunner: Sendable {
    /// Runs `body` in a write transaction.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T
    /// Runs `body` in a read transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T
}

extension Database: TransactionRunner {}
extension TenantDatabase: TransactionRunner {}

extension TransactionRunner {
    /// A write transaction whose storage failures become RPC errors (`RPCError(storage:what:)`);
    /// `what` names the thing written ("the account").
    package func write<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await write(body)
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }

    /// A read transaction whose storage failures become RPC errors.
    package func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try await read(body)
        } catch {
            throw RPCError(storage: error, what: what)
        }
    }
}
