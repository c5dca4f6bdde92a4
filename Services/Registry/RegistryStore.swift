import ClinicAPI
import Foundation
import Synchronization

/// The registry's state behind a lock, and the watchers to wake when it changes.
final class RegistryStore: Sendable {
    private struct Books {
        var state = RegistryState()
        var watchers: [UInt64: AsyncStream<Void>.Continuation] = [:]
        var lastWatcher: UInt64 = 0
    }

    private let books = Mutex(Books())

    init() {}

    /// Runs `body` on the state; wakes every watcher when the revision moved.
    func update<T>(_ body: (inout RegistryState) -> T) -> T {
        let (result, wake): (T, [AsyncStream<Void>.Continuation]) = books.withLock { books in
            let before = books.state.revision
            let result = body(&books.state)
            return (result, books.state.revision == before ? [] : Array(books.watchers.values))
        }
        for watcher in wake { watcher.yield() }
        return result
    }

    /// Reads the state.
    func read<T>(_ body: (RegistryState) -> T) -> T {
        books.withLock { body($0.state) }
    }

    /// Subscribes a watcher and reads the state under the same lock, so no change falls between
    /// the snapshot and the first wake-up. Returns the watcher id, its wake-ups and the read.
    func subscribe<T>(_ body: (RegistryState) -> T) -> (id: UInt64, wakeups: AsyncStream<Void>, read: T) {
        let (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (id, read) = books.withLock { books in
            books.lastWatcher += 1
            books.watchers[books.lastWatcher] = continuation
            return (books.lastWatcher, body(books.state))
        }
        return (id, wakeups, read)
    }

    /// Removes a watcher.
    func unsubscribe(_ id: UInt64) {
        books.withLock { $0.watchers.removeValue(forKey: id) }?.finish()
    }

    /// Ends every watch (the registry stops).
    func finishWatchers() {
        let watchers = books.withLock { books in
            defer { books.watchers.removeAll() }
            return Array(books.watchers.values)
        }
        for watcher in watchers { watcher.finish() }
    }

    /// Number of open watches (tests, logs).
    var watcherCount: Int { books.withLock { $0.watchers.count } }
}
