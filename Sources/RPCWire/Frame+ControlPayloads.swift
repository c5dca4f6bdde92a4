/// Typed views of the fixed-layout payloads. Each checks the frame type and the payload's size,
/// so a frame built by hand (not by the decoder) still gets a typed error, never a trap.
extension Frame {
    /// The 8 opaque bytes of a PING or PONG.
    package func pingData() throws(WireError) -> UInt64 {
        try expect(.ping, .pong)
        guard payload.readableBytes == 8, let value = payload.getInteger(at: payload.readerIndex, as: UInt64.self)
        else { throw WireError(.invalidFrameLength, "\(type) payload must be 8 bytes") }
        return value
    }

    /// The credit a WINDOW_UPDATE grants; zero is a flow-control violation.
    package func windowIncrement() throws(WireError) -> UInt32 {
        try expect(.windowUpdate)
        guard payload.readableBytes == 4,
            let value = payload.getInteger(at: payload.readerIndex, as: UInt32.self)
        else { throw WireError(.invalidFrameLength, "WINDOW_UPDATE payload must be 4 bytes", streamID: streamID) }
        guard value != 0, value <= UInt32(Int32.max) else {
            throw WireError(.flowControlViolation, "WINDOW_UPDATE increment \(value) is outside 1...2^31-1", streamID: streamID)
        }
        return value
    }

    /// The status code a CANCEL gives as its reason; the empty form means CANCELLED (1).
    package func cancelReason() throws(WireError) -> UInt32 {
        try expect(.cancel)
        switch payload.readableBytes {
        case 0: return 1
        case 4:
            // Cannot fail: 4 readable bytes were just checked.
            return payload.getInteger(at: payload.readerIndex, as: UInt32.self) ?? 1
        default:
            throw WireError(.invalidFrameLength, "CANCEL payload must be 0 or 4 bytes", streamID: streamID)
        }
    }

    /// The GOAWAY payload.
    package func goAway() throws(WireError) -> GoAway {
        try expect(.goAway)
        return try GoAway(payload: payload)
    }

    /// The limits a SETTINGS frame announces.
    package func settings() throws(WireError) -> WireLimits {
        try expect(.settings)
        return try WireLimits(settingsPayload: payload)
    }

    private func expect(_ types: FrameType...) throws(WireError) {
        guard types.contains(type) else {
            throw WireError(.unexpectedFrame, "\(type) read as \(types.map(\.description).joined(separator: "/"))")
        }
    }
}
