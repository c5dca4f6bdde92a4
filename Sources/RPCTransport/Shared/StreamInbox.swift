internal import NIOCore
internal import RPCCore
import Synchronization

/// The received messages of one call, from the connection's event loop to the task that reads
/// them: a single-consumer queue with no capacity limit of its own, because the peer can only
/// send as many MESSAGE frames as this side granted credit for (the connection validator throws
/// `flowControlViolation` otherwise). Each consumed message is counted, and every `batch`
/// consumed messages `onConsumed` is told, so the connection grants credit back when the
/// application reads (docs/PROTOCOL.md section 6), not when bytes arrive.
///
/// Its hot methods are specialised for the two element types the transport uses: the call layer
/// reaches them through `RPCAsyncSequence`'s type erasure, where the generic versions would look
/// up type metadata on every message.
final class StreamInbox<Element: Sendable>: Sendable {
    private struct State {
        var buffer = CircularBuffer<Element>(initialCapacity: 2)
        var waiter: CheckedContinuation<Element?, any Error>?
        var finished = false
        var failure: (any Error)?
        var consumedUnreported = 0
    }

    private enum Immediate {
        case element(Element)
        case end
        case failure(any Error)
        case wait
    }

    private let state = Mutex(State())
    private let batch: Int
    private let countsAsMessage: @Sendable (Element) -> Bool
    private let onConsumed: @Sendable (Int) -> Void

    /// `onConsumed(n)` runs (on the consumer's thread) after every `batch` consumed elements for
    /// which `countsAsMessage` holds.
    @_specialize(where Element == RPCResponsePart)
    @_specialize(where Element == [UInt8])
    init(
        batch: Int, countsAsMessage: @escaping @Sendable (Element) -> Bool,
        onConsumed: @escaping @Sendable (Int) -> Void
    ) {
        self.batch = max(batch, 1)
        self.countsAsMessage = countsAsMessage
        self.onConsumed = onConsumed
    }

    // MARK: Producer (the event loop)

    /// Adds an element, handing it straight to a waiting reader.
    @_specialize(where Element == RPCResponsePart)
    @_specialize(where Element == [UInt8])
    func deliver(_ element: Element) {
        let waiter: CheckedContinuation<Element?, any Error>? = state.withLock { state in
            guard !state.finished, state.failure == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffer.append(element)
            return nil
        }
        if let waiter {
            consumed(element)
            waiter.resume(returning: element)
        }
    }

    /// No more elements: the reader drains the buffer, then sees the end.
    @_specialize(where Element == RPCResponsePart)
    @_specialize(where Element == [UInt8])
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
            guard !state.finished, state.failure == nil else { return nil }
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Ends with `error` at once; buffered elements are dropped. Ignored once ended.
    func fail(_ error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
            guard !state.finished, state.failure == nil else { return nil }
            state.failure = error
            state.buffer.removeAll()
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    // MARK: Consumer

    /// The next element, `nil` at the end; throws the failure, or `CancellationError` when the
    /// reading task is cancelled while waiting.
    @_specialize(where Element == RPCResponsePart)
    @_specialize(where Element == [UInt8])
    func next() async throws -> Element? {
        let immediate: Immediate = state.withLock { state in
            if let element = state.buffer.popFirst() { return .element(element) }
            if let failure = state.failure { return .failure(failure) }
            return state.finished ? .end : .wait
        }
        switch immediate {
        case .element(let element):
            consumed(element)
            return element
        case .end: return nil
        case .failure(let error): throw error
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let now: Result<Element?, any Error>? = state.withLock { state in
                    if let element = state.buffer.popFirst() { return .success(element) }
                    if let failure = state.failure { return .failure(failure) }
                    if state.finished { return .success(nil) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                guard let now else { return }
                if case .success(let element?) = now { consumed(element) }
                continuation.resume(with: now)
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    @_specialize(where Element == RPCResponsePart)
    @_specialize(where Element == [UInt8])
    private func consumed(_ element: Element) {
        guard countsAsMessage(element) else { return }
        let report: Int? = state.withLock { state in
            state.consumedUnreported += 1
            guard state.consumedUnreported >= batch, !state.finished, state.failure == nil else { return nil }
            defer { state.consumedUnreported = 0 }
            return state.consumedUnreported
        }
        if let report { onConsumed(report) }
    }

    /// The elements as an async sequence (iterate once: one consumer).
    var elements: Elements { Elements(inbox: self) }

    /// An `AsyncSequence` view for `RPCAsyncSequence`.
    struct Elements: AsyncSequence, Sendable {
        let inbox: StreamInbox

        struct AsyncIterator: AsyncIteratorProtocol {
            let inbox: StreamInbox

            mutating func next() async throws -> Element? { try await inbox.next() }

            mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> Element? {
                try await inbox.next()
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inbox: inbox) }
    }
}
