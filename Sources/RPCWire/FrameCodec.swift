package import NIOCore

/// A connection's frame layer as a value its handler owns: received bytes in, whole frames out
/// (through a `FrameParser`), and written frames coalesced into one buffer until the handler
/// flushes.
///
/// The transport's connection handlers hold one instead of running `FrameDecoder`,
/// `ProtocolErrorHandler` and `FrameEncoder` in the pipeline: a frame then reaches its handler
/// without being boxed in `NIOAny` and cast back at every handler, and without three more
/// handler hops each way (docs/BENCHMARKS.md, "RPC"). Those handlers stay for pipelines that
/// want frames as channel messages.
package struct FrameCodec {
    private var parser: FrameParser
    /// Received bytes not yet cut into frames (a partial frame).
    private var received: ByteBuffer?
    /// Frames appended since the last `takeOutput`.
    private var output: ByteBuffer?
    /// Set by the first error: a stream that broke framing once has no frame boundary left, so
    /// later bytes are dropped (the connection is being closed).
    private(set) var failed = false

    /// Room reserved for a fresh output buffer: enough for a small unary exchange.
    private static let minimumCapacity = 512

    /// A codec checking received frames against `limits` (this side's).
    package init(limits: WireLimits) {
        self.parser = FrameParser(limits: limits)
    }

    /// Takes bytes that arrived.
    package mutating func receive(_ bytes: ByteBuffer) {
        guard !failed else { return }
        guard let pending = received, pending.readableBytes > 0 else {
            received = bytes
            return
        }
        // A partial frame was left: copy it and the new bytes into a buffer of their own. Appending
        // to the old buffer instead would copy its whole storage, which the payloads of the
        // frames already delivered still share (copy on write).
        var merged = ByteBufferAllocator().buffer(capacity: pending.readableBytes + bytes.readableBytes)
        merged.writeImmutableBuffer(pending)
        merged.writeImmutableBuffer(bytes)
        received = merged
    }

    /// The next whole frame received, or nil until more bytes arrive. A frame's payload is a
    /// slice of the received bytes, not a copy. After an error every call returns nil.
    package mutating func nextFrame() throws(WireError) -> Frame? {
        guard !failed, var buffer = received else { return nil }
        received = nil
        let frame: Frame?
        do {
            frame = try parser.nextFrame(from: &buffer)
        } catch {
            failed = true
            throw error
        }
        if buffer.readableBytes > 0 { received = buffer }
        return frame
    }

    /// Appends `frame` to the output.
    package mutating func append(_ frame: Frame, allocator: ByteBufferAllocator) throws(WireError) {
        let needed = WireProtocol.frameHeaderSize + frame.payload.readableBytes
        var buffer = output ?? allocator.buffer(capacity: max(needed, Self.minimumCapacity))
        // Nil it while writing so the buffer stays uniquely referenced (no copy on write).
        output = nil
        defer { output = buffer.readableBytes > 0 ? buffer : nil }
        try buffer.writeFrame(frame)
    }

    /// The frames appended since the last call, as one buffer (nil when there are none).
    package mutating func takeOutput() -> ByteBuffer? {
        defer { output = nil }
        return output
    }
}

@available(*, unavailable)
extension FrameCodec: Sendable {}
