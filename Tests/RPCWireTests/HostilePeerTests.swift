import NIOCore
import Testing

@testable import RPCWire

/// A server connection's frame path without a channel, as `ServerConnectionHandler` runs it:
/// received bytes cut by a `FrameCodec`, every frame checked by a `ConnectionFrameValidator`, and
/// the first violation answered with a GOAWAY naming the highest stream id the peer opened (the
/// handler then closes, so nothing more is read).
struct ServerFramePath {
    private var codec: FrameCodec
    private var validator: ConnectionFrameValidator

    init(limits: WireLimits = .default) {
        self.codec = FrameCodec(limits: limits)
        self.validator = ConnectionFrameValidator(role: .server, localLimits: limits)
    }

    /// Takes bytes from the peer and returns the frames for the call layer, or appends the
    /// violation's GOAWAY to the output and throws it.
    mutating func receive(_ bytes: ByteBuffer) throws(WireError) -> [Frame] {
        codec.receive(bytes)
        var delivered: [Frame] = []
        do {
            while let frame = try codec.nextFrame() {
                if try validator.validate(frame) == .deliver { delivered.append(frame) }
            }
        } catch {
            let goAway = GoAway(error: error, lastStreamID: validator.streamIDs.highestStreamID)
            try codec.append(.goAway(goAway), allocator: ByteBufferAllocator())
            throw error
        }
        return delivered
    }

    /// What the connection has written since the last call.
    mutating func takeOutput() -> ByteBuffer? { codec.takeOutput() }
}

/// The hostile-peer cases of issue 3 at the frame level: each ends in a typed error and exactly
/// one GOAWAY with the right code and last stream id (the transport's tests check the close).
@Suite struct HostilePeerTests {
    /// A server that has read the client's SETTINGS.
    static func server(limits: WireLimits = .default) throws -> ServerFramePath {
        var path = ServerFramePath(limits: limits)
        _ = try path.receive(try encode([.settings(.default)]))
        return path
    }

    static func expectViolation(
        _ frames: [Frame], code: WireError.Code, goAway: GoAwayCode, lastStreamID: StreamID,
        limits: WireLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var path = try server(limits: limits)
        try expectViolation(
            try encode(frames), on: &path, code: code, goAway: goAway, lastStreamID: lastStreamID,
            sourceLocation: sourceLocation)
    }

    /// Reading `bytes` throws `code`, and the only thing written is a GOAWAY carrying `goAway`,
    /// `lastStreamID` and the error's text.
    static func expectViolation(
        _ bytes: ByteBuffer, on path: inout ServerFramePath, code: WireError.Code, goAway: GoAwayCode,
        lastStreamID: StreamID, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let error = #expect(throws: WireError.self, sourceLocation: sourceLocation) {
            _ = try path.receive(bytes)
        }
        #expect(error?.code == code, sourceLocation: sourceLocation)
        let output = path.takeOutput()
        var written = try #require(output, "no GOAWAY written", sourceLocation: sourceLocation)
        var parser = FrameParser()
        let frame = try #require(try parser.nextFrame(from: &written), sourceLocation: sourceLocation)
        let sent = try frame.goAway()
        #expect(sent.code == goAway, sourceLocation: sourceLocation)
        #expect(sent.lastStreamID == lastStreamID, sourceLocation: sourceLocation)
        #expect(sent.debugMessage == error?.description, sourceLocation: sourceLocation)
        #expect(written.readableBytes == 0, "more than the GOAWAY written", sourceLocation: sourceLocation)
    }

    @Test func reusedStreamID() throws {
        try Self.expectViolation(
            [.callStart(streamID: 1, payload: payload(4)), .callStart(streamID: 1, payload: payload(4))],
            code: .streamIDReused, goAway: .streamIDError, lastStreamID: 1)
    }

    @Test func decreasingStreamID() throws {
        try Self.expectViolation(
            [.callStart(streamID: 7, payload: payload(4)), .callStart(streamID: 3, payload: payload(4))],
            code: .streamIDOutOfOrder, goAway: .streamIDError, lastStreamID: 7)
    }

    @Test func evenStreamIDFromAClient() throws {
        try Self.expectViolation(
            [.callStart(streamID: 2, payload: payload(4))],
            code: .invalidStreamID, goAway: .streamIDError, lastStreamID: 0)
    }

    @Test func frameForAStreamNeverOpened() throws {
        try Self.expectViolation(
            [.message(streamID: 9, payload: payload(4))],
            code: .unknownStream, goAway: .streamIDError, lastStreamID: 0)
    }

    @Test func moreStreamsThanAllowed() throws {
        let limits = WireLimits(maxConcurrentStreams: 3)
        let calls = (0..<4).map { Frame.callStart(streamID: StreamID(UInt32($0) * 2 + 1), payload: payload(2)) }
        try Self.expectViolation(calls, code: .tooManyStreams, goAway: .tooManyStreams, lastStreamID: 5, limits: limits)
    }

    @Test func closedStreamsFreeTheirSlots() throws {
        var path = try Self.server(limits: WireLimits(maxConcurrentStreams: 1))
        var delivered = 0
        for id in stride(from: UInt32(1), through: 99, by: 2) {
            delivered += try path.receive(try encode([
                .callStart(streamID: StreamID(id), payload: payload(2)), .cancel(streamID: StreamID(id)),
            ])).count
        }
        #expect(delivered == 100)
        #expect(path.takeOutput() == nil)
    }

    @Test func messageWithoutCredit() throws {
        let limits = WireLimits(initialWindow: 2)
        try Self.expectViolation(
            [.callStart(streamID: 1, payload: payload(1))] + (0..<3).map { _ in .message(streamID: 1, payload: payload(1)) },
            code: .flowControlViolation, goAway: .flowControlError, lastStreamID: 1, limits: limits)
    }

    @Test func messageAfterHalfClose() throws {
        try Self.expectViolation(
            [
                .callStart(streamID: 1, payload: payload(1)), .message(streamID: 1, payload: payload(1), endStream: true),
                .message(streamID: 1, payload: payload(1)),
            ],
            code: .unexpectedFrame, goAway: .protocolError, lastStreamID: 1)
    }

    @Test func firstFrameIsNotSettings() throws {
        var path = ServerFramePath()
        try Self.expectViolation(
            try encode([.callStart(streamID: 1, payload: payload(1))]), on: &path,
            code: .settingsExpected, goAway: .protocolError, lastStreamID: 0)
    }

    /// An HTTP/1.1 client on the RPC port: "GET " read as a length is 1.2 GB, refused from the
    /// header before anything else is looked at.
    @Test func httpRequestIsRefusedFromItsFirstBytes() throws {
        var path = ServerFramePath()
        try Self.expectViolation(
            ByteBuffer(bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)), on: &path,
            code: .frameTooLarge, goAway: .frameSizeError, lastStreamID: 0)
    }

    /// A framing error (caught by the codec, not the validator) still names the calls already
    /// accepted, so the client knows which of its calls were never seen.
    @Test func goAwayForAFramingErrorNamesTheHighestCallSeen() throws {
        var path = try Self.server()
        let calls = try path.receive(try encode([
            .callStart(streamID: 1, payload: payload(3)), .callStart(streamID: 5, payload: payload(3)),
        ]))
        #expect(calls.count == 2)
        try Self.expectViolation(
            header(length: 0, type: 0x42, stream: 0), on: &path,
            code: .unknownFrameType, goAway: .unknownFrameType, lastStreamID: 5)
    }

    @Test func randomBytesAfterTheHandshake() throws {
        var random = SplitMix64(seed: 0xC11_1C)
        for _ in 0..<500 {
            var path = ServerFramePath()
            let garbage = ByteBuffer(bytes: random.bytes(Int.random(in: 10...200, using: &random)))
            let delivered: [Frame]
            do {
                delivered = try path.receive(garbage)
            } catch {
                #expect(error.goAwayCode != .noError)
                let output = path.takeOutput()
                var written = try #require(output)
                var parser = FrameParser()
                #expect(try parser.nextFrame(from: &written)?.goAway().code == error.goAwayCode)
                continue
            }
            // Too little to complete a frame: the peer now has to finish it or be timed out.
            #expect(delivered.isEmpty)
            #expect(path.takeOutput() == nil)
        }
    }
}
