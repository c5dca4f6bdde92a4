internal import ClinicTLS
internal import Logging
internal import NIOCore
internal import RPCCore
import Synchronization

/// Keeps one connection per healthy endpoint, reconnecting with backoff, and hands callers the
/// next ready one in round-robin order. The decisions are `ConnectionPoolState`'s.
final class ConnectionPool: Sendable {
    private let state = Mutex(ConnectionPoolState())
    private let waiterIDs = Atomic<UInt64>(0)
    private let context: TLSContext
    private let settings: RPCConnectionSettings
    private let backoff: ReconnectBackoff
    private let group: any EventLoopGroup
    private let logger: Logger

    init(context: TLSContext, settings: RPCConnectionSettings, backoff: ReconnectBackoff, group: any EventLoopGroup, logger: Logger) {
        self.context = context
        self.settings = settings
        self.backoff = backoff
        self.group = group
        self.logger = logger
    }

    deinit {
        // The transport was dropped without a shutdown: let its connections finish and close.
        let (drain, stranded) = state.withLock { $0.shutdown() }
        for connection in drain { connection.drain() }
        for waiter in stranded { waiter.resume(throwing: RPCError(code: .unavailable, message: "the client transport is gone")) }
    }

    /// A ready connection; waits for the first one while attempts are under way, until
    /// `deadline` (then it throws `deadline_exceeded`).
    nonisolated(nonsending) func connection(deadline: ContinuousClock.Instant? = nil) async throws -> ClientConnection {
        let (pick, attempts) = state.withLock { $0.pick() }
        start(attempts)
        switch pick {
        case .connection(let connection): return connection
        case .fail(let error): throw error
        case .wait: break
        }
        let id = waiterIDs.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: ConnectionPoolState.Waiter) in
                // Picking again under the same lock as registering, so a connection that became
                // ready in between is not missed.
                let (outcome, attempts): (Result<ClientConnection, any Error>?, [ConnectionPoolState.Attempt]) =
                    state.withLock { state in
                        let (pick, attempts) = state.pick()
                        switch pick {
                        case .connection(let connection): return (.success(connection), attempts)
                        case .fail(let error): return (.failure(error), attempts)
                        case .wait:
                            let registered = state.wait(id, waiter)
                            return (registered ? nil : .failure(RPCError(code: .cancelled, message: "the call was cancelled")), attempts)
                        }
                    }
                start(attempts)
                if let outcome {
                    waiter.resume(with: outcome)
                } else if let deadline {
                    // Rare (no connection is ready yet), so a timer of its own is fine here.
                    group.next().scheduleTask(deadline: .at(deadline)) { [weak self] in
                        self?.state.withLock { $0.expireWait(id) }?.resume(
                            throwing: RPCError(code: .deadlineExceeded, message: "the deadline was exceeded"))
                    }
                }
            }
        } onCancel: {
            state.withLock { $0.cancelWait(id) }?.resume(throwing: RPCError(code: .cancelled, message: "the call was cancelled"))
        }
    }

    /// A new list of healthy endpoints.
    func update(_ endpoints: [Endpoint]) {
        let (attempts, drain, stranded) = state.withLock { $0.update(endpoints) }
        for connection in drain { connection.drain() }
        let error = RPCError(code: .unavailable, message: "no healthy endpoint is known")
        for waiter in stranded { waiter.resume(throwing: error) }
        start(attempts)
    }

    /// Drains every connection and fails waiting callers.
    func shutdown() {
        let (drain, stranded) = state.withLock { $0.shutdown() }
        for connection in drain { connection.drain() }
        let error = RPCError(code: .unavailable, message: "the client transport is shut down")
        for waiter in stranded { waiter.resume(throwing: error) }
    }

    // MARK: Attempts

    private func start(_ attempts: [ConnectionPoolState.Attempt]) {
        for attempt in attempts { connect(attempt) }
    }

    private func connect(_ attempt: ConnectionPoolState.Attempt) {
        // Weak: connections must not keep a pool alive that its transport has let go of.
        let events = ClientConnectionEvents(
            draining: { [weak self] in self?.lost(attempt) },
            closed: { [weak self] in self?.lost(attempt) })
        ClientConnection.connect(
            host: attempt.endpoint.host, port: attempt.endpoint.port, context: context, expectedPeer: nil,
            settings: settings, group: group, events: events, logger: logger
        ).whenComplete { [weak self] result in
            guard let self else {
                if case .success(let connection) = result { connection.close() }
                return
            }
            switch result {
            case .success(let connection):
                let (resume, close) = state.withLock { $0.connected(attempt, connection) }
                if close { connection.close() }
                for waiter in resume { waiter.resume(returning: connection) }
            case .failure(let error):
                let failure = (error as? RPCError) ?? RPCError(code: .unavailable, message: "cannot connect to \(attempt.endpoint): \(error)")
                logger.debug("connection attempt failed", metadata: ["endpoint": "\(attempt.endpoint)", "error": "\(failure)"])
                let (failures, stranded, reported) = state.withLock { $0.failed(attempt, failure) }
                for waiter in stranded { waiter.resume(throwing: reported) }
                if let failures { scheduleRetry(attempt, after: backoff.delay(afterFailures: failures)) }
            }
        }
    }

    private func scheduleRetry(_ attempt: ConnectionPoolState.Attempt, after delay: Duration) {
        group.next().scheduleTask(in: TimeAmount(delay)) { [weak self] in
            guard let self else { return }
            if let next = state.withLock({ $0.backoffElapsed(attempt) }) { connect(next) }
        }
    }

    private func lost(_ attempt: ConnectionPoolState.Attempt) {
        if let next = state.withLock({ $0.lost(attempt) }) { connect(next) }
    }
}
