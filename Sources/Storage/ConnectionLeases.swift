import Synchronization

/// Carries a `Connection` from the lease queue to a storage thread and back.
///
/// `@unchecked Sendable` is sound because a box is only ever reachable by one task at a time:
/// `ConnectionLeases` hands each box to exactly one holder (under its mutex) and takes it back
/// only after the holder's thread-pool job has finished; the mutex and the thread pool's queue
/// give the happens-before edges between successive holders. The connection itself stays
/// non-Sendable, so the closures services write cannot smuggle it out (their results must be Sendable).
final class ConnectionBox: @unchecked Sendable {
    let connection: Connection

    init(_ connection: Connection) {
        self.connection = connection
    }
}

/// Hands out the connections of one role (the writer, or the readers) to async callers, at most one
/// holder per connection, waiting without blocking a thread when all are busy.
final class ConnectionLeases: Sendable {
    typealias Grant = LeaseGrant<ConnectionBox>
    typealias Queue = LeaseQueue<
        ConnectionBox, CheckedContinuation<Grant, any Error>, CheckedContinuation<[ConnectionBox], Never>
    >

    private struct State {
        var queue: Queue
        var nextWaiterID = 0
    }

    private let state: Mutex<State>

    init(capacity: Int, initial: [ConnectionBox] = []) {
        state = Mutex(State(queue: Queue(capacity: capacity, initial: initial)))
    }

    /// Waits for a connection (or the right to open one); cancellation while waiting throws
    /// `CancellationError`, and a closed queue throws `closed`.
    func acquire() async throws -> Grant {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let action = state.withLock { state -> Queue.AcquireAction? in
                    // Checked under the lock: a cancellation that ran its handler before this point
                    // found no waiter to remove, so it must be seen here or the caller waits forever.
                    if Task.isCancelled { return nil }
                    return state.queue.acquire(id: id, waiter: continuation)
                }
                switch action {
                case nil: continuation.resume(throwing: CancellationError())
                case .grant(let grant): continuation.resume(returning: grant)
                case .wait: break
                case .fail(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.queue.cancel(id: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Returns a connection after use.
    func release(_ box: ConnectionBox) {
        perform(state.withLock { $0.queue.release(box) })
    }

    /// Gives up a slot whose connection failed to open or was thrown away.
    func discard() {
        perform(state.withLock { $0.queue.discard() })
    }

    /// Refuses new callers and returns every connection once all holders have given theirs back.
    func close() async -> [ConnectionBox] {
        await withCheckedContinuation { (closer: CheckedContinuation<[ConnectionBox], Never>) in
            let action = state.withLock { $0.queue.close(closer: closer) }
            switch action {
            case .close(let failed, let idle, let done):
                for waiter in failed { waiter.resume(throwing: StorageError(.closed, "database is closed")) }
                if done { closer.resume(returning: idle) }
            case .alreadyClosing:
                // Someone else is closing and will close the connections.
                closer.resume(returning: [])
            }
        }
    }

    private func perform(_ action: Queue.ReturnAction) {
        switch action {
        case .none:
            break
        case .resume(let waiter, let grant):
            waiter.resume(returning: grant)
        case .finishClose(let closer, let idle):
            closer?.resume(returning: idle)
        }
    }
}
