import NIOCore
import Testing

@testable import RPCWire

/// The frame layer the connection handlers hold: frames cut from bytes however they arrive,
/// limits enforced from the header before a payload is waited for, frames written coalesced into
/// one buffer, and a failed stream that stays failed.
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

    /// Every header split at every byte: the split path copies out and tops up a frame that has
    /// not even a whole header yet.
    @Test func framesDeliveredOneByteAtATime() throws {
        let bytes = try encode(oneFramePerType)
        var codec = FrameCodec(limits: .default)
        var frames: [Frame] = []
        for index in 0..<bytes.readableBytes {
            codec.receive(bytes.getSlice(at: bytes.readerIndex + index, length: 1)!)
            frames += try receivedFrames(&codec)
        }
        #expect(frames == oneFramePerType)
    }

    /// Reads larger than frames: one read ends a split frame, holds whole ones and starts the
    /// next, so a gathered frame is topped up from a read that goes on past it.
    @Test func framesSplitAtRandomPointsAcrossManyFrames() throws {
        var random = SplitMix64(seed: 7)
        var frames: [Frame] = []
        for index in 0..<200 {
            let size = Int.random(in: 0...700, using: &random)
            frames.append(.message(streamID: StreamID(UInt32(index) * 2 + 1), payload: payload(size)))
        }
        let bytes = try encode(frames)
        var codec = FrameCodec(limits: .default)
        var offset = 0
        var decoded: [Frame] = []
        while offset < bytes.readableBytes {
            let size = min(Int.random(in: 1...1500, using: &random), bytes.readableBytes - offset)
            codec.receive(bytes.getSlice(at: offset, length: size)!)
            decoded += try receivedFrames(&codec)
            offset += size
        }
        #expect(decoded == frames)
    }

    @Test func manyFramesInOneRead() throws {
        let frames = (0..<5000).map { (index: Int) -> Frame in
            .windowUpdate(streamID: StreamID(UInt32(index) * 2 + 1), increment: UInt32(index) + 1)
        }
        var codec = FrameCodec(limits: .default)
        codec.receive(try encode(frames))
        #expect(try receivedFrames(&codec) == frames)
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

    /// Only the 10 header bytes arrive, in one read or one byte at a time (then the header is
    /// gathered first): the codec must refuse them, not wait for (or allocate) 4 GiB of payload.
    @Test(arguments: [WireProtocol.frameHeaderSize, 1])
    func fourGiBLengthIsRejectedFromTheHeaderAlone(readSize: Int) throws {
        var codec = FrameCodec(limits: .default)
        var bytes = header(length: .max, type: FrameType.message.rawValue, stream: 1)
        while bytes.readableBytes > readSize {
            codec.receive(bytes.readSlice(length: readSize)!)
            #expect(try codec.nextFrame() == nil)
        }
        codec.receive(bytes)
        let error = #expect(throws: WireError.self) { try codec.nextFrame() }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.goAwayCode == .frameSizeError)
        #expect(codec.failed)
    }

    @Test func frameOneByteOverTheLimitIsRejected() throws {
        var codec = FrameCodec(limits: WireLimits(maxFrameSize: 16_384))
        codec.receive(try encode([.message(streamID: 1, payload: payload(16_384))]))
        #expect(try receivedFrames(&codec).count == 1)
        codec.receive(header(length: 16_385, type: FrameType.message.rawValue, stream: 1))
        let error = #expect(throws: WireError.self) { try codec.nextFrame() }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.goAwayCode == .frameSizeError)
    }

    @Test(arguments: [UInt8(0x00), 0x0C, 0x7F, 0xFF])
    func unknownFrameTypeIsAProtocolError(_ type: UInt8) throws {
        var codec = FrameCodec(limits: .default)
        codec.receive(header(length: 0, type: type, stream: 0))
        let error = #expect(throws: WireError.self) { try codec.nextFrame() }
        #expect(error?.code == .unknownFrameType)
        #expect(error?.goAwayCode == .unknownFrameType)
    }

    @Test func zeroLengthPayloadsDecodeWhereTheTypeAllowsThem() throws {
        let frames: [Frame] = [
            Frame(type: .settings, streamID: .connection),
            .callStart(streamID: 1, payload: ByteBuffer()),
            .initialMetadata(streamID: 1, payload: ByteBuffer()),
            .message(streamID: 1, payload: ByteBuffer()),
            .message(streamID: 1, payload: ByteBuffer(), endStream: true),
            .trailers(streamID: 1, payload: ByteBuffer()),
            .endStream(streamID: 3),
            .cancel(streamID: 3),
        ]
        var codec = FrameCodec(limits: .default)
        codec.receive(try encode(frames))
        let decoded = try receivedFrames(&codec)
        #expect(decoded == frames)
        #expect(decoded.allSatisfy { $0.payload.readableBytes == 0 })
        #expect(try decoded[0].settings() == .default)
        #expect(try decoded[7].cancelReason() == 1)
    }

    /// docs/PROTOCOL.md's hex, not this encoder's output, as one connection's byte stream.
    @Test func protocolDocumentVectorsDecodeAsOneStream() throws {
        var bytes = ByteBuffer()
        for vector in TestVectors.all { bytes.writeImmutableBuffer(vector.bytes) }
        var codec = FrameCodec(limits: .default)
        codec.receive(bytes)
        #expect(try receivedFrames(&codec) == TestVectors.all.map(\.frame))
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
        // Nor a second error: the handler answers the first one with the only GOAWAY.
        codec.receive(header(length: 0, type: 0xEE, stream: 0))
        #expect(try codec.nextFrame() == nil)
    }

    /// One frame of every type, appended by one codec and read back by another from the one
    /// buffer it takes.
    @Test func everyFrameTypeRoundTripsInOneBuffer() throws {
        #expect(Set(oneFramePerType.map(\.type.rawValue)) == Set(FrameType.allKnown.map(\.rawValue)))
        var sender = FrameCodec(limits: .default)
        #expect(sender.takeOutput() == nil)
        for frame in oneFramePerType { try sender.append(frame, allocator: ByteBufferAllocator()) }
        let taken = sender.takeOutput()
        #expect(sender.takeOutput() == nil)
        var receiver = FrameCodec(limits: .default)
        receiver.receive(try #require(taken))
        #expect(try receivedFrames(&receiver) == oneFramePerType)
    }
}
