import NIOCore
import NIOEmbedded
import Testing

@testable import RPCWire

@Suite struct FrameEncoderTests {
    @Test func framesWrittenBeforeAFlushLeaveAsOneBuffer() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        let frames: [Frame] = [
            .callStart(streamID: 1, payload: payload(30)),
            .message(streamID: 1, payload: payload(64), endStream: true),
        ]
        let promises = frames.map { _ in channel.eventLoop.makePromise(of: Void.self) }
        for (frame, promise) in zip(frames, promises) { channel.write(frame, promise: promise) }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.flush()
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(written == (try encode(frames)))
        for promise in promises { try promise.futureResult.wait() }
    }

    @Test func eachFlushWritesOneBuffer() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        try channel.writeOutbound(Frame.ping(1))
        try channel.writeOutbound(Frame.pong(2))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try encode([.ping(1)])))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try encode([.pong(2)])))
    }

    @Test func flushWithNothingPendingWritesNothing() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        channel.flush()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func largePayloadIsFramedWhole() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        let frame = Frame.message(streamID: 3, payload: payload(1 << 20))
        try channel.writeOutbound(frame)
        var written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(written.readableBytes == WireProtocol.frameHeaderSize + (1 << 20))
        var parser = FrameParser()
        #expect(try parser.nextFrame(from: &written) == frame)
    }

    @Test func unflushedWritesFailWhenTheChannelCloses() throws {
        let channel = EmbeddedChannel(handler: FrameEncoder())
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.write(Frame.ping(1), promise: promise)
        _ = try channel.finish()
        #expect(throws: ChannelError.self) { try promise.futureResult.wait() }
    }
}

@Suite struct ProtocolErrorHandlerTests {
    @Test func garbageGetsGoAwayAndClose() throws {
        let channel = try makeDecodingChannel()
        #expect(throws: WireError.self) {
            try channel.writeInbound(ByteBuffer(bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        }
        // "GET " read as a length is 1.2 GB: refused from the header.
        try expectGoAway(on: channel, code: .frameSizeError)
    }

    @Test func goAwayNamesTheHighestCallSeen() throws {
        let channel = try makeDecodingChannel()
        try channel.writeInbound(try encode([
            .settings(.default), .callStart(streamID: 1, payload: payload(3)),
            .callStart(streamID: 5, payload: payload(3)),
        ]))
        #expect(try readAllInbound(channel).count == 3)
        #expect(throws: WireError.self) { try channel.writeInbound(header(length: 0, type: 0x42, stream: 0)) }
        try expectGoAway(on: channel, code: .unknownFrameType, lastStreamID: 5)
    }

    @Test func onlyTheFirstErrorSendsAGoAway() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([FrameEncoder(), ProtocolErrorHandler()])
        channel.pipeline.fireErrorCaught(WireError(.unknownFrameType, "first"))
        channel.pipeline.fireErrorCaught(WireError(.frameTooLarge, "second"))
        #expect(throws: WireError.self) { try channel.throwIfErrorCaught() }
        var written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        var parser = FrameParser()
        let frame = try #require(try parser.nextFrame(from: &written))
        #expect(try frame.goAway().code == .unknownFrameType)
        #expect(try frame.goAway().debugMessage == "unknownFrameType: first")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func otherErrorsPassThroughWithoutGoAway() throws {
        struct Unrelated: Error {}
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([FrameEncoder(), ProtocolErrorHandler()])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()
        channel.pipeline.fireErrorCaught(Unrelated())
        #expect(throws: Unrelated.self) { try channel.throwIfErrorCaught() }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(channel.isActive)
    }
}
