internal import ClinicTLS
internal import Logging
internal import NIOCore
internal import RPCCore
internal import RPCWire

/// Asks a server connection to drain (user inbound event): GOAWAY, PING, final GOAWAY, close
/// when the last call has finished.
struct GracefulDrainEvent: Sendable {}

/// Serves the calls of one connection: bytes from TLS in, cut into frames by its `FrameCodec`,
/// and frames out through the same codec, as bytes. A thin shell over
/// `ServerConnectionStateMachine`: it turns channel events into state machine calls and carries
/// out the actions (start or cancel a handler task, hand a message to a call, write frames, run
/// the timers).
///
/// Writes are coalesced per event-loop tick: frames written by handler tasks are flushed once,
/// by a job queued behind them, so concurrent calls share TLS records and syscalls.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var state: ServerConnectionStateMachine
    private var codec: FrameCodec
    private let settings: RPCConnectionSettings
    private let tracker: ServerConnectionTracker
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var executor: EventLoopTaskExecutor?
    private var peer = Peer(address: "unknown")
    private var inReadCycle = false
    private var needsFlush = false
    private var flushScheduled = false
    private var timers = ConnectionTimers()
    /// The calls' deadlines, behind one timer for the earliest.
    private var deadlines = DeadlineQueue()
    private var deadlineTimer = DeadlineTimer()
    /// Calls opened in the current read, started once its frames are all handled: a unary
    /// request that came with its CALL_START then reaches the handler whole.
    private var opened: [(handle: ServerStreamHandle, start: RPCCallStart)] = []

    init(settings: RPCConnectionSettings, tracker: ServerConnectionTracker, logger: Logger) {
        self.settings = settings
        self.state = ServerConnectionStateMachine(limits: settings.limits)
        self.codec = FrameCodec(limits: settings.limits)
        self.tracker = tracker
        self.logger = logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        executor = EventLoopTaskExecutor.shared(for: context.eventLoop)
        peer.address = Self.describe(context.channel.remoteAddress)
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard timers.handshake == nil else { return }
        // Our SETTINGS goes first; TLS holds it until the handshake is done.
        emit(.settings(settings.limits), context: context)
        context.writeAndFlush(codec.takeOutput())
        timers.handshake = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(settings.handshakeTimeout)) {
            [self] in
            logger.debug("closing a connection whose handshake or SETTINGS did not arrive in time")
            self.context?.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let handshake as TLSHandshakeCompleted:
            peer.identity = handshake.peer?.spiffeID ?? handshake.peer?.commonName
            if handshake.applicationProtocol != WireProtocol.alpnIdentifier {
                logger.debug("closing a connection without ALPN \(WireProtocol.alpnIdentifier)")
                context.close(promise: nil)
            }
        case is GracefulDrainEvent:
            drain(context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadCycle = true
        codec.receive(unwrapInboundIn(data))
        do {
            while let frame = try codec.nextFrame() {
                perform(try state.read(frame, at: .now), context: context)
            }
        } catch {
            logger.debug("protocol error, sending GOAWAY", metadata: ["error": "\(error)"])
            // The calls of this read never start; closing cancels them with the others.
            opened.removeAll()
            emit(.goAway(GoAway(error: error, lastStreamID: state.lastStreamID)), context: context)
            context.closeAfterWriting(codec.takeOutput())
            return
        }
        if !opened.isEmpty { startOpened() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadCycle = false
        if needsFlush {
            needsFlush = false
            context.writeAndFlush(codec.takeOutput())
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Framing errors were answered with GOAWAY in channelRead; TLS errors already closed the
        // channel. Either way the connection is over.
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timers.cancelAll()
        deadlineTimer.cancel()
        deadlines.removeAll()
        let lost = RPCError(code: .unavailable, message: "the connection to the client was lost")
        for stream in state.closed() {
            stream.handle.cancel(CancellationError())
            for waiter in stream.pending.compactMap(\.waiter) { waiter.resume(throwing: lost) }
        }
        tracker.connectionClosed(context.channel)
        context.fireChannelInactive()
    }

    // MARK: Actions

    /// Appends `frame` to the codec's output. A frame that cannot be framed (a payload over
    /// 4 GiB, which the limits checked before never let through) closes the connection; the
    /// close comes after the access to the codec has ended.
    private func emit(_ frame: Frame, context: ChannelHandlerContext) {
        do {
            try codec.append(frame, allocator: context.channel.allocator)
        } catch {
            context.close(promise: nil)
        }
    }

    private func perform(_ action: ServerConnectionStateMachine.ReadAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .settingsReceived:
            timers.handshake?.cancel()
            timers.handshake = nil
            startKeepalive(context: context)
        case .open(let id, let start):
            open(id, start, context: context)
        case .deliver(let handle, let payload, let endStream):
            handle.deliver(Array(payload.readableBytesView), endStream: endStream)
        case .finishInbound(let handle):
            handle.finishInbound()
        case .cancel(let handle, _, let waiters):
            handle.cancel(CancellationError())
            for waiter in waiters { waiter.resume(throwing: ServerStreamHandle.callOver) }
            closeIfDrained(context: context)
        case .write(let batch):
            carryOut(batch, context: context)
        case .pong(let data):
            write(.pong(data), context: context)
        case .finalGoAway(let frame):
            write(frame, context: context)
            closeIfDrained(context: context)
        case .close:
            context.close(promise: nil)
        }
    }

    private func open(_ id: StreamID, _ start: CallPayloads.CallStart, context: ChannelHandlerContext) {
        guard let peerLimits = state.peerLimits else { return }
        // Ten years bounds a hostile timeout so the instant cannot overflow.
        let timeout = start.timeoutMicros.map { Int64(min($0, 315_360_000_000_000)) }
        let deadline = timeout.map { ContinuousClock.now.advanced(by: .microseconds($0)) }
        let handle = ServerStreamHandle(
            id: id, connection: self, loop: context.eventLoop, peerLimits: peerLimits, window: settings.initialWindow)
        let expiry = timeout.map { NIODeadline.now() + .microseconds($0) }
        state.register(handle, deadline: expiry)
        if let expiry { expire(at: expiry, id, context: context) }
        opened.append((handle, RPCCallStart(method: start.method, metadata: start.metadata, deadline: deadline)))
    }

    /// Starts the handler tasks of the calls opened in this read, each with its whole request
    /// when the client's one message and half-close came in the same read.
    private func startOpened() {
        let tracker = self.tracker
        for (handle, start) in opened {
            let (request, messages) = handle.startInbound()
            let stream = RPCServerStream(
                start: start, peer: peer, inbound: messages, outbound: handle.outbound, enforcesDeadline: true,
                request: request, outboundBatch: handle.outboundBatch)
            tracker.handlerStarted()
            handle.start(on: executor) { [handle, stream] in
                await tracker.handler(stream)
                if !handle.isAnswered {
                    // A handler that returned without a status (it should not) still ends the call.
                    try? await stream.outbound.write(.trailers(RPCStatus(code: .internal, message: "the handler ended without a status"), [:]))
                }
                tracker.handlerFinished()
            }
        }
        opened.removeAll(keepingCapacity: true)
    }

    // MARK: Deadlines

    /// Queues a call's deadline: when it passes, the call's handler task is cancelled (the
    /// stream stays open so the call layer can answer DEADLINE_EXCEEDED).
    private func expire(at deadline: NIODeadline, _ id: StreamID, context: ChannelHandlerContext) {
        deadlines.compactIfSparse(openCount: state.openCallCount) { state.openDeadlines }
        deadlines.insert(deadline, id: id.rawValue)
        armDeadlineTimer(context: context)
    }

    private func armDeadlineTimer(context: ChannelHandlerContext) {
        guard let earliest = deadlines.earliest else { return }
        deadlineTimer.arm(for: earliest, on: context.eventLoop) { [self] in
            deadlineTimer.fired()
            let state = self.state
            for id in deadlines.expired(at: .now(), isOpen: { state.isOpen(StreamID($0)) }) {
                state.handle(of: id)?.expire()
            }
            if let context = self.context { armDeadlineTimer(context: context) }
        }
    }

    /// Writes a response part for a call (from its handle, on this loop).
    func write(
        _ part: PendingResponse.Part, on id: StreamID, waiter: CheckedContinuation<Void, any Error>?, mayQueue: Bool
    ) -> ServerConnectionStateMachine.WriteOutcome {
        guard let context else { return .closed }
        let outcome = state.write(part, on: id, waiter: waiter, mayQueue: mayQueue)
        if case .wrote(let batch) = outcome { carryOut(batch, context: context) }
        return outcome
    }

    /// Writes response parts of a call in order, as many as can go without waiting, in one
    /// batch; returns how many were written, or nil when the call is over.
    func write(_ parts: [PendingResponse.Part], on id: StreamID) -> Int? {
        guard let context, let (batch, written) = state.write(parts, on: id) else { return nil }
        carryOut(batch, context: context)
        return written
    }

    /// The handler read `count` request messages of `id`: grant credit back if due.
    func consumed(_ count: Int, on id: StreamID) {
        guard let context, let update = state.consumed(count, on: id) else { return }
        write(update, context: context)
    }

    private func carryOut(_ batch: ServerConnectionStateMachine.WriteBatch, context: ChannelHandlerContext) {
        for frame in batch.frames {
            emit(frame, context: context)
        }
        if !batch.frames.isEmpty {
            if !inReadCycle, !batch.finished.isEmpty, state.openCallCount == 0 {
                // The last open call just ended: no other frame can join this flush, so it
                // goes now rather than in a job queued behind the handler's.
                flushNow(context: context)
            } else {
                scheduleFlush(context: context)
            }
        }
        for waiter in batch.resumed { waiter.resume() }
        for handle in batch.finished { handle.finishInbound() }
        if !batch.finished.isEmpty { closeIfDrained(context: context) }
    }

    private func write(_ frame: Frame, context: ChannelHandlerContext) {
        emit(frame, context: context)
        scheduleFlush(context: context)
    }

    /// One flush per read cycle, or per loop tick for writes from handler tasks.
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
            flushNow(context: context)
        }
    }

    /// Writes and flushes the frames queued in the codec, if any.
    private func flushNow(context: ChannelHandlerContext) {
        guard let output = codec.takeOutput() else { return }
        context.writeAndFlush(output)
    }

    // MARK: Drain, keepalive, idle

    private func drain(context: ChannelHandlerContext) {
        guard let frames = state.beginDrain() else {
            context.close(promise: nil)
            return
        }
        guard !frames.isEmpty else { return }
        for frame in frames { write(frame, context: context) }
        timers.drain = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(settings.drainTimeout)) { [self] in
            logger.debug("drain timeout: closing a connection with calls still open")
            self.context?.close(promise: nil)
        }
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        guard state.isDrained else { return }
        // The TRAILERS just written go out before the close_notify.
        context.writeAndFlush(codec.takeOutput())
        context.close(promise: nil)
    }

    private func startKeepalive(context: ChannelHandlerContext) {
        let interval = max(settings.keepaliveInterval, state.peerLimits?.minPingInterval ?? .zero)
        scheduleKeepalive(after: interval, context: context)
        if let idle = settings.idleTimeout { scheduleIdleCheck(after: idle, context: context) }
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
                logger.debug("the client did not answer a PING in time; closing")
                self.context?.close(promise: nil)
            }
        }
    }

    private func scheduleIdleCheck(after idle: Duration, context: ChannelHandlerContext) {
        timers.idle = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(idle)) { [self] in
            guard let context = self.context else { return }
            guard state.idleCheck() else {
                scheduleIdleCheck(after: idle, context: context)
                return
            }
            write(.goAway(GoAway(lastStreamID: state.lastStreamID, code: .noError, debugMessage: "idle")), context: context)
            context.writeAndFlush(codec.takeOutput())
            context.close(promise: nil)
        }
    }

    private static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        switch address {
        case .v4: return "ipv4:\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6: return "ipv6:[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        case .unixDomainSocket: return "unix:\(address.pathname ?? "")"
        }
    }
}

@available(*, unavailable)
extension ServerConnectionHandler: Sendable {}
