import NIOCore
import NIOEmbedded
import Testing

@testable import RPCWire

/// A minimal server connection handler, as the transport will have: every frame goes through a
/// `ConnectionFrameValidator`, and a violation gets GOAWAY + close.
final class ValidatingHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias InboundOut = Frame

    var validator: ConnectionFrameValidator

    init(role: StreamIDValidator.Role, limits: WireLimits) {
        self.validator = ConnectionFrameValidator(role: role, localLimits: limits)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        do {
            if try validator.validate(frame) == .deliver { context.fireChannelRead(data) }
        } catch {
            context.closeWithGoAway(error, lastStreamID: validator.streamIDs.highestStreamID)
            context.fireErrorCaught(error)
        }
    }
}

/// The hostile-peer cases of issue 3 at the frame level: each ends in a typed error, a GOAWAY with
/// the right code, and a closed connection.
@Suite struct HostilePeerTests {
    static func serverChannel(limits: WireLimits = .default) throws -> EmbeddedChannel {
        let channel = try makeDecodingChannel(limits: limits)
        try channel.pipeline.syncOperations.addHandler(ValidatingHandler(role: .server, limits: limits))
        try channel.writeInbound(try encode([.settings(.default)]))
        _ = try readAllInbound(channel)
        return channel
    }

    static func expectViolation(
        _ frames: [Frame], code: WireError.Code, goAway: GoAwayCode, lastStreamID: StreamID,
        limits: WireLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let channel = try serverChannel(limits: limits)
        let error = #expect(throws: WireError.self, sourceLocation: sourceLocation) {
            try channel.writeInbound(try encode(frames))
        }
        #expect(error?.code == code, sourceLocation: sourceLocation)
        try expectGoAway(on: channel, code: goAway, lastStreamID: lastStreamID, sourceLocation: sourceLocation)
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
        let channel = try Self.serverChannel(limits: WireLimits(maxConcurrentStreams: 1))
        for id in stride(from: UInt32(1), through: 99, by: 2) {
            try channel.writeInbound(try encode([
                .callStart(streamID: StreamID(id), payload: payload(2)), .cancel(streamID: StreamID(id)),
            ]))
        }
        #expect(try readAllInbound(channel).count == 100)
        #expect(channel.isActive)
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
        let channel = try makeDecodingChannel()
        try channel.pipeline.syncOperations.addHandler(ValidatingHandler(role: .server, limits: .default))
        let error = #expect(throws: WireError.self) {
            try channel.writeInbound(try encode([.callStart(streamID: 1, payload: payload(1))]))
        }
        #expect(error?.code == .settingsExpected)
        try expectGoAway(on: channel, code: .protocolError)
    }

    @Test func randomBytesAfterTheHandshake() throws {
        var random = SplitMix64(seed: 0xC11_1C)
        for _ in 0..<500 {
            let channel = try makeDecodingChannel()
            try channel.pipeline.syncOperations.addHandler(ValidatingHandler(role: .server, limits: .default))
            let garbage = ByteBuffer(bytes: random.bytes(Int.random(in: 10...200, using: &random)))
            do {
                try channel.writeInbound(garbage)
                // Too little to complete a frame: the peer now has to finish it or be timed out.
                #expect(try readAllInbound(channel).isEmpty)
                #expect(channel.isActive)
            } catch let error as WireError {
                #expect(error.goAwayCode != .noError)
                #expect(!channel.isActive)
            }
        }
    }
}
