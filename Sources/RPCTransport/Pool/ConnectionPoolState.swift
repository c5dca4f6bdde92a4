internal import RPCCore

/// The books of a connection pool, without I/O: one slot per healthy endpoint, each idle,
/// connecting, ready (with its connection) or backing off after a failure; round-robin over the
/// ready ones; callers waiting for a first connection. Methods return what to do; the pool does it.
///
///     idle ──connect──▶ connecting ──ready──▶ ready ──GOAWAY / lost──▶ idle (reconnect at once)
///                           └──failed──▶ backingOff ──delay──▶ idle
struct ConnectionPoolState {
    enum Phase {
        case idle
        case connecting
        case ready(ClientConnection)
        case backingOff
    }

    struct Slot {
        var phase = Phase.idle
        var failures = 0
        /// Bumped on every attempt, so events of an older connection are recognised and ignored.
        var generation: UInt64 = 0
    }

    typealias Waiter = CheckedContinuation<ClientConnection, any Error>

    /// What a caller gets.
    enum Pick {
        case connection(ClientConnection)
        /// Nothing ready yet, but a connection attempt is under way (or no list arrived yet).
        case wait
        case fail(RPCError)
    }

    /// A connection attempt to start.
    struct Attempt: Hashable {
        var endpoint: Endpoint
        var generation: UInt64
    }

    private(set) var slots: [Endpoint: Slot] = [:]
    private(set) var order: [Endpoint] = []
    private var next = 0
    private var knowsEndpoints = false
    private(set) var isShutdown = false
    private var waiters: [UInt64: Waiter] = [:]
    private var cancelledWaiters: Set<UInt64> = []
    private var lastError: RPCError?

    init() {}

    // MARK: Callers

    /// The next ready connection in round-robin order; idle slots start connecting.
    mutating func pick() -> (Pick, [Attempt]) {
        if isShutdown { return (.fail(RPCError(code: .unavailable, message: "the client transport is shut down")), []) }
        let attempts = connectIdle()
        for offset in 0..<order.count {
            let index = (next + offset) % order.count
            if case .ready(let connection) = slots[order[index]]?.phase {
                next = index + 1
                return (.connection(connection), attempts)
            }
        }
        if !knowsEndpoints || isConnecting { return (.wait, attempts) }
        return (.fail(unavailable), attempts)
    }

    /// Registers a waiter for the first connection; false when it was cancelled already.
    mutating func wait(_ id: UInt64, _ waiter: Waiter) -> Bool {
        if cancelledWaiters.remove(id) != nil { return false }
        waiters[id] = waiter
        return true
    }

    /// A waiter's deadline passed: it stops waiting if it still is (nothing is remembered otherwise).
    mutating func expireWait(_ id: UInt64) -> Waiter? {
        waiters.removeValue(forKey: id)
    }

    /// A waiting caller gave up.
    mutating func cancelWait(_ id: UInt64) -> Waiter? {
        if let waiter = waiters.removeValue(forKey: id) { return waiter }
        cancelledWaiters.insert(id)
        return nil
    }

    private var isConnecting: Bool {
        slots.values.contains { if case .connecting = $0.phase { return true } else { return false } }
    }

    private var unavailable: RPCError {
        if order.isEmpty { return RPCError(code: .unavailable, message: "no healthy endpoint is known") }
        let reason = lastError.map { ": \($0.message)" } ?? ""
        return RPCError(code: .unavailable, message: "no endpoint is reachable\(reason)")
    }

    private mutating func connectIdle() -> [Attempt] {
        var attempts: [Attempt] = []
        for endpoint in order {
            guard var slot = slots[endpoint], case .idle = slot.phase else { continue }
            slot.phase = .connecting
            slot.generation &+= 1
            slots[endpoint] = slot
            attempts.append(Attempt(endpoint: endpoint, generation: slot.generation))
        }
        return attempts
    }

    // MARK: Connection events

    /// An attempt succeeded: the waiters to hand it to, or the connection to close (stale attempt).
    mutating func connected(_ attempt: Attempt, _ connection: ClientConnection) -> (resume: [Waiter], close: Bool) {
        guard !isShutdown, var slot = slots[attempt.endpoint], slot.generation == attempt.generation,
            case .connecting = slot.phase
        else { return ([], true) }
        slot.phase = .ready(connection)
        slot.failures = 0
        slots[attempt.endpoint] = slot
        defer { waiters.removeAll() }
        return (Array(waiters.values), false)
    }

    /// An attempt failed: when to retry, and the waiters to fail if nothing else can succeed.
    mutating func failed(_ attempt: Attempt, _ error: RPCError) -> (retryAfter: Int?, fail: [Waiter], error: RPCError) {
        lastError = error
        guard var slot = slots[attempt.endpoint], slot.generation == attempt.generation, case .connecting = slot.phase
        else { return (nil, [], error) }
        slot.phase = .backingOff
        slot.failures += 1
        slots[attempt.endpoint] = slot
        var stranded: [Waiter] = []
        let anyReady = slots.values.contains { if case .ready = $0.phase { return true } else { return false } }
        if !isConnecting, !anyReady {
            stranded = Array(waiters.values)
            waiters.removeAll()
        }
        return (slot.failures, stranded, unavailable)
    }

    /// The backoff of `endpoint` ended: try again.
    mutating func backoffElapsed(_ attempt: Attempt) -> Attempt? {
        guard !isShutdown, var slot = slots[attempt.endpoint], slot.generation == attempt.generation,
            case .backingOff = slot.phase
        else { return nil }
        slot.phase = .connecting
        slot.generation &+= 1
        slots[attempt.endpoint] = slot
        return Attempt(endpoint: attempt.endpoint, generation: slot.generation)
    }

    /// The connection of `attempt` stopped taking calls (GOAWAY or closed): reconnect at once.
    mutating func lost(_ attempt: Attempt) -> Attempt? {
        guard !isShutdown, var slot = slots[attempt.endpoint], slot.generation == attempt.generation,
            case .ready = slot.phase
        else { return nil }
        slot.phase = .connecting
        slot.generation &+= 1
        slots[attempt.endpoint] = slot
        return Attempt(endpoint: attempt.endpoint, generation: slot.generation)
    }

    // MARK: Endpoint list and shutdown

    /// A new list of healthy endpoints: the attempts to start and the connections to drain.
    mutating func update(_ endpoints: [Endpoint]) -> (attempts: [Attempt], drain: [ClientConnection], fail: [Waiter]) {
        guard !isShutdown else { return ([], [], []) }
        knowsEndpoints = true
        var unique: [Endpoint] = []
        for endpoint in endpoints where !unique.contains(endpoint) { unique.append(endpoint) }
        var drain: [ClientConnection] = []
        for (endpoint, slot) in slots where !unique.contains(endpoint) {
            if case .ready(let connection) = slot.phase { drain.append(connection) }
            slots[endpoint] = nil
        }
        for endpoint in unique where slots[endpoint] == nil { slots[endpoint] = Slot() }
        order = unique
        next = 0
        let attempts = connectIdle()
        var stranded: [Waiter] = []
        if order.isEmpty {
            stranded = Array(waiters.values)
            waiters.removeAll()
        }
        return (attempts, drain, stranded)
    }

    /// Stops everything: the connections to drain and the waiters to fail.
    mutating func shutdown() -> (drain: [ClientConnection], fail: [Waiter]) {
        isShutdown = true
        var drain: [ClientConnection] = []
        for slot in slots.values {
            if case .ready(let connection) = slot.phase { drain.append(connection) }
        }
        slots.removeAll()
        order.removeAll()
        defer { waiters.removeAll() }
        return (drain, Array(waiters.values))
    }
}
