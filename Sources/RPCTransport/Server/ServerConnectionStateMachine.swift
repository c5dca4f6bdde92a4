internal import NIOCore
internal import RPCWire

/// The server's side of one connection, without I/O: frames and response writes in, actions
/// out. The protocol's frame rules are `ConnectionFrameValidator`'s; this adds the calls
/// (which handle each stream has, which responses wait for credit), PING answers and abuse,
/// and the two-step GOAWAY drain of docs/PROTOCOL.md 7.2.
///
///     awaitingSettings ──SETTINGS──▶ active ──beginDrain──▶ draining(ping) ──PONG──▶ draining(nil)
///            │                         │                                              │
///            └───────── protocol error, peer gone, drained and no call open ──────────┴──▶ closed
struct ServerConnectionStateMachine {
    enum Phase: Equatable {
        case awaitingSettings
        case active
        /// GOAWAY(2^31-1) and a PING with this data are out; after its PONG the final GOAWAY
        /// goes out (`nil` from then on) and the connection closes when no call is left.
        case draining(pingData: UInt64?)
        case closed
    }

    /// What to do with a received frame.
    enum ReadAction {
        case none
        /// The client's SETTINGS: the connection is usable; start keepalive.
        case settingsReceived
        /// A new call: make its handle, `register` it, start its handler.
        case open(StreamID, CallPayloads.CallStart)
        /// A request message, the last one when `endStream`.
        case deliver(ServerStreamHandle, ByteBuffer, endStream: Bool)
        /// The client half-closed.
        case finishInbound(ServerStreamHandle)
        /// The client cancelled (reason: a status code); fail the waiting writers.
        case cancel(ServerStreamHandle, reason: UInt32, waiters: [CheckedContinuation<Void, any Error>])
        /// Credit arrived: write these frames.
        case write(WriteBatch)
        case pong(UInt64)
        /// The drain's PING came back: send the final GOAWAY.
        case finalGoAway(Frame)
        /// The client went away with an error: close.
        case close
    }

    /// Frames to write now, the writers to resume, and the call that ended (trailers written).
    struct WriteBatch {
        var frames: [Frame] = []
        var resumed: [CheckedContinuation<Void, any Error>] = []
        var finished: [ServerStreamHandle] = []
    }

    /// What became of a response write.
    enum WriteOutcome {
        case wrote(WriteBatch)
        /// Queued behind earlier frames or waiting for credit; the waiter is resumed later.
        case queued
        /// No credit, and the caller asked not to queue.
        case mustWait
        /// The call is over (cancelled, or trailers already sent).
        case closed
    }

    private(set) var validator: ConnectionFrameValidator
    private var pingPolicy: PingPolicy
    private(set) var keepalive = KeepaliveState()
    private(set) var phase = Phase.awaitingSettings
    private var streams = StreamTable<ServerStreamState>()
    private var callsOpened: UInt64 = 0
    private var callsOpenedAtIdleCheck: UInt64 = 0
    /// The PING data of the drain (distinct from keepalive's small counter values).
    static let drainPingData: UInt64 = 0xD7A1_0000_0000_0001

    init(limits: WireLimits) {
        validator = ConnectionFrameValidator(role: .server, localLimits: limits)
        pingPolicy = PingPolicy(minInterval: limits.minPingInterval)
    }

    var openCallCount: Int { streams.count }
    var peerLimits: WireLimits? { validator.peerLimits }
    /// The GOAWAY's last stream id if this side fails the connection now.
    var lastStreamID: StreamID { validator.streamIDs.highestStreamID }
    /// True when a draining connection has nothing left to do.
    var isDrained: Bool {
        if case .draining(nil) = phase { return streams.isEmpty }
        return false
    }

    // MARK: Reading

    /// Handles a received frame; a thrown `WireError` ends the connection with GOAWAY.
    mutating func read(_ frame: Frame, at now: ContinuousClock.Instant) throws(WireError) -> ReadAction {
        guard phase != .closed else { return .none }
        keepalive.frameRead()
        guard try validator.validate(frame) == .deliver else { return .none }
        switch frame.type {
        case .settings:
            if phase == .awaitingSettings { phase = .active }
            return .settingsReceived
        case .ping:
            try pingPolicy.pingReceived(at: now)
            return .pong(try frame.pingData())
        case .pong:
            guard case .draining(let data?) = phase, try frame.pingData() == data else { return .none }
            phase = .draining(pingData: nil)
            let goAway = Frame.goAway(GoAway(lastStreamID: lastStreamID, code: .noError, debugMessage: "draining"))
            validator.sent(goAway)
            return .finalGoAway(goAway)
        case .goAway:
            return try frame.goAway().code == .noError ? .none : .close
        case .callStart:
            do {
                let start = try CallPayloads.decodeCallStart(frame.payload)
                callsOpened &+= 1
                return .open(frame.streamID, start)
            } catch {
                throw WireError(.malformedPayload, "CALL_START: \(error)", streamID: frame.streamID)
            }
        case .message:
            let last = frame.flags.contains(.endStream)
            guard let handle = last ? streams[frame.streamID.rawValue]?.endClientSending() : streams[frame.streamID.rawValue]?.handle
            else { return .none }
            return .deliver(handle, frame.payload, endStream: last)
        case .endStream:
            guard let handle = streams[frame.streamID.rawValue]?.endClientSending() else { return .none }
            return .finishInbound(handle)
        case .cancel:
            guard let stream = streams.removeValue(forKey: frame.streamID.rawValue) else { return .none }
            return .cancel(stream.handle, reason: try frame.cancelReason(), waiters: stream.pending.compactMap(\.waiter))
        case .windowUpdate:
            return .write(flushPending(on: frame.streamID))
        default:
            // The validator refuses every other frame a client may not send.
            return .none
        }
    }

    /// Records the handle of a call `read` returned `.open` for, and when it expires.
    mutating func register(_ handle: ServerStreamHandle, deadline: NIODeadline? = nil) {
        streams[handle.id.rawValue] = ServerStreamState(handle: handle, deadline: deadline)
    }

    /// The handle of an open call.
    func handle(of id: UInt32) -> ServerStreamHandle? { streams[id]?.handle }

    /// The deadlines of the open calls (to rebuild the deadline queue).
    var openDeadlines: [DeadlineQueue.Entry] {
        streams.compactMap { id, stream in stream.deadline.map { DeadlineQueue.Entry(deadline: $0, id: id) } }
    }

    // MARK: Writing

    /// A response part for `id`; queues it (with `waiter`) when earlier parts are still waiting or
    /// there is no credit, unless `mayQueue` is false.
    mutating func write(
        _ part: PendingResponse.Part, on id: StreamID, waiter: CheckedContinuation<Void, any Error>?, mayQueue: Bool
    ) -> WriteOutcome {
        guard let nothingPending = streams[id.rawValue]?.pending.isEmpty else { return .closed }
        if nothingPending, canSend(part, on: id) {
            var batch = WriteBatch()
            emit(part, on: id, into: &batch)
            if let waiter { batch.resumed.append(waiter) }
            return .wrote(batch)
        }
        guard mayQueue else { return .mustWait }
        streams[id.rawValue]?.pending.append(PendingResponse(part: part, waiter: waiter))
        return .queued
    }

    /// Response parts for `id` in order, as many as can go now without waiting (none may be
    /// queued before them): one batch, and how many went into it. Nil when the call is over.
    mutating func write(_ parts: [PendingResponse.Part], on id: StreamID) -> (batch: WriteBatch, written: Int)? {
        guard let nothingPending = streams[id.rawValue]?.pending.isEmpty else { return nil }
        var batch = WriteBatch()
        guard nothingPending else { return (batch, 0) }
        var written = 0
        for part in parts {
            guard streams.contains(id.rawValue), canSend(part, on: id) else { break }
            emit(part, on: id, into: &batch)
            written += 1
        }
        return (batch, written)
    }

    private func canSend(_ part: PendingResponse.Part, on id: StreamID) -> Bool {
        if case .message = part { return validator.sendCredit(on: id) > 0 }
        return true
    }

    /// Writes the parts of `id` that credit now allows, in order.
    private mutating func flushPending(on id: StreamID) -> WriteBatch {
        var batch = WriteBatch()
        while let next = streams[id.rawValue]?.pending.first, canSend(next.part, on: id) {
            streams[id.rawValue]?.pending.removeFirst()
            emit(next.part, on: id, into: &batch)
            if let waiter = next.waiter { batch.resumed.append(waiter) }
        }
        return batch
    }

    private mutating func emit(_ part: PendingResponse.Part, on id: StreamID, into batch: inout WriteBatch) {
        switch part {
        case .initialMetadata(let payload):
            batch.frames.append(.initialMetadata(streamID: id, payload: payload))
        case .message(let payload):
            _ = validator.spendSendCredit(on: id)
            batch.frames.append(.message(streamID: id, payload: payload))
        case .trailers(let payload):
            let frame = Frame.trailers(streamID: id, payload: payload)
            validator.sent(frame)
            batch.frames.append(frame)
            if let stream = streams.removeValue(forKey: id.rawValue) {
                batch.finished.append(stream.handle)
                batch.resumed += stream.pending.compactMap(\.waiter)
            }
        }
    }

    /// The handler consumed `count` request messages of `id`: the WINDOW_UPDATEs to send.
    mutating func consumed(_ count: Int, on id: StreamID) -> Frame? {
        var update: Frame?
        for _ in 0..<count {
            if let frame = validator.messageConsumed(on: id) { update = frame }
        }
        return update
    }

    /// The handler of `id` returned: whether the call is still open (it never sent trailers).
    func isOpen(_ id: StreamID) -> Bool { streams[id.rawValue] != nil }

    // MARK: Connection lifecycle

    /// Starts the graceful drain; returns the frames to send (none when already draining), or
    /// nil when the connection should simply close (the client never got going).
    mutating func beginDrain() -> [Frame]? {
        switch phase {
        case .awaitingSettings, .closed:
            return nil
        case .draining:
            return []
        case .active:
            phase = .draining(pingData: Self.drainPingData)
            let goAway = Frame.goAway(GoAway(lastStreamID: .max, code: .noError, debugMessage: "draining"))
            validator.sent(goAway)
            return [goAway, .ping(Self.drainPingData)]
        }
    }

    /// The idle check fired: true when no call was open or opened since the last check.
    mutating func idleCheck() -> Bool {
        defer { callsOpenedAtIdleCheck = callsOpened }
        return streams.isEmpty && callsOpened == callsOpenedAtIdleCheck && phase == .active
    }

    /// The keepalive interval passed.
    mutating func keepaliveTick() -> KeepaliveState.Tick { keepalive.intervalElapsed() }

    /// The keepalive timeout passed; true when the peer is dead.
    mutating func keepaliveTimeout() -> Bool { keepalive.timeoutElapsed() }

    /// The channel closed: every call still open, to be cancelled.
    mutating func closed() -> [ServerStreamState] {
        phase = .closed
        defer { streams.removeAll() }
        return streams.allValues
    }
}
