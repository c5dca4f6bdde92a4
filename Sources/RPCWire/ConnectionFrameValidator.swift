/// Enforces the frame-level rules of one connection, for one side, without any I/O: SETTINGS
/// first and once, which side may send which frame, stream-id order and limits, the order of
/// frames within a call, and message credit.
///
/// The connection handler passes every received frame to `validate(_:)` and every frame it
/// writes to `sent(_:)`, in order. A thrown `WireError` ends the connection (GOAWAY + close by
/// the connection handler); `.ignore` means the frame belongs to a call that has already closed
/// and must be dropped. What remains for the call layer is the meaning of payloads (decoding
/// CallStart and Trailers, message cardinality of unary calls, deadlines).
package struct ConnectionFrameValidator: Sendable {
    /// What to do with a received frame that broke no rule.
    package enum Disposition: Sendable, Hashable {
        /// Hand it to the call layer (or, for connection frames, act on it).
        case deliver
        /// It is for a call that has closed; drop it.
        case ignore
    }

    /// Where a call stands, as far as the peer's frames go.
    private enum Phase: Sendable, Hashable {
        /// Server side: the client may still send messages.
        case clientSending
        /// Server side: the client half-closed; only CANCEL and WINDOW_UPDATE may follow.
        case clientHalfClosed
        /// Client side: nothing from the server yet (INITIAL_METADATA, MESSAGE or TRAILERS next).
        case awaitingResponse
        /// Client side: the server sent INITIAL_METADATA or a MESSAGE; more MESSAGEs or TRAILERS next.
        case responding
    }

    private struct StreamState: Sendable, Hashable {
        var phase: Phase
        var inbound: InboundMessageCredit
        var outbound: OutboundMessageCredit
    }

    /// This side's role.
    package var role: StreamIDValidator.Role { streamIDs.role }
    /// The limits this side announced and enforces.
    package let localLimits: WireLimits
    /// The limits the peer announced; nil until its SETTINGS arrives.
    package private(set) var peerLimits: WireLimits?
    /// Stream-id bookkeeping.
    package private(set) var streamIDs: StreamIDValidator
    private var streams = StreamTable<StreamState>()
    /// The last GOAWAY the peer sent.
    package private(set) var peerGoAway: GoAway?
    /// The last stream id of the last GOAWAY this side sent.
    package private(set) var sentGoAwayLastStreamID: StreamID?

    /// Creates the rules for one side of a new connection.
    package init(role: StreamIDValidator.Role, localLimits: WireLimits = .default) {
        self.localLimits = localLimits
        // A client may open nothing until the server's SETTINGS says how many.
        let limit = role == .server ? localLimits.maxConcurrentStreams : 0
        self.streamIDs = StreamIDValidator(role: role, maxConcurrentStreams: limit)
    }

    /// Checks a received frame against every rule; throws the violation or says what to do.
    package mutating func validate(_ frame: Frame) throws(WireError) -> Disposition {
        try header(of: frame).validate(against: localLimits)
        guard peerLimits != nil else {
            guard frame.type == .settings else {
                throw WireError(.settingsExpected, "first frame is \(frame.type), not SETTINGS")
            }
            let limits = try frame.settings()
            peerLimits = limits
            if role == .client { streamIDs.maxConcurrentStreams = limits.maxConcurrentStreams }
            return .deliver
        }
        switch frame.type {
        case .settings:
            throw WireError(.unexpectedFrame, "SETTINGS sent twice")
        case .ping, .pong:
            _ = try frame.pingData()
            return .deliver
        case .goAway:
            try receivedGoAway(try frame.goAway())
            return .deliver
        case .callStart:
            try requireRole(.server, for: frame)
            try streamIDs.peerOpened(frame.streamID)
            if let last = sentGoAwayLastStreamID, frame.streamID > last {
                // Sent after our GOAWAY: never processed, the client retries it elsewhere. The id
                // still counts as used, so ordering rules keep holding.
                streamIDs.close(frame.streamID)
                return .ignore
            }
            streams[frame.streamID.rawValue] = newStreamState(phase: .clientSending)
            return .deliver
        default:
            return try validateCallFrame(frame)
        }
    }

    private mutating func validateCallFrame(_ frame: Frame) throws(WireError) -> Disposition {
        let id = frame.streamID
        switch frame.type {
        case .endStream, .cancel: try requireRole(.server, for: frame)
        case .initialMetadata, .trailers: try requireRole(.client, for: frame)
        default: break
        }
        guard try streamIDs.disposition(of: id) == .open, var state = streams[id.rawValue] else {
            return .ignore
        }
        switch (frame.type, state.phase) {
        case (.windowUpdate, _):
            try state.outbound.grant(try frame.windowIncrement())
        case (.cancel, _):
            _ = try frame.cancelReason()
            close(id)
            return .deliver
        case (.message, .clientSending), (.message, .awaitingResponse), (.message, .responding):
            try state.inbound.received()
            if frame.flags.contains(.endStream), role == .server { state.phase = .clientHalfClosed }
            if role == .client { state.phase = .responding }
        case (.endStream, .clientSending):
            state.phase = .clientHalfClosed
        case (.initialMetadata, .awaitingResponse):
            state.phase = .responding
        case (.trailers, .awaitingResponse), (.trailers, .responding):
            close(id)
            return .deliver
        default:
            throw WireError(.unexpectedFrame, "\(frame.type) not allowed after \(state.phase)", streamID: id)
        }
        streams[id.rawValue] = state
        return .deliver
    }

    /// Client: opens a call and returns its stream id. Throws `settingsExpected` before the
    /// server's SETTINGS, `tooManyStreams` at the server's limit (wait for a call to finish),
    /// `streamIDsExhausted` when ids ran out (drain and reconnect).
    package mutating func openStream() throws(WireError) -> StreamID {
        guard peerLimits != nil else {
            throw WireError(.settingsExpected, "wait for the server's SETTINGS before opening calls")
        }
        let id = try streamIDs.openNext()
        streams[id.rawValue] = newStreamState(phase: .awaitingResponse)
        return id
    }

    /// Records a frame this side wrote: TRAILERS (server) and CANCEL (client) close their stream;
    /// a server's GOAWAY makes later CALL_STARTs above its last stream id `.ignore`d.
    package mutating func sent(_ frame: Frame) {
        switch (role, frame.type) {
        case (.server, .trailers), (.client, .cancel):
            close(frame.streamID)
        case (.server, .goAway):
            if let goAway = try? frame.goAway() {
                sentGoAwayLastStreamID = min(goAway.lastStreamID, sentGoAwayLastStreamID ?? .max)
            }
        default:
            break
        }
    }

    /// A GOAWAY may lower its last stream id, never raise it. On a client, the calls above it were
    /// never processed: they are closed here, and the call layer retries them on another
    /// connection (it holds the same ids).
    private mutating func receivedGoAway(_ goAway: GoAway) throws(WireError) {
        if let previous = peerGoAway, goAway.lastStreamID > previous.lastStreamID {
            throw WireError(
                .unexpectedFrame,
                "GOAWAY raised its last stream id from \(previous.lastStreamID) to \(goAway.lastStreamID)")
        }
        peerGoAway = goAway
        guard role == .client else { return }
        for id in streams.ids where id > goAway.lastStreamID.rawValue {
            close(StreamID(id))
        }
    }

    /// Spends one message of send credit on `id`; false when there is none (wait for a
    /// WINDOW_UPDATE) or the stream is closed.
    package mutating func spendSendCredit(on id: StreamID) -> Bool {
        guard var state = streams[id.rawValue], state.outbound.spend() else { return false }
        streams[id.rawValue] = state
        return true
    }

    /// Send credit left on `id` (0 for a closed stream).
    package func sendCredit(on id: StreamID) -> Int { streams[id.rawValue]?.outbound.available ?? 0 }

    /// The application consumed one received message on `id`; returns the WINDOW_UPDATE to send,
    /// if one is due. None is sent once the client has half-closed: no more messages will come.
    package mutating func messageConsumed(on id: StreamID) -> Frame? {
        guard var state = streams[id.rawValue] else { return nil }
        let increment = state.inbound.consumed()
        streams[id.rawValue] = state
        guard let increment, state.phase != .clientHalfClosed else { return nil }
        return .windowUpdate(streamID: id, increment: increment)
    }

    /// Closes `id` (for example when the call layer gives up on it); frames for it are then ignored.
    package mutating func close(_ id: StreamID) {
        streams[id.rawValue] = nil
        streamIDs.close(id)
    }

    private func newStreamState(phase: Phase) -> StreamState {
        StreamState(
            phase: phase,
            inbound: InboundMessageCredit(window: localLimits.initialWindow),
            outbound: OutboundMessageCredit(initialWindow: peerLimits?.initialWindow ?? 1))
    }

    private func requireRole(_ receiver: StreamIDValidator.Role, for frame: Frame) throws(WireError) {
        guard role == receiver else {
            let sender = receiver == .server ? "server" : "client"
            throw WireError(.unexpectedFrame, "\(frame.type) sent by a \(sender)", streamID: frame.streamID)
        }
    }

    private func header(of frame: Frame) -> FrameHeader {
        FrameHeader(
            length: UInt32(clamping: frame.payload.readableBytes), type: frame.type, flags: frame.flags,
            streamID: frame.streamID)
    }
}
