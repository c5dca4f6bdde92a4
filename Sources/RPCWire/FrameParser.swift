package import NIOCore

/// Cuts frames out of a byte stream, incrementally and without a channel.
///
/// The header is validated (`FrameHeader.validate(against:)`) as soon as its 10 bytes are in, so
/// an oversized length, an unknown type or a misplaced stream id fails before the parser waits for,
/// or anyone allocates, the payload. After a failure the parser stays failed: a byte stream that
/// broke framing once has no trustworthy frame boundary left.
package struct FrameParser: Sendable {
    private enum State: Sendable {
        case awaitingHeader
        case awaitingPayload(FrameHeader)
        case failed(WireError)
    }

    /// The limits received frames are checked against.
    package let limits: WireLimits
    private var state: State = .awaitingHeader

    /// Creates a parser enforcing `limits`.
    package init(limits: WireLimits = .default) {
        self.limits = limits
    }

    /// True when a header has been read and its payload is still incomplete.
    package var hasPartialFrame: Bool {
        if case .awaitingPayload = state { return true }
        return false
    }

    /// How many bytes the frame being read still takes, counted from what `nextFrame` left
    /// unconsumed: the header's 10 while it is incomplete, else the declared payload length.
    package var bytesForNextFrame: Int {
        if case .awaitingPayload(let header) = state { return Int(header.length) }
        return WireProtocol.frameHeaderSize
    }

    /// Returns the next whole frame and consumes its bytes, or nil (consuming at most a valid
    /// header) when more bytes are needed. The payload is a slice of `buffer`, not a copy.
    package mutating func nextFrame(from buffer: inout ByteBuffer) throws(WireError) -> Frame? {
        switch state {
        case .failed(let error):
            throw error
        case .awaitingHeader:
            guard let header = buffer.readFrameHeader() else { return nil }
            do {
                try header.validate(against: limits)
            } catch {
                state = .failed(error)
                throw error
            }
            state = .awaitingPayload(header)
            return readPayload(of: header, from: &buffer)
        case .awaitingPayload(let header):
            return readPayload(of: header, from: &buffer)
        }
    }

    private mutating func readPayload(of header: FrameHeader, from buffer: inout ByteBuffer) -> Frame? {
        guard let payload = buffer.readSlice(length: Int(header.length)) else { return nil }
        state = .awaitingHeader
        return Frame(type: header.type, flags: header.flags, streamID: header.streamID, payload: payload)
    }

    /// Called when the byte stream ends: throws `truncatedFrame` if it ended inside a frame.
    /// `leftover` is what the caller still holds unparsed.
    package func finish(leftover: ByteBuffer) throws(WireError) {
        if case .failed = state { return }
        if hasPartialFrame || leftover.readableBytes > 0 {
            throw WireError(.truncatedFrame, "connection ended inside a frame")
        }
    }
}
