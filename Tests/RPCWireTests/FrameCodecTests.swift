import NIOCore
import Testing

@testable import RPCWire

/// The frame layer the connection handlers hold: frames cut from bytes however they arrive,
/// frames written coalesced into one buffer, and a failed stream that stays failed.
@Suite struct FrameCodecTests {
    @Test func framesComeOutWhateverTheReadBoundaries() throws {
        var rng = SplitMix64(seed: 7)
        let bytes = try encode(oneFramePerType)
        for _ in 0..<50 {
            var codec = FrameCodec(limits: .default)
            var rest = bytes
            var frames: [Frame] = []
            while rest.readableBytes > 0 {
                let cut = Int.random(in: 1...max(1, min(rest.readableBytes, 64)), using: &rng)
                codec.receive(rest.readSlice(length: cut)!)
                while let frame = try codec.nextFrame() { frames.append(frame) }
            }
            #expect(frames == oneFramePerType)
        }
    }

    @Test func aPartialFrameWaitsForTheRest() throws {
        var codec = FrameCodec(limits: .default)
        var bytes = try encode([.message(streamID: 1, payload: payload(40))])
        codec.receive(bytes.readSlice(length: 13)!)
        #expect(try codec.nextFrame() == nil)
        codec.receive(bytes)
        #expect(try codec.nextFrame() == .message(streamID: 1, payload: payload(40)))
        #expect(try codec.nextFrame() == nil)
    }

    @Test func deliveredPayloadsSurviveLaterReads() throws {
        // A payload is a slice of the received bytes; the next read must not overwrite it.
        var codec = FrameCodec(limits: .default)
        var bytes = try encode([.message(streamID: 1, payload: payload(30)), .message(streamID: 1, payload: payload(50))])
        codec.receive(bytes.readSlice(length: 60)!)
        let first = try codec.nextFrame()
        codec.receive(bytes)
        let second = try codec.nextFrame()
        #expect(first?.payload == payload(30))
        #expect(second?.payload == payload(50))
    }

    @Test func anErrorStopsTheStream() throws {
        var codec = FrameCodec(limits: .default)
        var bytes = header(length: UInt32.max, type: FrameType.message.rawValue, stream: 1)
        bytes.writeImmutableBuffer(try encode([.ping(1)]))
        codec.receive(bytes)
        #expect(throws: WireError.self) { try codec.nextFrame() }
        #expect(codec.failed)
        codec.receive(try encode([.ping(2)]))
        #expect(try codec.nextFrame() == nil)
    }

    @Test func writtenFramesLeaveAsOneBuffer() throws {
        var codec = FrameCodec(limits: .default)
        #expect(codec.takeOutput() == nil)
        for frame in oneFramePerType { try codec.append(frame, allocator: ByteBufferAllocator()) }
        let taken = codec.takeOutput()
        #expect(codec.takeOutput() == nil)
        var output = try #require(taken)
        var parser = FrameParser(limits: .default)
        var frames: [Frame] = []
        while let frame = try parser.nextFrame(from: &output) { frames.append(frame) }
        #expect(frames == oneFramePerType)
    }
}
