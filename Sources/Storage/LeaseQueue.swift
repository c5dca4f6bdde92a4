/// What a caller of `LeaseQueue.acquire` is given: an idle connection, or the right to open a new one.
enum LeaseGrant<Resource> {
    case resource(Resource)
    case create
}

extension LeaseGrant: Sendable where Resource: Sendable {}

/// The state machine behind a database's connections: who holds which connection, who waits,
/// and when a new connection may be opened. No locks, no I/O: `ConnectionLeases` runs it under a
/// mutex and carries out the actions it returns; tests drive it directly.
///
/// `Resource` is the connection, `Waiter` what a waiting caller is resumed through, `Closer` what
/// the caller of `close` is resumed through once every connection is back.
struct LeaseQueue<Resource, Waiter, Closer> {
    typealias Grant = LeaseGrant<Resource>

    /// The answer to `acquire`.
    enum AcquireAction {
        case grant(Grant)
        case wait
        case fail(StorageError)
    }

    /// What to do after a connection came back or a slot was freed.
    enum ReturnAction {
        case none
        case resume(Waiter, Grant)
        /// The queue is closed and nothing is leased any more: close these, then resume the closer.
        case finishClose(closer: Closer?, idle: [Resource])
    }

    /// The answer to `close`.
    enum CloseAction {
        /// Fail these waiters; close these idle resources now when `done`, else wait for returns.
        case close(failedWaiters: [Waiter], idle: [Resource], done: Bool)
        case alreadyClosing
    }

    private enum State {
        case open
        case closing(closer: Closer?)
        case closed
    }

    /// The most connections that may exist at once.
    let capacity: Int
    private var idle: [Resource] = []
    private var waiters: [(id: Int, waiter: Waiter)] = []
    /// Connections that exist or are being opened (idle ones included).
    private var existing = 0
    /// Grants handed out and not yet returned.
    private var leased = 0
    private var state = State.open

    /// A queue for at most `capacity` connections (at least one), starting with `initial` idle ones.
    init(capacity: Int, initial: [Resource] = []) {
        self.capacity = max(1, capacity, initial.count)
        self.idle = initial
        self.existing = initial.count
    }

    /// Connections that exist or are being opened.
    var existingCount: Int { existing }
    /// Callers waiting for a connection.
    var waitingCount: Int { waiters.count }

    /// Asks for a connection on behalf of the waiter `id`.
    mutating func acquire(id: Int, waiter: Waiter) -> AcquireAction {
        guard case .open = state else { return .fail(StorageError(.closed, "database is closed")) }
        if let resource = idle.popLast() {
            leased += 1
            return .grant(.resource(resource))
        }
        if existing < capacity {
            existing += 1
            leased += 1
            return .grant(.create)
        }
        waiters.append((id, waiter))
        return .wait
    }

    /// Gives back a connection after use.
    mutating func release(_ resource: Resource) -> ReturnAction {
        leased -= 1
        if case .open = state, !waiters.isEmpty {
            let next = waiters.removeFirst()
            leased += 1
            return .resume(next.waiter, .resource(resource))
        }
        idle.append(resource)
        return finishIfDrained()
    }

    /// Frees the slot of a connection that could not be opened or was thrown away after a failure.
    mutating func discard() -> ReturnAction {
        leased -= 1
        existing -= 1
        // A waiter would otherwise wait for a connection that will never come back.
        if case .open = state, !waiters.isEmpty {
            let next = waiters.removeFirst()
            existing += 1
            leased += 1
            return .resume(next.waiter, .create)
        }
        return finishIfDrained()
    }

    /// Withdraws a waiting caller (its task was cancelled); returns it if it was still waiting.
    mutating func cancel(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// Stops handing out connections; `closer` is resumed once every leased one is back.
    mutating func close(closer: Closer?) -> CloseAction {
        guard case .open = state else { return .alreadyClosing }
        let failed = waiters.map(\.waiter)
        waiters = []
        if leased == 0 {
            state = .closed
            let resources = idle
            idle = []
            existing = 0
            return .close(failedWaiters: failed, idle: resources, done: true)
        }
        state = .closing(closer: closer)
        return .close(failedWaiters: failed, idle: [], done: false)
    }

    private mutating func finishIfDrained() -> ReturnAction {
        guard case .closing(let closer) = state, leased == 0 else { return .none }
        state = .closed
        let resources = idle
        idle = []
        existing = 0
        return .finishClose(closer: closer, idle: resources)
    }
}
