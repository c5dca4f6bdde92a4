internal import ClinicTLS
internal import Logging
internal import NIOCore
internal import RPCCore
internal import RPCWire

/// The client's end of one connection: opens calls, carries their request parts out and their
/// response frames in. A thin shell over `ClientConnectionStateMachine`, like the server's.
///
/// Request frames written by calling tasks are flushed once per event-loop tick, after the
/// tick's held first messages were released (see `ClientStreamState`).
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A call waiting for a free stream (the server's MAX_CONCURRENT_STREAMS is reached).
    struct PendingOpen {
        /// Who waits for the stream.
        enum Opener {
            /// A streaming call's task, for the stream's handle.
            case stream(CheckedContinuation<ClientStreamHandle, any Error>)
            /// A unary call, whose request goes out once the stream opens.
            case unary(UnaryExchange, request: [UInt8])

            /// The call will not open: `error` for a stream, refused (the pool may try another
            /// connection) for a unary exchange.
            func fail(_ error: RPCError) {
                switch self {
                case .stream(let continuation): continuation.resume(throwing: error)
                case .unary(let exchange, _): exchange.fail(UnaryExchange.OpenRefused(error: error))
                }
            }

            /// A unary call whose caller is already gone (cancelled).
            var isAbandoned: Bool {
                guard case .unary(let exchange, _) = self else { return false }
                return exchange.isOver
            }
        }

        var token: UInt64
        var start: RPCCallStart
        var opener: Opener
        /// When the call expires; it fails with DEADLINE_EXCEEDED if still waiting then.
        var deadline: NIODeadline?
    }

    var state: ClientConnectionStateMachine
    /// Bytes in, frames out; frames in, bytes out (the frame layer, in this handler).
    var codec: FrameCodec
    let settings: RPCConnectionSettings
    private let logger: Logger
    private let events: ClientConnectionEvents
    var context: ChannelHandlerContext?
    var pendingOpens = CircularBuffer<PendingOpen>()
    /// Opens whose cancellation arrived first.
    var cancelledTokens: Set<UInt64> = []
    private var inReadCycle = false
    private var needsFlush = false
    private var flushScheduled = false
    private var timers = ConnectionTimers()
    /// The calls' deadlines, behind one timer for the earliest (see `armDeadlineTimer`).
    var deadlines = DeadlineQueue()
    var deadlineTimer = DeadlineTimer()
    /// Why the connection failed, for the calls it fails.
    var failure: RPCError?
    /// Completed when the server's SETTINGS arrived (or failed when the connection ended first).
    let ready: EventLoopPromise<Void>

    init(settings: RPCConnectionSettings, events: ClientConnectionEvents, ready: EventLoopPromise<Void>, logger: Logger) {
        self.settings = settings
        self.state = ClientConnectionStateMachine(limits: settings.limits)
        self.codec = FrameCodec(limits: settings.limits)
        self.events = events
        self.ready = ready
        self.logger = logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A channel that never became active (connect failed) gets no channelInactive.
        ready.fail(failure ?? RPCError(code: .unavailable, message: "the connection could not be set up"))
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard timers.handshake == nil else { return }
        emit(.settings(settings.limits), context: context)
        context.writeAndFlush(codec.takeOutput())
        timers.handshake = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(settings.handshakeTimeout)) {
            [self] in
            fail(RPCError(code: .unavailable, message: "the TLS handshake or the server's SETTINGS did not arrive in time"))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake = event as? TLSHandshakeCompleted, handshake.applicationProtocol != WireProtocol.alpnIdentifier {
            fail(RPCError(code: .unavailable, message: "the server did not agree on ALPN \(WireProtocol.alpnIdentifier)"))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadCycle = true
        codec.receive(unwrapInboundIn(data))
        do {
            while let frame = try codec.nextFrame() {
                perform(try state.read(frame, at: .now), context: context)
            }
        } catch {
            logger.debug("protocol error from the server, sending GOAWAY", metadata: ["error": "\(error)"])
            failure = RPCError(code: .unavailable, message: "the server broke the protocol: \(error)")
            emit(.goAway(GoAway(error: error, lastStreamID: .connection)), context: context)
            context.closeAfterWriting(codec.takeOutput())
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadCycle = false
        if needsFlush {
            needsFlush = false
            carryOut(state.releaseHeld(), context: context, flush: false)
            context.writeAndFlush(codec.takeOutput())
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(RPCError(code: .unavailable, message: "the connection failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        timers.cancelAll()
        deadlineTimer.cancel()
        deadlines.removeAll()
        let error = failure ?? RPCError(code: .unavailable, message: "the connection to the server was lost")
        ready.fail(error)
        for stream in state.closed() {
            fail(stream, with: error)
        }
        failPendingOpens(error)
        events.closed()
        self.context = nil
        context.fireChannelInactive()
    }

    /// Ends the connection: its calls fail with `error`.
    private func fail(_ error: RPCError) {
        if failure == nil { failure = error }
        context?.close(promise: nil)
    }

    private func fail(_ stream: ClientStreamState, with error: RPCError) {
        stream.handle.markEnded()
        stream.handle.failReceiving(error)
        for waiter in stream.pending.compactMap(\.waiter) { waiter.resume(throwing: error) }
    }

    // MARK: Actions

    /// Appends `frame` to the codec's output. A frame that cannot be framed (a payload over
    /// 4 GiB, which the limits checked before never let through) closes the connection; the
    /// close comes after the access to the codec has ended.
    func emit(_ frame: Frame, context: ChannelHandlerContext) {
        do {
            try codec.append(frame, allocator: context.channel.allocator)
        } catch {
            context.close(promise: nil)
        }
    }

    private func perform(_ action: ClientConnectionStateMachine.ReadAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .ready:
            timers.handshake?.cancel()
            timers.handshake = nil
            startKeepalive(context: context)
            ready.succeed(())
        case .deliver(let handle, let part):
            if handle.deliver(part) {
                // More than a unary response holds: the caller has its answer (an error).
                handle.cancel(RPCError(code: .cancelled, message: "the server sent more than a unary response"))
            }
        case .finish(let handle, let trailers, let waiters):
            handle.markEnded()
            _ = handle.deliver(trailers)
            handle.finishReceiving()
            for waiter in waiters { waiter.resume(throwing: ClientStreamHandle.callOver) }
            streamEnded(context: context)
        case .write(let batch):
            carryOut(batch, context: context)
        case .pong(let data):
            write(.pong(data), context: context)
        case .goAway(let goAway, let refused, let closeNow):
            logger.debug("the server sent GOAWAY", metadata: ["goaway": "\(goAway)"])
            var error = RPCError(
                code: .unavailable, message: "the server is going away (\(goAway.code)) and did not process this call")
            error.wasNeverProcessed = true
            for stream in refused { fail(stream, with: error) }
            failPendingOpens(error)
            events.draining()
            if closeNow {
                failure = failure ?? RPCError(code: .unavailable, message: "the server closed the connection (\(goAway.code))")
                context.close(promise: nil)
            }
        }
    }

    func write(
        _ part: PendingRequest.Part, on id: StreamID, waiter: CheckedContinuation<Void, any Error>?, mayQueue: Bool
    ) -> ClientConnectionStateMachine.WriteOutcome {
        guard let context else { return .closed }
        let outcome = state.write(part, on: id, waiter: waiter, mayQueue: mayQueue)
        if case .wrote(let batch) = outcome { carryOut(batch, context: context) }
        return outcome
    }

    func consumed(_ count: Int, on id: StreamID) {
        guard let context, let update = state.consumed(count, on: id) else { return }
        write(update, context: context)
    }

    func cancel(_ id: StreamID, reason: UInt32) {
        guard let context, let (frame, waiters) = state.cancel(id, reason: reason) else { return }
        write(frame, context: context)
        let error = RPCError(code: .cancelled, message: "the call was cancelled")
        for waiter in waiters { waiter.resume(throwing: error) }
        streamEnded(context: context)
    }

    /// Stops opening calls; closes once the calls in flight have ended.
    func drain() {
        guard let context else { return }
        state.beginDrain()
        events.draining()
        failPendingOpens(RPCError(code: .unavailable, message: "the connection is closing"))
        if state.isDrained {
            context.writeAndFlush(codec.takeOutput())
            context.close(promise: nil)
        }
    }

    func carryOut(_ batch: ClientConnectionStateMachine.WriteBatch, context: ChannelHandlerContext, flush: Bool = true) {
        for frame in batch.frames {
            emit(frame, context: context)
        }
        // Even with no frame: a message may be held for this tick's flush.
        if flush { scheduleFlush(context: context) }
        for waiter in batch.resumed { waiter.resume() }
    }

    func write(_ frame: Frame, context: ChannelHandlerContext) {
        emit(frame, context: context)
        scheduleFlush(context: context)
    }

    /// A unary call's CALL_START and request were just written: they go now when nothing else
    /// could join their flush (no other call open, no read or flush in progress), else in this
    /// tick's flush. A sequential caller then costs no flush job per call.
    func flushUnaryRequest(context: ChannelHandlerContext) {
        guard !inReadCycle, !flushScheduled, state.openCallCount == 1 else { return scheduleFlush(context: context) }
        context.writeAndFlush(codec.takeOutput())
    }

    private func scheduleFlush(context: ChannelHandlerContext) {
        if inReadCycle {
            needsFlush = true
            return
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute { [self] in
            flushScheduled = false
            guard let context = self.context else { return }
            carryOut(state.releaseHeld(), context: context, flush: false)
            context.writeAndFlush(codec.takeOutput())
        }
    }

    // MARK: Keepalive

    private func startKeepalive(context: ChannelHandlerContext) {
        let interval = max(settings.keepaliveInterval, state.peerLimits?.minPingInterval ?? .zero)
        scheduleKeepalive(after: interval, context: context)
    }

    private func scheduleKeepalive(after interval: Duration, context: ChannelHandlerContext) {
        timers.keepalive = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(interval)) { [self] in
            guard let context = self.context else { return }
            scheduleKeepalive(after: interval, context: context)
            guard case .sendPing(let data) = state.keepaliveTick() else { return }
            write(.ping(data), context: context)
            timers.keepaliveTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(settings.keepaliveTimeout)) {
                [self] in
                guard state.keepaliveTimeout() else { return }
                logger.debug("the server did not answer a PING in time; closing")
                fail(RPCError(code: .unavailable, message: "the server stopped responding (keepalive timeout)"))
            }
        }
    }
}

@available(*, unavailable)
extension ClientConnectionHandler: Sendable {}

/// What a client connection tells its owner (the pool's slot for that endpoint).
struct ClientConnectionEvents: Sendable {
    /// No new calls should go to this connection (GOAWAY, ids exhausted, closing).
    var draining: @Sendable () -> Void
    /// The connection is closed.
    var closed: @Sendable () -> Void
}
