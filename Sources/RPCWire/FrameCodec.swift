package import NIOCore

/// A connection's frame layer as a value its handler owns: received bytes in, whole frames out
/// (through a `FrameParser`), and written frames coalesced into one buffer until the handler
/// flushes.
///
/// The transport's connection handlers hold one rather than running the frame layer as pipeline
/// handlers: a frame then reaches its handler without being boxed in `NIOAny` and cast back at
/// every handler, and without more handler hops each way (docs/BENCHMARKS.md, "RPC").
package struct FrameCodec {
    private var parser: FrameParser
    /// The start of a frame that arrived split across reads, copied out so that it can grow to
    /// the whole frame (only ever the bytes of that one frame).
    private var split: ByteBuffer?
    /// Received bytes to cut frames from, in place (payloads are slices of them).
    private var received: ByteBuffer?
    /// Frames appended since the last `takeOutput`.
    private var output = FrameOutput()
    /// Set by the first error: a stream that broke framing once has no frame boundary left, so
    /// later bytes are dropped (the connection is being closed).
    private(set) var failed = false

    /// A codec checking received frames against `limits` (this side's).
    package init(limits: WireLimits) {
        self.parser = FrameParser(limits: limits)
    }

    /// Takes bytes that arrived.
    package mutating func receive(_ bytes: ByteBuffer) {
        guard !failed else { return }
        guard var pending = received else {
            received = bytes
            return
        }
        // Only when bytes arrive before the last ones were all cut (handlers drain every read).
        received = nil
        pending.writeImmutableBuffer(bytes)
        received = pending
    }

    /// The next whole frame received, or nil until more bytes arrive. A frame's payload is a
    /// slice of the received bytes, not a copy. After an error every call returns nil.
    ///
    /// A frame that arrived split across reads is gathered in a buffer of its own, copying only
    /// its bytes; frames after it are cut where they lie. Appending each read to the leftover
    /// instead would copy every read, and copy the old storage too, which delivered payloads
    /// still share.
    package mutating func nextFrame() throws(WireError) -> Frame? {
        guard !failed else { return nil }
        while var joined = split {
            split = nil
            // The parser has taken the header when it knows the payload length: either way,
            // `bytesForNextFrame` is what it still needs beyond what `joined` holds.
            let missing = parser.bytesForNextFrame - joined.readableBytes
            if missing > 0, var rest = received {
                received = nil
                joined.writeImmutableBuffer(rest.readSlice(length: min(missing, rest.readableBytes))!)
                if rest.readableBytes > 0 { received = rest }
            }
            if let frame = try parse(&joined) { return frame }
            split = joined
            // Still short of the frame: wait for the next read, or top up from this one.
            if received == nil { return nil }
        }
        guard var buffer = received else { return nil }
        received = nil
        if let frame = try parse(&buffer) {
            if buffer.readableBytes > 0 { received = buffer }
            return frame
        }
        // This read ended inside a frame: copy its start out to gather the rest.
        var joined = ByteBufferAllocator().buffer(capacity: max(parser.bytesForNextFrame, buffer.readableBytes))
        joined.writeImmutableBuffer(buffer)
        split = joined
        return nil
    }

    private mutating func parse(_ buffer: inout ByteBuffer) throws(WireError) -> Frame? {
        do {
            return try parser.nextFrame(from: &buffer)
        } catch {
            failed = true
            throw error
        }
    }

    /// Appends `frame` to the output.
    package mutating func append(_ frame: Frame, allocator: ByteBufferAllocator) throws(WireError) {
        try output.append(frame, allocator: allocator)
    }

    /// The frames appended since the last call, as one buffer (nil when there are none).
    package mutating func takeOutput() -> ByteBuffer? {
        output.take()
    }
}

@available(*, unavailable)
extension FrameCodec: Sendable {}
