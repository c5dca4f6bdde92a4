internal import RPCCore
import Synchronization

/// A unary call on a client connection, in place of a stream's inbox and writer: the calling
/// task waits on one continuation while the connection's loop opens the stream, writes the
/// request and gathers the response parts; it is resumed once, when they are complete (the
/// trailers came, or more than a unary response holds), or when the call failed or was
/// cancelled. A unary call thus costs one hop to the loop and one back, and no async step in
/// between.
final class UnaryExchange: Sendable {
    /// The call could not be opened on this connection (closed, draining, refused by GOAWAY):
    /// the pool may try the next one.
    struct OpenRefused: Error {
        var error: RPCError
    }

    private struct State {
        var continuation: CheckedContinuation<[RPCResponsePart], any Error>?
        /// The outcome, when it came before the continuation was armed.
        var outcome: Result<[RPCResponsePart], any Error>?
        var parts = UnaryResponseParts()
        var handle: ClientStreamHandle?
        var isOver = false
    }

    private let state = Mutex(State())

    init() {}

    /// The caller's continuation; resumed at once when the exchange is already over.
    func arm(_ continuation: CheckedContinuation<[RPCResponsePart], any Error>) {
        let outcome: Result<[RPCResponsePart], any Error>? = state.withLock { state in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        if let outcome { continuation.resume(with: outcome) }
    }

    /// The outcome while no caller waits for it (tests read it without suspending).
    var unclaimedOutcome: Result<[RPCResponsePart], any Error>? { state.withLock { $0.outcome } }

    /// True once the caller was (or is about to be) resumed.
    var isOver: Bool { state.withLock { $0.isOver } }

    /// The call's stream opened (on the loop). False when the exchange is already over (the
    /// caller was cancelled meanwhile): the stream must be cancelled then.
    func attach(_ handle: ClientStreamHandle) -> Bool {
        state.withLock { state in
            guard !state.isOver else { return false }
            state.handle = handle
            return true
        }
    }

    /// A response part; true when gathering is over (the caller has been resumed).
    func deliver(_ part: RPCResponsePart) -> Bool {
        let (done, continuation, parts): (Bool, CheckedContinuation<[RPCResponsePart], any Error>?, [RPCResponsePart]) =
            state.withLock { state in
                guard !state.isOver else { return (true, nil, []) }
                guard state.parts.append(part) else { return (false, nil, []) }
                state.isOver = true
                let parts = state.parts.parts
                guard let continuation = state.continuation else {
                    state.outcome = .success(parts)
                    return (true, nil, [])
                }
                state.continuation = nil
                return (true, continuation, parts)
            }
        continuation?.resume(returning: parts)
        return done
    }

    /// The call failed (connection lost, deadline, cancelled, not opened).
    func fail(_ error: any Error) {
        let continuation: CheckedContinuation<[RPCResponsePart], any Error>? = state.withLock { state in
            guard !state.isOver else { return nil }
            state.isOver = true
            guard let continuation = state.continuation else {
                state.outcome = .failure(error)
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(throwing: error)
    }

    /// The calling task was cancelled: cancels the stream at the server if it is open (which
    /// fails the exchange), or fails the exchange before it opens.
    func cancel() {
        let handle = state.withLock { $0.isOver ? nil : $0.handle }
        let error = RPCError(code: .cancelled, message: "the call was cancelled")
        if let handle {
            handle.cancel(error)
        } else {
            fail(error)
        }
    }
}
