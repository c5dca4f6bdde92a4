package import NIOCore

/// The fixed 10-byte header in front of every payload.
///
/// ```
///  0               1               2               3
/// +---------------+---------------+---------------+---------------+
/// |                  payload length (32, big-endian)              |
/// +---------------+---------------+---------------+---------------+
/// |   type (8)    |   flags (8)   |      stream id (32, BE) ...   |
/// +---------------+---------------+---------------+---------------+
/// |     ... stream id             |   payload (length bytes) ...
/// +---------------+---------------+
/// ```
package struct FrameHeader: Sendable, Hashable {
    /// Bytes of payload that follow the header.
    package var length: UInt32
    /// The frame's kind.
    package var type: FrameType
    /// The frame's flag bits.
    package var flags: FrameFlags
    /// The call the frame belongs to, or 0 for the connection.
    package var streamID: StreamID

    /// Creates a header from its four fields.
    package init(length: UInt32, type: FrameType, flags: FrameFlags, streamID: StreamID) {
        self.length = length
        self.type = type
        self.flags = flags
        self.streamID = streamID
    }

    /// Checks everything that can be known from the header alone, before any payload byte is
    /// awaited: the length against the limits and the type's fixed size, the type, and whether
    /// the stream id fits the type. The order is cheapest-and-most-dangerous first: the length.
    package func validate(against limits: WireLimits) throws(WireError) {
        let length = Int(self.length)
        if length > limits.maxFrameSize {
            throw WireError(
                .frameTooLarge,
                "\(type) frame declares \(length) bytes, limit is \(limits.maxFrameSize)",
                streamID: streamID)
        }
        guard type.isKnown else {
            throw WireError(.unknownFrameType, "frame type \(type)", streamID: streamID)
        }
        if streamID.hasReservedBit {
            throw WireError(.invalidStreamID, "\(type) stream id has the reserved bit set")
        }
        if type.isStreamFrame, streamID.isConnection {
            throw WireError(.invalidStreamID, "\(type) needs a non-zero stream id")
        }
        if !type.isStreamFrame, !streamID.isConnection {
            throw WireError(
                .invalidStreamID, "\(type) belongs on stream 0", streamID: streamID)
        }
        if type.isMetadataSized, length > limits.maxMetadataSize {
            throw WireError(
                .metadataTooLarge,
                "\(type) frame declares \(length) bytes, limit is \(limits.maxMetadataSize)",
                streamID: streamID)
        }
        try validateFixedLength(length)
    }

    private func validateFixedLength(_ length: Int) throws(WireError) {
        let allowed: Bool
        switch type {
        case .ping, .pong: allowed = length == 8
        case .windowUpdate: allowed = length == 4
        case .endStream: allowed = length == 0
        case .cancel: allowed = length == 0 || length == 4
        case .goAway: allowed = length >= 8
        case .settings: allowed = length % WireLimits.settingSize == 0
        default: allowed = true
        }
        guard allowed else {
            throw WireError(
                .invalidFrameLength, "\(type) frame cannot be \(length) bytes long",
                streamID: streamID.isConnection ? nil : streamID)
        }
    }
}

extension ByteBuffer {
    /// Reads a header if 10 bytes are readable; otherwise reads nothing and returns nil.
    ///
    /// One access to the bytes for the four fields (a frame's hot path: every frame is read
    /// through here; `getInteger` per field would check bounds and exclusivity four times).
    package mutating func readFrameHeader() -> FrameHeader? {
        guard readableBytes >= WireProtocol.frameHeaderSize else { return nil }
        let header = withUnsafeReadableBytes { bytes in
            FrameHeader(
                length: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                type: FrameType(rawValue: bytes[4]), flags: FrameFlags(rawValue: bytes[5]),
                streamID: StreamID(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 6, as: UInt32.self))))
        }
        moveReaderIndex(forwardBy: WireProtocol.frameHeaderSize)
        return header
    }

    /// Writes the 10 header bytes and returns 10.
    @discardableResult
    package mutating func writeFrameHeader(_ header: FrameHeader) -> Int {
        // One capacity check and one access for the ten bytes (see `readFrameHeader`).
        writeWithUnsafeMutableBytes(minimumWritableBytes: WireProtocol.frameHeaderSize) { bytes in
            bytes.storeBytes(of: header.length.bigEndian, toByteOffset: 0, as: UInt32.self)
            bytes[4] = header.type.rawValue
            bytes[5] = header.flags.rawValue
            bytes.storeBytes(of: header.streamID.rawValue.bigEndian, toByteOffset: 6, as: UInt32.self)
            return WireProtocol.frameHeaderSize
        }
    }
}
