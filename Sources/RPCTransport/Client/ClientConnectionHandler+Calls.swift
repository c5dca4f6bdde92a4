internal import NIOCore
internal import RPCCore
internal import RPCWire

/// Opening calls: stream ids within the server's concurrency limit, CALL_START frames, and the
/// calls waiting for a free stream.
extension ClientConnectionHandler {
    /// Opens a call now if the server's limit allows; nil means wait (`open(_:continuation:)`).
    func tryOpen(_ start: RPCCallStart, unary: UnaryExchange? = nil) throws(RPCError) -> ClientStreamHandle? {
        guard let context else { throw failure ?? RPCError(code: .unavailable, message: "the connection is closed") }
        guard pendingOpens.isEmpty else { return nil }
        let payload = try callStartPayload(start, allocator: context.channel.allocator)
        switch state.open() {
        case .opened(let id):
            return opened(id, start, payload: payload, unary: unary, context: context)
        case .mustWait:
            return nil
        case .unavailable(let reason):
            throw RPCError(code: .unavailable, message: reason)
        }
    }

    /// Opens a call when a stream is free; `token` names it for `cancelOpen`.
    func open(_ start: RPCCallStart, token: UInt64, continuation: CheckedContinuation<ClientStreamHandle, any Error>) {
        if cancelledTokens.remove(token) != nil {
            continuation.resume(throwing: RPCError(code: .cancelled, message: "the call was cancelled"))
            return
        }
        do {
            if let handle = try tryOpen(start) {
                continuation.resume(returning: handle)
            } else {
                wait(PendingOpen(token: token, start: start, opener: .stream(continuation), deadline: start.deadline.map(NIODeadline.at)))
            }
        } catch {
            continuation.resume(throwing: error)
        }
    }

    /// Starts a unary call: opens its stream (or queues it for a free one) and writes the
    /// request with END_STREAM; the response parts go to `exchange`.
    func startUnary(_ start: RPCCallStart, request: [UInt8], exchange: UnaryExchange) {
        guard !exchange.isOver else { return }
        do {
            let limit = state.peerLimits?.maxFrameSize ?? 0
            guard request.count <= limit else {
                exchange.fail(ClientStreamHandle.requestTooLarge(request.count, limit: limit))
                return
            }
            if let handle = try tryOpen(start, unary: exchange) {
                send(request, on: handle, exchange: exchange)
            } else {
                wait(PendingOpen(token: 0, start: start, opener: .unary(exchange, request: request), deadline: start.deadline.map(NIODeadline.at)))
            }
        } catch {
            exchange.fail(UnaryExchange.OpenRefused(error: error))
        }
    }

    /// Writes a unary call's request on its newly opened stream: one MESSAGE with END_STREAM,
    /// in this tick's flush.
    private func send(_ request: [UInt8], on handle: ClientStreamHandle, exchange: UnaryExchange) {
        guard exchange.attach(handle) else {
            // The caller was cancelled while the stream opened.
            handle.cancel(RPCError(code: .cancelled, message: "the call was cancelled"))
            return
        }
        guard let context else { return }
        var payload = context.channel.allocator.buffer(capacity: request.count)
        payload.writeBytes(request)
        if let batch = state.writeUnaryRequest(payload, on: handle.id) {
            carryOut(batch, context: context, flush: false)
            flushUnaryRequest(context: context)
            return
        }
        _ = write(.message(payload), on: handle.id, waiter: nil, mayQueue: true)
        _ = write(.end, on: handle.id, waiter: nil, mayQueue: true)
    }

    private func wait(_ open: PendingOpen) {
        pendingOpens.append(open)
        if let deadline = open.deadline, let context { armDeadlineTimer(for: deadline, context: context) }
    }

    /// A waiting call gave up (its task was cancelled).
    func cancelOpen(_ token: UInt64) {
        guard let index = pendingOpens.firstIndex(where: { $0.token == token }) else {
            // The cancellation overtook the open (both hop here): refuse it when it comes.
            cancelledTokens.insert(token)
            return
        }
        pendingOpens.remove(at: index).opener.fail(RPCError(code: .cancelled, message: "the call was cancelled"))
    }

    private func opened(
        _ id: StreamID, _ start: RPCCallStart, payload: ByteBuffer, unary: UnaryExchange?, context: ChannelHandlerContext
    ) -> ClientStreamHandle {
        let handle = ClientStreamHandle(
            id: id, connection: self, loop: context.eventLoop, peerMaxFrameSize: state.peerLimits?.maxFrameSize ?? 0,
            window: settings.initialWindow, deadline: start.deadline, unary: unary)
        let expiry = start.deadline.map(NIODeadline.at)
        state.register(handle, deadline: expiry)
        if let expiry {
            deadlines.compactIfSparse(openCount: state.openCallCount) { state.openDeadlines }
            deadlines.insert(expiry, id: id.rawValue)
            armDeadlineTimer(for: expiry, context: context)
        }
        // A unary call's request follows at once (`send`), which decides when to flush.
        if unary == nil {
            write(.callStart(streamID: id, payload: payload), context: context)
        } else {
            emit(.callStart(streamID: id, payload: payload), context: context)
        }
        return handle
    }

    // MARK: Deadlines

    /// Arms the connection's one deadline timer for `deadline` (unless it fires earlier).
    /// When it fires, calls past their deadline are cancelled (CANCEL with DEADLINE_EXCEEDED,
    /// their responses fail with `deadline_exceeded`) and waiting opens fail the same way.
    func armDeadlineTimer(for deadline: NIODeadline, context: ChannelHandlerContext) {
        deadlineTimer.arm(for: deadline, on: context.eventLoop) { [self] in
            deadlineTimer.fired()
            deadlinesPassed()
        }
    }

    private func deadlinesPassed() {
        let now = NIODeadline.now()
        let error = RPCError(code: .deadlineExceeded, message: "the deadline was exceeded")
        let state = self.state
        for id in deadlines.expired(at: now, isOpen: state.isOpen) {
            state.handle(of: id)?.cancel(error)
        }
        var next = deadlines.earliest
        if pendingOpens.contains(where: { $0.deadline != nil }) {
            var waiting = CircularBuffer<PendingOpen>(initialCapacity: pendingOpens.count)
            while let open = pendingOpens.popFirst() {
                if let deadline = open.deadline, deadline <= now {
                    open.opener.fail(error)
                    continue
                }
                if let deadline = open.deadline { next = min(next ?? deadline, deadline) }
                waiting.append(open)
            }
            pendingOpens = waiting
        }
        if let next, let context { armDeadlineTimer(for: next, context: context) }
    }

    private func callStartPayload(_ start: RPCCallStart, allocator: ByteBufferAllocator) throws(RPCError) -> ByteBuffer {
        try CallPayloads.validate(start.metadata)
        // Time left when the frame is written; a deadline already passed sends 0.
        let timeout = start.deadline.map { deadline -> UInt64 in
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return 0 }
            let (seconds, attoseconds) = left.components
            return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
        }
        let payload = CallPayloads.encodeCallStart(
            CallPayloads.CallStart(method: start.method, timeoutMicros: timeout, metadata: start.metadata), allocator: allocator)
        let limit = state.peerLimits?.maxMetadataSize ?? WireLimits.default.maxMetadataSize
        guard payload.readableBytes <= limit else {
            throw RPCError(
                code: .resourceExhausted,
                message: "the call's metadata (\(payload.readableBytes) bytes) is over the server's limit of \(limit)")
        }
        return payload
    }

    /// A call ended: waiting calls may open; a draining connection may close.
    func streamEnded(context: ChannelHandlerContext) {
        while let next = pendingOpens.first {
            if next.opener.isAbandoned {
                pendingOpens.removeFirst()
                continue
            }
            do {
                let payload = try callStartPayload(next.start, allocator: context.channel.allocator)
                guard case .opened(let id) = state.open() else { break }
                pendingOpens.removeFirst()
                switch next.opener {
                case .stream(let continuation):
                    continuation.resume(returning: opened(id, next.start, payload: payload, unary: nil, context: context))
                case .unary(let exchange, let request):
                    let handle = opened(id, next.start, payload: payload, unary: exchange, context: context)
                    send(request, on: handle, exchange: exchange)
                }
            } catch {
                pendingOpens.removeFirst()
                next.opener.fail(error)
            }
        }
        if state.isDrained {
            context.writeAndFlush(codec.takeOutput())
            context.close(promise: nil)
        }
    }

    func failPendingOpens(_ error: RPCError) {
        while let next = pendingOpens.popFirst() { next.opener.fail(error) }
    }
}
