import NIOCore
import Testing

@testable import RPCWire

/// The coalesced output under `FrameCodec`: everything appended between two takes leaves as one
/// buffer holding exactly the frames' encodings back to back, and a take leaves nothing behind.
@Suite struct FrameOutputTests {
    @Test func framesAppendedBeforeATakeLeaveAsOneBuffer() throws {
        var output = FrameOutput()
        let frames: [Frame] = [
            .callStart(streamID: 1, payload: payload(30)),
            .message(streamID: 1, payload: payload(64), endStream: true),
        ]
        for frame in frames { try output.append(frame, allocator: ByteBufferAllocator()) }
        #expect(output.take() == (try encode(frames)))
        #expect(output.take() == nil)
    }

    @Test func eachTakeStartsAFreshBuffer() throws {
        var output = FrameOutput()
        try output.append(.ping(1), allocator: ByteBufferAllocator())
        let first = output.take()
        try output.append(.pong(2), allocator: ByteBufferAllocator())
        let second = output.take()
        // Checked after the second append: it must not have written into the first's storage.
        #expect(first == (try encode([.ping(1)])))
        #expect(second == (try encode([.pong(2)])))
    }

    /// Far beyond the capacity a fresh buffer reserves.
    @Test func largePayloadIsFramedWhole() throws {
        var output = FrameOutput()
        let frame = Frame.message(streamID: 3, payload: payload(1 << 20))
        try output.append(frame, allocator: ByteBufferAllocator())
        let taken = output.take()
        var written = try #require(taken)
        #expect(written.readableBytes == WireProtocol.frameHeaderSize + (1 << 20))
        var parser = FrameParser()
        #expect(try parser.nextFrame(from: &written) == frame)
        #expect(written.readableBytes == 0)
    }
}
