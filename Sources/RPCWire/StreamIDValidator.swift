/// Stream-id bookkeeping for one side of one connection: which calls are open, which ids are
/// used up, and how many may be open at once. No I/O; the connection handler feeds it frames in
/// the order they are read and written.
///
/// Rules (docs/PROTOCOL.md, "Stream ids"): clients open calls on odd ids, each higher than the
/// last (gaps allowed; skipped ids count as closed); a stream is open from CALL_START until the
/// server writes TRAILERS or reads CANCEL (server side), or until the client reads TRAILERS or
/// writes CANCEL (client side). Frames for a closed stream are dropped, because they can cross a
/// close on the wire; frames for a stream never opened are a protocol error.
package struct StreamIDValidator: Sendable {
    /// Which end of the connection this validator keeps the books for.
    package enum Role: Sendable, Hashable {
        /// Opens calls (odd ids) and validates the server's frames.
        case client
        /// Accepts calls and validates the client's frames.
        case server
    }

    /// What to do with a frame on a stream that is not a CALL_START.
    package enum Disposition: Sendable, Hashable {
        /// The stream is open: process the frame.
        case open
        /// The stream was opened and has closed: drop the frame silently.
        case closed
    }

    /// This side's role.
    package let role: Role
    /// Most streams open at once: the limit this server announced, or, for a client, the limit
    /// the server announced (set it when the server's SETTINGS arrives).
    package var maxConcurrentStreams: Int
    /// The highest id opened so far (0 before the first call).
    package internal(set) var highestStreamID: StreamID = .connection
    private var openStreams = StreamTable<Void>()

    /// Creates the books for one connection.
    package init(role: Role, maxConcurrentStreams: Int) {
        self.role = role
        self.maxConcurrentStreams = maxConcurrentStreams
    }

    /// Calls open right now.
    package var openStreamCount: Int { openStreams.count }

    /// True when `id` is open.
    package func isOpen(_ id: StreamID) -> Bool { openStreams.contains(id.rawValue) }

    /// Server: a CALL_START arrived on `id`. Throws `invalidStreamID` (zero, even, reserved bit),
    /// `streamIDReused`, `streamIDOutOfOrder` or `tooManyStreams`.
    package mutating func peerOpened(_ id: StreamID) throws(WireError) {
        guard role == .server else {
            throw WireError(.unexpectedFrame, "CALL_START sent by a server", streamID: id)
        }
        guard !id.isConnection, !id.hasReservedBit, id.isClientInitiated else {
            throw WireError(.invalidStreamID, "calls open on odd ids from 1 to 2^31-1, got \(id)", streamID: id)
        }
        if openStreams.contains(id.rawValue) || id == highestStreamID {
            throw WireError(.streamIDReused, "stream \(id) was already opened", streamID: id)
        }
        if id < highestStreamID {
            throw WireError(
                .streamIDOutOfOrder, "stream \(id) opened after \(highestStreamID); ids must increase",
                streamID: id)
        }
        if openStreams.count >= maxConcurrentStreams {
            throw WireError(
                .tooManyStreams, "\(openStreams.count) calls open, limit is \(maxConcurrentStreams)",
                streamID: id)
        }
        highestStreamID = id
        openStreams.insert(id.rawValue)
    }

    /// Client: takes the next odd id for a new call. Throws `tooManyStreams` when the server's
    /// limit is reached (queue the call until one closes) or `streamIDsExhausted` when the ids
    /// ran out (drain this connection, open a new one).
    package mutating func openNext() throws(WireError) -> StreamID {
        guard role == .client else {
            throw WireError(.unexpectedFrame, "servers do not open streams")
        }
        let next = highestStreamID.isConnection ? StreamID(1) : StreamID(highestStreamID.rawValue &+ 2)
        guard next <= .max, next > highestStreamID else {
            throw WireError(.streamIDsExhausted, "all client stream ids are used")
        }
        guard openStreams.count < maxConcurrentStreams else {
            throw WireError(
                .tooManyStreams, "\(openStreams.count) calls open, server allows \(maxConcurrentStreams)")
        }
        highestStreamID = next
        openStreams.insert(next.rawValue)
        return next
    }

    /// Classifies a received frame's stream (any call frame but CALL_START): open, closed (drop),
    /// or never opened (throws `unknownStream`).
    package func disposition(of id: StreamID) throws(WireError) -> Disposition {
        if openStreams.contains(id.rawValue) { return .open }
        if id.isClientInitiated, !id.isConnection, id <= highestStreamID { return .closed }
        throw WireError(.unknownStream, "frame for stream \(id), which was never opened", streamID: id)
    }

    /// Marks `id` closed; returns false when it was not open.
    @discardableResult
    package mutating func close(_ id: StreamID) -> Bool {
        openStreams.remove(id.rawValue)
    }
}
