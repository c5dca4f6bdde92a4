internal import NIOCore
internal import RPCCore
internal import RPCWire
import Synchronization

/// What a client call holds of its stream: the response parts (an inbox fed by the connection's
/// loop, or a unary call's exchange) and a writer for the request parts, which goes straight to
/// the connection when the calling task runs on its loop and hops there otherwise.
final class ClientStreamHandle: Sendable {
    /// Where the response parts go.
    enum Receiver: Sendable {
        /// A streaming call reads them from an inbox.
        case inbox(StreamInbox<RPCResponsePart>)
        /// A unary call's caller waits for all of them at once.
        case unary(UnaryExchange)
    }

    let id: StreamID
    let loop: any EventLoop
    let receiver: Receiver
    /// When the call expires: a cancel after it says DEADLINE_EXCEEDED (4), not CANCELLED (1).
    let deadline: ContinuousClock.Instant?
    private let connection: NIOLoopBound<ClientConnectionHandler>
    private let peerMaxFrameSize: Int
    /// Set once trailers arrived or the call was cancelled or failed: nothing to cancel any more.
    private let ended = Atomic<Bool>(false)
    /// Set once the first request message went to the loop.
    private let firstMessageWritten = Atomic<Bool>(false)

    init(
        id: StreamID, connection: ClientConnectionHandler, loop: any EventLoop, peerMaxFrameSize: Int, window: Int,
        deadline: ContinuousClock.Instant?, unary: UnaryExchange?
    ) {
        self.id = id
        self.loop = loop
        self.deadline = deadline
        self.peerMaxFrameSize = peerMaxFrameSize
        let bound = NIOLoopBound(connection, eventLoop: loop)
        self.connection = bound
        if let unary {
            self.receiver = .unary(unary)
            return
        }
        self.receiver = .inbox(StreamInbox(
            batch: max(window / 2, 1),
            countsAsMessage: { part in
                if case .message = part { return true }
                return false
            },
            onConsumed: { count in
                if loop.inEventLoop {
                    bound.value.consumed(count, on: id)
                } else {
                    loop.execute { bound.value.consumed(count, on: id) }
                }
            }))
    }

    /// The call's side of the stream, for `ClientTransport.withStream`'s body (streams opened
    /// for it have an inbox).
    var stream: RPCClientStream {
        guard case .inbox(let inbox) = receiver else { preconditionFailure("a unary exchange has no stream") }
        return RPCClientStream(
            outbound: RPCWriter { [self] part in try await write(part) },
            inbound: RPCAsyncSequence(wrapping: inbox.elements))
    }

    // MARK: Receiving (on the loop)

    /// A response part; true when a unary call has what it needs (a call still open must then
    /// be cancelled: the server sent more than a unary response holds).
    func deliver(_ part: RPCResponsePart) -> Bool {
        switch receiver {
        case .inbox(let inbox):
            inbox.deliver(part)
            return false
        case .unary(let exchange):
            return exchange.deliver(part)
        }
    }

    /// The response parts are over (after the trailers).
    func finishReceiving() {
        if case .inbox(let inbox) = receiver { inbox.finish() }
    }

    /// The call failed: the response parts end with `error`.
    func failReceiving(_ error: any Error) {
        switch receiver {
        case .inbox(let inbox): inbox.fail(error)
        case .unary(let exchange): exchange.fail(error)
        }
    }

    /// The connection finished the call (trailers, GOAWAY, connection lost).
    func markEnded() {
        ended.store(true, ordering: .relaxed)
    }

    /// The body is done with the call: cancels it at the server unless it already ended.
    func release() {
        guard !ended.load(ordering: .relaxed) else { return }
        cancel(RPCError(code: .cancelled, message: "the call was cancelled"))
    }

    /// Cancels the call: CANCEL to the server (reason 4 once the deadline has passed), and the
    /// response parts end with `error`.
    func cancel(_ error: RPCError) {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        let reason: UInt32 = deadline.map { $0 <= .now } == true ? 4 : UInt32(error.code.rawValue)
        failReceiving(error)
        let connection = self.connection
        let id = self.id
        if loop.inEventLoop {
            connection.value.cancel(id, reason: reason)
        } else {
            loop.execute { connection.value.cancel(id, reason: reason) }
        }
    }

    // MARK: Writing

    private func write(_ part: RPCRequestPart) async throws {
        let pending: PendingRequest.Part
        switch part {
        case .message(let bytes):
            guard bytes.count <= peerMaxFrameSize else {
                let error = Self.requestTooLarge(bytes.count, limit: peerMaxFrameSize)
                cancel(error)
                throw error
            }
            var payload = ByteBufferAllocator().buffer(capacity: bytes.count)
            payload.writeBytes(bytes)
            pending = .message(payload)
        case .end:
            pending = .end
        }
        // Only the very first message may skip the wait (see `sendWithoutWaiting`).
        var isFirstMessage = false
        if case .message = pending {
            isFirstMessage = !firstMessageWritten.exchange(true, ordering: .relaxed)
        }
        if loop.inEventLoop {
            switch connection.value.write(pending, on: id, waiter: nil, mayQueue: false) {
            case .wrote, .queued: return
            case .closed: throw Self.callOver
            case .mustWait: break
            }
        } else if case .end = pending {
            try sendWithoutWaiting(pending)
            return
        } else if isFirstMessage {
            try sendWithoutWaiting(pending)
            return
        }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let connection = self.connection
            let id = self.id
            loop.execute {
                switch connection.value.write(pending, on: id, waiter: waiter, mayQueue: true) {
                case .wrote, .queued, .mustWait: break
                case .closed: waiter.resume(throwing: Self.callOver)
                }
            }
        }
    }

    /// Hands a part to the loop without waiting for it: the half close and the first message
    /// never wait for credit (the first is held for the END_STREAM flag, and an END_STREAM costs
    /// none), so a unary call's writes cost no round trip to the loop. If the call ended
    /// meanwhile the part is dropped there; the response says how the call ended.
    private func sendWithoutWaiting(_ part: PendingRequest.Part) throws {
        guard !ended.load(ordering: .relaxed) else { throw Self.callOver }
        let connection = self.connection
        let id = self.id
        loop.execute { _ = connection.value.write(part, on: id, waiter: nil, mayQueue: true) }
    }

    /// A request message the server's MAX_FRAME_SIZE does not allow (the call fails, the
    /// connection stays).
    static func requestTooLarge(_ count: Int, limit: Int) -> RPCError {
        RPCError(code: .resourceExhausted, message: "a request message of \(count) bytes is over the server's limit of \(limit)")
    }

    static let callOver = RPCError(code: .cancelled, message: "the call is over; the server already answered")
}
