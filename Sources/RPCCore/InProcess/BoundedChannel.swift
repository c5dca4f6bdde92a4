import Synchronization

/// A single-consumer async queue holding at most `capacity` elements: a sender that gets ahead
/// of the receiver suspends until the receiver catches up (backpressure). Both sides are
/// cancellation-aware. The in-process transport carries each direction of a call on one.
final class BoundedChannel<Element: Sendable>: Sendable {
    private let state: Mutex<BoundedChannelState<Element>>

    init(capacity: Int) {
        state = Mutex(BoundedChannelState(capacity: capacity))
    }

    /// Adds an element, suspending while the buffer is full.
    func send(_ element: Element) async throws {
        switch state.withLock({ $0.offer(element) }) {
        case .handOff(let receiver):
            receiver.resume(returning: element)
            return
        case .buffered:
            return
        case .rejected(let error):
            throw error
        case .full:
            break
        }
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: BoundedChannelState<Element>.Sender) in
                guard case let (sender, result, receiver)? = state.withLock({ $0.suspend(sender: id, element: element, continuation) }) else { return }
                receiver?.resume(returning: element)
                sender.resume(with: result)
            }
        } onCancel: {
            state.withLock { $0.cancel(sender: id) }?.resume(throwing: CancellationError())
        }
    }

    /// The next element; `nil` once the sender finished and the buffer is drained.
    func next() async throws -> Element? {
        switch state.withLock({ $0.poll() }) {
        case .element(let element, let promoted):
            promoted?.resume()
            return element
        case .end:
            return nil
        case .failed(let error):
            throw error
        case .empty:
            break
        }
        let id = state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: BoundedChannelState<Element>.Receiver) in
                guard case let (receiver, result, promoted)? = state.withLock({ $0.suspend(receiver: id, continuation) }) else { return }
                promoted?.resume()
                receiver.resume(with: result)
            }
        } onCancel: {
            state.withLock { $0.cancel(receiver: id) }?.resume(throwing: CancellationError())
        }
    }

    /// No more elements; the receiver drains the buffer, then ends.
    func finish() {
        state.withLock { $0.finish() }?.resume(returning: nil)
    }

    /// Ends the channel with `error` at once, dropping buffered elements.
    func fail(_ error: any Error) {
        let (receiver, senders) = state.withLock { $0.fail(error) }
        receiver?.resume(throwing: error)
        for sender in senders { sender.resume(throwing: error) }
    }

    /// The receiver will not read again: buffered elements are dropped and sends throw `error`.
    func closeReceiver(_ error: any Error) {
        let (receiver, senders) = state.withLock { $0.closeReceiver(error) }
        receiver?.resume(returning: nil)
        for sender in senders { sender.resume(throwing: error) }
    }

    /// Whether the sender finished or failed.
    var isTerminated: Bool { state.withLock { $0.isTerminated } }

    /// The elements as an async sequence (one iteration only: the channel has one consumer).
    var elements: Elements { Elements(channel: self) }

    /// The channel's elements, for `RPCAsyncSequence`.
    struct Elements: AsyncSequence, Sendable {
        let channel: BoundedChannel

        struct AsyncIterator: AsyncIteratorProtocol {
            let channel: BoundedChannel

            mutating func next() async throws -> Element? {
                try await channel.next()
            }

            mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> Element? {
                try await channel.next()
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: channel) }
    }
}
