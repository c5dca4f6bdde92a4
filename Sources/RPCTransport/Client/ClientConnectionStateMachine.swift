internal import NIOCore
internal import RPCCore
internal import RPCWire

/// The client's side of one connection, without I/O: opening calls (stream ids, the server's
/// concurrency limit), request parts against message credit, response frames to calls, and
/// GOAWAY handling.
///
///     awaitingSettings ──server SETTINGS──▶ ready ──GOAWAY / ids exhausted / drain──▶ draining ──▶ closed
///            └────────────────────────── connection lost ──────────────────────────────────────▶ closed
struct ClientConnectionStateMachine {
    enum Phase: Equatable {
        case awaitingSettings
        case ready
        /// No new calls; calls in flight finish, then the connection closes.
        case draining
        case closed
    }

    enum ReadAction {
        case none
        /// The server's SETTINGS: calls may open.
        case ready
        case deliver(ClientStreamHandle, RPCResponsePart)
        /// Trailers: the call is over; fail its unsent writes.
        case finish(ClientStreamHandle, RPCResponsePart, waiters: [CheckedContinuation<Void, any Error>])
        case write(WriteBatch)
        case pong(UInt64)
        /// GOAWAY: these calls were never processed (retry elsewhere); close if nothing is left.
        case goAway(GoAway, refused: [ClientStreamState], closeNow: Bool)
    }

    struct WriteBatch {
        var frames: [Frame] = []
        var resumed: [CheckedContinuation<Void, any Error>] = []
    }

    enum WriteOutcome {
        case wrote(WriteBatch)
        case queued
        case mustWait
        case closed
    }

    enum OpenOutcome {
        case opened(StreamID)
        /// At the server's concurrency limit: wait for a call to end.
        case mustWait
        case unavailable(String)
    }

    private(set) var validator: ConnectionFrameValidator
    private var pingPolicy: PingPolicy
    private(set) var keepalive = KeepaliveState()
    private(set) var phase = Phase.awaitingSettings
    private var streams = StreamTable<ClientStreamState>()
    /// Streams holding a message until the tick's flush.
    private var holding: [StreamID] = []

    init(limits: WireLimits) {
        validator = ConnectionFrameValidator(role: .client, localLimits: limits)
        pingPolicy = PingPolicy(minInterval: limits.minPingInterval)
    }

    var peerLimits: WireLimits? { validator.peerLimits }
    var openCallCount: Int { streams.count }
    var isDrained: Bool { phase == .draining && streams.isEmpty }

    // MARK: Reading

    mutating func read(_ frame: Frame, at now: ContinuousClock.Instant) throws(WireError) -> ReadAction {
        guard phase != .closed else { return .none }
        keepalive.frameRead()
        guard try validator.validate(frame) == .deliver else { return .none }
        let id = frame.streamID
        switch frame.type {
        case .settings:
            if phase == .awaitingSettings { phase = .ready }
            return .ready
        case .ping:
            try pingPolicy.pingReceived(at: now)
            return .pong(try frame.pingData())
        case .pong:
            return .none
        case .goAway:
            let goAway = try frame.goAway()
            if phase != .closed { phase = .draining }
            var refused: [ClientStreamState] = []
            for (raw, stream) in streams where raw > goAway.lastStreamID.rawValue {
                refused.append(stream)
                streams[raw] = nil
            }
            return .goAway(goAway, refused: refused, closeNow: goAway.code != .noError || streams.isEmpty)
        case .initialMetadata:
            guard let stream = streams[id.rawValue] else { return .none }
            return .deliver(stream.handle, .metadata(try Self.decode(frame) { (payload) throws(ProtoWireError) in try CallPayloads.readMetadata(payload) }))
        case .message:
            guard let stream = streams[id.rawValue] else { return .none }
            return .deliver(stream.handle, .message(Array(frame.payload.readableBytesView)))
        case .trailers:
            let (status, metadata) = try Self.decode(frame) { (payload) throws(ProtoWireError) in try CallPayloads.decodeTrailers(payload) }
            guard let stream = streams.removeValue(forKey: id.rawValue) else { return .none }
            return .finish(stream.handle, .trailers(status, metadata), waiters: stream.pending.compactMap(\.waiter))
        case .windowUpdate:
            return .write(drain(id))
        default:
            return .none
        }
    }

    private static func decode<T>(
        _ frame: Frame, _ body: (ByteBuffer) throws(ProtoWireError) -> T
    ) throws(WireError) -> T {
        do {
            return try body(frame.payload)
        } catch {
            throw WireError(.malformedPayload, "\(frame.type): \(error)", streamID: frame.streamID)
        }
    }

    // MARK: Opening

    /// Takes a stream id for a new call.
    mutating func open() -> OpenOutcome {
        switch phase {
        case .awaitingSettings: return .mustWait
        case .draining: return .unavailable("the connection is draining (the server sent GOAWAY)")
        case .closed: return .unavailable("the connection is closed")
        case .ready: break
        }
        do {
            return .opened(try validator.openStream())
        } catch where error.code == .tooManyStreams {
            return .mustWait
        } catch {
            phase = .draining
            return .unavailable("no stream ids left on this connection")
        }
    }

    /// Records the handle of a call `open` returned an id for, and when it expires.
    mutating func register(_ handle: ClientStreamHandle, deadline: NIODeadline? = nil) {
        streams[handle.id.rawValue] = ClientStreamState(handle: handle, deadline: deadline)
    }

    /// The handle of an open call.
    func handle(of id: UInt32) -> ClientStreamHandle? { streams[id]?.handle }

    /// Whether a call is still open.
    func isOpen(_ id: UInt32) -> Bool { streams[id] != nil }

    /// The deadlines of the open calls (to rebuild the deadline queue).
    var openDeadlines: [DeadlineQueue.Entry] {
        streams.compactMap { id, stream in stream.deadline.map { DeadlineQueue.Entry(deadline: $0, id: id) } }
    }

    // MARK: Writing

    mutating func write(
        _ part: PendingRequest.Part, on id: StreamID, waiter: CheckedContinuation<Void, any Error>?, mayQueue: Bool
    ) -> WriteOutcome {
        guard var stream = streams[id.rawValue], !stream.halfClosed else { return .closed }
        switch part {
        case .message(let payload) where !stream.streaming && stream.held == nil && stream.pending.isEmpty:
            // The first message: hold it for END_STREAM until the tick's flush.
            stream.held = payload
            streams[id.rawValue] = stream
            holding.append(id)
            var batch = WriteBatch()
            if let waiter { batch.resumed.append(waiter) }
            return .wrote(batch)
        case .end where stream.held != nil && stream.pending.isEmpty && validator.sendCredit(on: id) > 0:
            var batch = WriteBatch()
            // Force-unwrap: checked in the case condition.
            let payload = stream.held!
            stream.held = nil
            stream.halfClosed = true
            streams[id.rawValue] = stream
            _ = validator.spendSendCredit(on: id)
            batch.frames.append(.message(streamID: id, payload: payload, endStream: true))
            if let waiter { batch.resumed.append(waiter) }
            return .wrote(batch)
        default:
            break
        }
        // The fast path (no waiter) only writes what needs no queueing; the rest comes back with one.
        if !mayQueue, stream.held != nil || !stream.pending.isEmpty || !canSend(part, on: id) { return .mustWait }
        if case .message = part { stream.streaming = true }
        if let held = stream.held {
            // Held messages are always older than anything pending (nothing is pending while one is held).
            stream.held = nil
            stream.pending.append(PendingRequest(part: .message(held), waiter: nil))
        }
        if case .end = part { stream.halfClosed = true }
        stream.pending.append(PendingRequest(part: part, waiter: waiter))
        streams[id.rawValue] = stream
        let batch = drain(id)
        return batch.frames.isEmpty && batch.resumed.isEmpty ? .queued : .wrote(batch)
    }

    /// A unary call's one request as one MESSAGE with END_STREAM, when the stream has sent
    /// nothing yet and credit allows (always, for a stream just opened); nil otherwise (the
    /// caller then writes the message and the end).
    mutating func writeUnaryRequest(_ payload: ByteBuffer, on id: StreamID) -> WriteBatch? {
        guard streams[id.rawValue]?.hasSentNothing == true, validator.sendCredit(on: id) > 0 else { return nil }
        streams[id.rawValue]?.halfClosed = true
        _ = validator.spendSendCredit(on: id)
        var batch = WriteBatch()
        batch.frames.append(.message(streamID: id, payload: payload, endStream: true))
        return batch
    }

    private func canSend(_ part: PendingRequest.Part, on id: StreamID) -> Bool {
        if case .message = part { return validator.sendCredit(on: id) > 0 }
        return true
    }

    /// Writes the parts of `id` that credit allows, in order.
    private mutating func drain(_ id: StreamID) -> WriteBatch {
        var batch = WriteBatch()
        guard var stream = streams[id.rawValue] else { return batch }
        while let next = stream.pending.first, canSend(next.part, on: id) {
            stream.pending.removeFirst()
            switch next.part {
            case .message(let payload):
                _ = validator.spendSendCredit(on: id)
                batch.frames.append(.message(streamID: id, payload: payload))
            case .end:
                batch.frames.append(.endStream(streamID: id))
            }
            if let waiter = next.waiter { batch.resumed.append(waiter) }
        }
        streams[id.rawValue] = stream
        return batch
    }

    /// The end of the loop tick: held messages go out without the END_STREAM flag.
    mutating func releaseHeld() -> WriteBatch {
        var batch = WriteBatch()
        let ids = holding
        holding.removeAll(keepingCapacity: true)
        for id in ids {
            guard var stream = streams[id.rawValue], let held = stream.held else { continue }
            stream.held = nil
            // Only a call's first message is ever held.
            stream.streaming = true
            stream.pending.append(PendingRequest(part: .message(held), waiter: nil))
            streams[id.rawValue] = stream
            let drained = drain(id)
            batch.frames += drained.frames
            batch.resumed += drained.resumed
        }
        return batch
    }

    /// The application read `count` response messages of `id`: a WINDOW_UPDATE if one is due.
    mutating func consumed(_ count: Int, on id: StreamID) -> Frame? {
        var update: Frame?
        for _ in 0..<count {
            if let frame = validator.messageConsumed(on: id) { update = frame }
        }
        return update
    }

    /// The caller gave up on `id`: the CANCEL to send (nil when the call already ended) and the
    /// writers to fail.
    mutating func cancel(_ id: StreamID, reason: UInt32) -> (Frame, [CheckedContinuation<Void, any Error>])? {
        guard let stream = streams.removeValue(forKey: id.rawValue) else { return nil }
        let frame = Frame.cancel(streamID: id, reason: reason)
        validator.sent(frame)
        return (frame, stream.pending.compactMap(\.waiter))
    }

    /// Stops opening calls (client-side drain).
    mutating func beginDrain() {
        if phase == .ready || phase == .awaitingSettings { phase = .draining }
    }

    mutating func keepaliveTick() -> KeepaliveState.Tick { keepalive.intervalElapsed() }
    mutating func keepaliveTimeout() -> Bool { keepalive.timeoutElapsed() }

    /// The channel closed: the calls still open.
    mutating func closed() -> [ClientStreamState] {
        phase = .closed
        defer { streams.removeAll() }
        return streams.allValues
    }
}
