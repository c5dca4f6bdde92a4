/// The state of a `BoundedChannel`: a buffer of at most `capacity` elements, the suspended
/// receiver and senders, and how each side ended. Methods return what to resume; the channel
/// resumes continuations outside its lock.
struct BoundedChannelState<Element: Sendable> {
    typealias Receiver = CheckedContinuation<Element?, any Error>
    typealias Sender = CheckedContinuation<Void, any Error>

    /// Why the channel stopped delivering.
    enum Termination {
        /// The sender finished; buffered elements are still delivered.
        case finished
        /// The sender failed; the receiver gets the error next, buffered elements are dropped.
        case failed(any Error)
    }

    /// What `offer` did with an element.
    enum Offer {
        /// Handed straight to the suspended receiver: resume it with the element.
        case handOff(Receiver)
        case buffered
        case rejected(any Error)
        case full
    }

    /// What `poll` found.
    enum Poll {
        /// An element, and a sender whose element moved into the freed slot (resume it).
        case element(Element, Sender?)
        case end
        case failed(any Error)
        case empty
    }

    let capacity: Int
    private var buffer: [Element] = []
    private var head = 0
    private var receiver: (id: UInt64, continuation: Receiver)?
    private var senders: [(id: UInt64, element: Element, continuation: Sender)] = []
    /// Waiters whose task was cancelled before they suspended.
    private var cancelledBeforeSuspending: Set<UInt64> = []
    private var termination: Termination?
    /// Set when the receiver stopped reading: every send fails with this error.
    private var receiverGone: (any Error)?
    private var lastID: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    private var bufferedCount: Int { buffer.count - head }

    mutating func makeID() -> UInt64 {
        lastID += 1
        return lastID
    }

    // MARK: Sending

    mutating func offer(_ element: Element) -> Offer {
        if let receiverGone { return .rejected(receiverGone) }
        switch termination {
        case .failed(let error): return .rejected(error)
        case .finished: return .rejected(RPCError(code: .internal, message: "write after the end of the stream"))
        case nil: break
        }
        if let waiting = receiver {
            receiver = nil
            return .handOff(waiting.continuation)
        }
        guard bufferedCount < capacity, senders.isEmpty else { return .full }
        buffer.append(element)
        return .buffered
    }

    /// Suspends a sender whose `offer` found the buffer full, unless things changed since.
    /// Returns the continuations to resume now (with the receiver's element when handed off).
    mutating func suspend(sender id: UInt64, element: Element, _ continuation: Sender) -> (Sender, Result<Void, any Error>, Receiver?)? {
        if cancelledBeforeSuspending.remove(id) != nil {
            return (continuation, .failure(CancellationError()), nil)
        }
        switch offer(element) {
        case .handOff(let waiting): return (continuation, .success(()), waiting)
        case .buffered: return (continuation, .success(()), nil)
        case .rejected(let error): return (continuation, .failure(error), nil)
        case .full:
            senders.append((id, element, continuation))
            return nil
        }
    }

    /// Removes a cancelled sender; returns it when it was suspended (resume it with cancellation).
    mutating func cancel(sender id: UInt64) -> Sender? {
        if let index = senders.firstIndex(where: { $0.id == id }) {
            return senders.remove(at: index).continuation
        }
        cancelledBeforeSuspending.insert(id)
        return nil
    }

    // MARK: Receiving

    mutating func poll() -> Poll {
        if head < buffer.count {
            let element = buffer[head]
            head += 1
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            }
            var promoted: Sender?
            if !senders.isEmpty {
                let next = senders.removeFirst()
                buffer.append(next.element)
                promoted = next.continuation
            }
            return .element(element, promoted)
        }
        switch termination {
        case .finished: return .end
        case .failed(let error):
            // An iterator reports its error once, then ends.
            termination = .finished
            return .failed(error)
        case nil: return receiverGone == nil ? .empty : .end
        }
    }

    /// Suspends the receiver unless an element or the end arrived since `poll`.
    mutating func suspend(receiver id: UInt64, _ continuation: Receiver) -> (Receiver, Result<Element?, any Error>, Sender?)? {
        if cancelledBeforeSuspending.remove(id) != nil {
            return (continuation, .failure(CancellationError()), nil)
        }
        switch poll() {
        case .element(let element, let promoted): return (continuation, .success(element), promoted)
        case .end: return (continuation, .success(nil), nil)
        case .failed(let error): return (continuation, .failure(error), nil)
        case .empty:
            receiver = (id, continuation)
            return nil
        }
    }

    /// Removes a cancelled receiver; returns it when it was suspended.
    mutating func cancel(receiver id: UInt64) -> Receiver? {
        if let waiting = receiver, waiting.id == id {
            receiver = nil
            return waiting.continuation
        }
        cancelledBeforeSuspending.insert(id)
        return nil
    }

    // MARK: Ending

    /// The sender is done; returns a suspended receiver to resume with `nil`.
    mutating func finish() -> Receiver? {
        guard termination == nil else { return nil }
        termination = .finished
        guard bufferedCount == 0, let waiting = receiver else { return nil }
        receiver = nil
        return waiting.continuation
    }

    /// The sender failed (or the call was cancelled): drops the buffer; returns the receiver and
    /// the senders to resume with `error`.
    mutating func fail(_ error: any Error) -> (Receiver?, [Sender]) {
        if case .failed = termination { return (nil, []) }
        buffer.removeAll()
        head = 0
        let waiting = receiver?.continuation
        receiver = nil
        // A waiting receiver gets the error now; otherwise the next poll reports it.
        termination = waiting == nil ? .failed(error) : .finished
        let stranded = senders.map(\.continuation)
        senders.removeAll()
        return (waiting, stranded)
    }

    /// The receiver stopped reading: drops the buffer; returns the senders to resume with `error`.
    mutating func closeReceiver(_ error: any Error) -> (Receiver?, [Sender]) {
        guard receiverGone == nil else { return (nil, []) }
        receiverGone = error
        buffer.removeAll()
        head = 0
        let waiting = receiver?.continuation
        receiver = nil
        let stranded = senders.map(\.continuation)
        senders.removeAll()
        return (waiting, stranded)
    }

    /// Whether the sender finished or failed.
    var isTerminated: Bool { termination != nil }
}
