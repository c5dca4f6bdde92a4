package import NIOCore

/// Frames written since the last flush, coalesced into ONE `ByteBuffer`: a unary call's CALL_START
/// and MESSAGE (or a response's MESSAGE and TRAILERS) then leave as one write, one TLS record and
/// one syscall instead of several. Held by `FrameCodec`.
package struct FrameOutput {
    private var buffer: ByteBuffer?

    /// Room reserved for a fresh buffer: enough for a small unary exchange.
    private static let minimumCapacity = 512

    /// An empty output.
    package init() {}

    /// Appends `frame`; a payload too large to frame (over 4 GiB) throws and appends nothing.
    package mutating func append(_ frame: Frame, allocator: ByteBufferAllocator) throws(WireError) {
        let needed = WireProtocol.frameHeaderSize + frame.payload.readableBytes
        var pending = buffer ?? allocator.buffer(capacity: max(needed, Self.minimumCapacity))
        // Nil it while writing so the buffer stays uniquely referenced (no copy on write).
        buffer = nil
        defer { buffer = pending.readableBytes > 0 ? pending : nil }
        try pending.writeFrame(frame)
    }

    /// The frames appended since the last call, as one buffer (nil when there are none).
    package mutating func take() -> ByteBuffer? {
        defer { buffer = nil }
        return buffer
    }
}
