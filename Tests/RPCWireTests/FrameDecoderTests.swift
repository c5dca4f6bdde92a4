import NIOCore
import NIOEmbedded
import Testing

@testable import RPCWire

@Suite struct FrameDecoderTests {
    @Test func everyFrameTypeRoundTripsThroughEncoderAndDecoder() throws {
        let encoder = EmbeddedChannel(handler: FrameEncoder())
        for frame in oneFramePerType { encoder.write(frame, promise: nil) }
        encoder.flush()
        let bytes = try #require(try encoder.readOutbound(as: ByteBuffer.self))
        #expect(try encoder.readOutbound(as: ByteBuffer.self) == nil)

        let decoder = try makeDecodingChannel()
        try decoder.writeInbound(bytes)
        #expect(try readAllInbound(decoder) == oneFramePerType)
        #expect(Set(oneFramePerType.map(\.type.rawValue)) == Set(FrameType.allKnown.map(\.rawValue)))
    }

    @Test func framesDeliveredOneByteAtATime() throws {
        let bytes = try encode(oneFramePerType)
        let channel = try makeDecodingChannel()
        var decoded: [Frame] = []
        for index in 0..<bytes.readableBytes {
            try channel.writeInbound(bytes.getSlice(at: bytes.readerIndex + index, length: 1)!)
            decoded += try readAllInbound(channel)
        }
        #expect(decoded == oneFramePerType)
    }

    @Test func framesSplitAtRandomPoints() throws {
        var random = SplitMix64(seed: 7)
        var frames: [Frame] = []
        for index in 0..<200 {
            let size = Int.random(in: 0...700, using: &random)
            frames.append(.message(streamID: StreamID(UInt32(index) * 2 + 1), payload: payload(size)))
        }
        let bytes = try encode(frames)
        let channel = try makeDecodingChannel()
        var offset = 0
        var decoded: [Frame] = []
        while offset < bytes.readableBytes {
            let size = min(Int.random(in: 1...1500, using: &random), bytes.readableBytes - offset)
            try channel.writeInbound(bytes.getSlice(at: offset, length: size)!)
            decoded += try readAllInbound(channel)
            offset += size
        }
        #expect(decoded == frames)
    }

    @Test func manyFramesInOneBuffer() throws {
        let frames = (0..<5000).map { (index: Int) -> Frame in
            let id = StreamID(UInt32(index) * 2 + 1)
            return .windowUpdate(streamID: id, increment: UInt32(index) + 1)
        }
        let channel = try makeDecodingChannel()
        try channel.writeInbound(try encode(frames))
        #expect(try readAllInbound(channel) == frames)
    }

    @Test func fourGiBLengthIsRejectedFromTheHeaderAlone() throws {
        let channel = try makeDecodingChannel()
        // Only the 10 header bytes: the decoder must not wait for (or allocate) 4 GiB of payload.
        let error = #expect(throws: WireError.self) {
            try channel.writeInbound(header(length: .max, type: FrameType.message.rawValue, stream: 1))
        }
        #expect(error?.code == .frameTooLarge)
        #expect(try readAllInbound(channel).isEmpty)
        try expectGoAway(on: channel, code: .frameSizeError)
    }

    @Test func frameOneByteOverTheLimitIsRejected() throws {
        let limits = WireLimits(maxFrameSize: 16_384)
        let channel = try makeDecodingChannel(limits: limits)
        try channel.writeInbound(try encode([.message(streamID: 1, payload: payload(16_384))]))
        #expect(try readAllInbound(channel).count == 1)
        let error = #expect(throws: WireError.self) {
            try channel.writeInbound(header(length: 16_385, type: FrameType.message.rawValue, stream: 1))
        }
        #expect(error?.code == .frameTooLarge)
        try expectGoAway(on: channel, code: .frameSizeError)
    }

    @Test(arguments: [FrameType.callStart, .initialMetadata, .trailers, .goAway, .settings])
    func metadataFramesAreBoundByTheMetadataLimit(_ type: FrameType) throws {
        let limits = WireLimits(maxMetadataSize: 1024)
        let stream: UInt32 = type.isStreamFrame ? 1 : 0
        let error = #expect(throws: WireError.self) {
            var parser = FrameParser(limits: limits)
            var bytes = header(length: 1026, type: type.rawValue, stream: stream)
            _ = try parser.nextFrame(from: &bytes)
        }
        #expect(error?.code == .metadataTooLarge)
    }

    @Test(arguments: [UInt8(0x00), 0x0C, 0x7F, 0xFF])
    func unknownFrameTypeIsAProtocolError(_ type: UInt8) throws {
        let channel = try makeDecodingChannel()
        let error = #expect(throws: WireError.self) {
            try channel.writeInbound(header(length: 0, type: type, stream: 0))
        }
        #expect(error?.code == .unknownFrameType)
        try expectGoAway(on: channel, code: .unknownFrameType)
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
        let channel = try makeDecodingChannel()
        try channel.writeInbound(try encode(frames))
        let decoded = try readAllInbound(channel)
        #expect(decoded == frames)
        #expect(decoded.allSatisfy { $0.payload.readableBytes == 0 })
        #expect(try decoded[0].settings() == .default)
        #expect(try decoded[7].cancelReason() == 1)
    }

    @Test(arguments: [
        (FrameType.ping, UInt32(0)), (.ping, 9), (.pong, 7), (.windowUpdate, 0), (.windowUpdate, 8),
        (.endStream, 1), (.cancel, 2), (.goAway, 7), (.settings, 5),
    ])
    func lengthsTheTypeForbidsAreRejected(_ type: FrameType, _ length: UInt32) throws {
        let stream: UInt32 = type.isStreamFrame ? 1 : 0
        var parser = FrameParser()
        var bytes = header(length: length, type: type.rawValue, stream: stream)
        let error = #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &bytes) }
        #expect(error?.code == .invalidFrameLength)
    }

    @Test(arguments: [
        (FrameType.message, UInt32(0)), (.callStart, 0), (.windowUpdate, 0), (.ping, 1), (.goAway, 3),
        (.settings, 5), (.message, 0x8000_0001), (.ping, 0x8000_0000),
    ])
    func streamIDsThatDoNotFitTheTypeAreRejected(_ type: FrameType, _ stream: UInt32) throws {
        let length: UInt32 = type == .ping ? 8 : (type == .goAway ? 8 : (type == .windowUpdate ? 4 : 0))
        var parser = FrameParser()
        var bytes = header(length: length, type: type.rawValue, stream: stream)
        bytes.writeBytes(Array(repeating: 1, count: Int(length)))
        let error = #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &bytes) }
        #expect(error?.code == .invalidStreamID)
    }

    @Test func unknownFlagsAreKeptAndIgnored() throws {
        var bytes = header(length: 0, type: FrameType.endStream.rawValue, flags: 0xF0, stream: 3)
        var parser = FrameParser()
        let frame = try #require(try parser.nextFrame(from: &bytes))
        #expect(frame.flags.rawValue == 0xF0)
        #expect(!frame.flags.contains(.endStream))
    }

    @Test func truncatedFrameAtEndOfInputIsReported() throws {
        let channel = try makeDecodingChannel()
        var bytes = try encode([.message(streamID: 1, payload: payload(100))])
        bytes.moveWriterIndex(to: 60)
        try channel.writeInbound(bytes)
        #expect(try readAllInbound(channel).isEmpty)
        let error = #expect(throws: WireError.self) { _ = try channel.finish() }
        #expect(error?.code == .truncatedFrame)
    }

    @Test func cleanEndOfInputIsNotAnError() throws {
        let channel = try makeDecodingChannel()
        try channel.writeInbound(try encode([.ping(1)]))
        #expect(try readAllInbound(channel).count == 1)
        #expect(try channel.finish().isClean)
    }

    @Test func parserStaysFailedAfterAnError() throws {
        var parser = FrameParser()
        var bad = header(length: 0, type: 0xEE, stream: 0)
        #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &bad) }
        var good = try encode([.ping(1)])
        let error = #expect(throws: WireError.self) { _ = try parser.nextFrame(from: &good) }
        #expect(error?.code == .unknownFrameType)
    }

    @Test func partialHeaderConsumesNothing() throws {
        var parser = FrameParser()
        var bytes = try encode([.ping(9)])
        var first = bytes.readSlice(length: 9)!
        #expect(try parser.nextFrame(from: &first) == nil)
        #expect(first.readableBytes == 9)
        #expect(!parser.hasPartialFrame)
        first.writeImmutableBuffer(bytes)
        #expect(try parser.nextFrame(from: &first) == .ping(9))
    }
}

/// The channel wrote exactly one GOAWAY with `code` and is closed.
func expectGoAway(
    on channel: EmbeddedChannel, code: GoAwayCode, lastStreamID: StreamID = .connection,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    var written = try #require(
        try channel.readOutbound(as: ByteBuffer.self), "no GOAWAY written", sourceLocation: sourceLocation)
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, sourceLocation: sourceLocation)
    var parser = FrameParser()
    let frame = try #require(try parser.nextFrame(from: &written), sourceLocation: sourceLocation)
    let goAway = try frame.goAway()
    #expect(goAway.code == code, sourceLocation: sourceLocation)
    #expect(goAway.lastStreamID == lastStreamID, sourceLocation: sourceLocation)
    #expect(written.readableBytes == 0, sourceLocation: sourceLocation)
    #expect(!channel.isActive, "channel still open after GOAWAY", sourceLocation: sourceLocation)
}
