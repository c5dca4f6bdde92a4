import NIOCore
import NIOEmbedded
import RPCCore
@testable import RPCTransport
@testable import RPCWire
import Synchronization
import Testing

/// The server connection handler and its state machine, without sockets.
@Suite("Server connection (EmbeddedChannel)")
struct ServerConnectionHandlerTests {
    let clientSettings = Frame.settings(WireLimits(minPingInterval: .zero))

    @Test func settingsIsTheFirstFrame() throws {
        let channel = try Embedded.server(settings: RPCConnectionSettings(maxConcurrentStreams: 7))
        let frames = try channel.sentFrames()
        #expect(frames.first?.type == .settings)
        #expect(try frames.first?.settings().maxConcurrentStreams == 7)
        _ = try? channel.finish()
    }

    @Test func aFirstFrameOtherThanSettingsIsAProtocolError() throws {
        let channel = try Embedded.server()
        _ = try channel.sentFrames()
        try channel.send(.ping(1))
        let frames = try channel.sentFrames()
        #expect(try frames.last?.goAway().code == .protocolError)
        #expect(!channel.isActive)
    }

    @Test func pingIsAnsweredWithPong() throws {
        let channel = try Embedded.server()
        try channel.send(clientSettings, .ping(0x0102_0304_0506_0708))
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.settings, .pong])
        #expect(try frames.last?.pingData() == 0x0102_0304_0506_0708)
        _ = try? channel.finish()
    }

    @Test func pingsTooOftenEndTheConnection() throws {
        let channel = try Embedded.server(settings: RPCConnectionSettings(minPingInterval: .seconds(10)))
        try channel.send(clientSettings)
        for data in 1...4 { try channel.send(.ping(UInt64(data))) }
        let frames = try channel.sentFrames()
        #expect(try frames.last?.goAway().code == .tooManyPings)
        #expect(!channel.isActive)
    }

    @Test func keepalivePingsASilentPeerAndClosesWhenNothingComes() throws {
        let channel = try Embedded.server(
            settings: RPCConnectionSettings(keepaliveInterval: .seconds(1), keepaliveTimeout: .seconds(1), idleTimeout: nil))
        try channel.send(clientSettings)
        _ = try channel.sentFrames()
        // First tick: the SETTINGS counted as a frame. Second tick: silence → PING.
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try channel.sentFrames().map(\.type) == [.ping])
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func anAnsweredKeepalivePingKeepsTheConnection() throws {
        let channel = try Embedded.server(
            settings: RPCConnectionSettings(keepaliveInterval: .seconds(1), keepaliveTimeout: .seconds(1), idleTimeout: nil))
        try channel.send(clientSettings)
        _ = try channel.sentFrames()
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        let ping = try #require(try channel.sentFrames().first)
        try channel.send(.pong(try ping.pingData()))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(channel.isActive)
        _ = try? channel.finish()
    }

    @Test func handshakeTimeoutClosesAPeerThatNeverSendsSettings() throws {
        let channel = try Embedded.server(settings: RPCConnectionSettings(handshakeTimeout: .seconds(3)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func idleConnectionIsClosedWithGoAway() throws {
        let channel = try Embedded.server(
            settings: RPCConnectionSettings(keepaliveInterval: .seconds(3600), idleTimeout: .seconds(5)))
        try channel.send(clientSettings)
        _ = try channel.sentFrames()
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        let frames = try channel.sentFrames()
        #expect(try frames.last?.goAway().code == .noError)
        #expect(!channel.isActive)
    }

    @Test func drainSendsTwoGoAwaysAroundAPingAndCloses() throws {
        let channel = try Embedded.server()
        try channel.send(clientSettings)
        _ = try channel.sentFrames()
        channel.pipeline.fireUserInboundEventTriggered(GracefulDrainEvent())
        let first = try channel.sentFrames()
        #expect(first.map(\.type) == [.goAway, .ping])
        #expect(try first[0].goAway().lastStreamID == .max)
        #expect(channel.isActive)
        try channel.send(.pong(try first[1].pingData()))
        let final = try channel.sentFrames()
        #expect(try final.first?.goAway().lastStreamID == 0)
        #expect(!channel.isActive)
    }

    @Test func messagesWithoutCreditAreAFlowControlError() throws {
        let channel = try Embedded.server(settings: RPCConnectionSettings(initialWindow: 2))
        try channel.send(clientSettings, callStartFrame(1, method: "x.Y/Z"))
        for _ in 0..<3 { try channel.send(.message(streamID: 1, payload: ByteBuffer(bytes: [1]))) }
        let frames = try channel.sentFrames()
        #expect(try frames.last?.goAway().code == .flowControlError)
        #expect(!channel.isActive)
    }

    @Test func malformedCallStartIsAConnectionError() throws {
        let channel = try Embedded.server()
        try channel.send(clientSettings, .callStart(streamID: 1, payload: ByteBuffer(bytes: [0x0A, 0x05, 0x61])))
        let frames = try channel.sentFrames()
        #expect(try frames.last?.goAway().code == .malformedPayload)
        #expect(!channel.isActive)
    }

    // MARK: The unary exchange

    @Test func aRequestThatCameWithItsCallStartReachesTheHandlerWholeAndTheReplyLeavesInOneWrite() throws {
        let seen = RequestLog()
        let channel = try Embedded.server { stream in
            seen.record(stream.request)
            try? await stream.write([.message([9, 9]), .trailers(.ok, [:])])
        }
        try channel.send(clientSettings)
        _ = try channel.sentFrames()
        try channel.send(callStartFrame(1, method: "x.Y/Z"), .message(streamID: 1, payload: ByteBuffer(bytes: [7, 8]), endStream: true))
        channel.embeddedEventLoop.run()
        #expect(seen.requests == [[7, 8]])
        // Message and trailers in one outbound write (one TLS record on a real connection).
        let first = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        var bytes = first
        var parser = FrameParser(limits: WireLimits())
        var frames: [Frame] = []
        while let frame = try parser.nextFrame(from: &bytes) { frames.append(frame) }
        #expect(frames.map(\.type) == [.message, .trailers])
        #expect(Array(frames[0].payload.readableBytesView) == [9, 9])
        _ = try? channel.finish()
    }

    @Test func aRequestStillOnItsWayIsNotInHand() throws {
        let seen = RequestLog()
        let channel = try Embedded.server { stream in
            seen.record(stream.request)
            var messages: [[UInt8]] = []
            do {
                for try await message in stream.inbound { messages.append(message) }
            } catch {}
            seen.record(messages.first)
            try? await stream.write([.trailers(.ok, [:])])
        }
        try channel.send(clientSettings, callStartFrame(1, method: "x.Y/Z"))
        channel.embeddedEventLoop.run()
        try channel.send(.message(streamID: 1, payload: ByteBuffer(bytes: [7]), endStream: true))
        let frames = try channel.sentFrames()
        #expect(seen.requests == [nil, [7]])
        #expect(frames.last?.type == .trailers)
        _ = try? channel.finish()
    }

    @Test func twoMessagesAreNotAWholeUnaryRequest() throws {
        let seen = RequestLog()
        let channel = try Embedded.server { stream in
            seen.record(stream.request)
            try? await stream.write([.trailers(.ok, [:])])
        }
        try channel.send(
            clientSettings, callStartFrame(1, method: "x.Y/Z"), .message(streamID: 1, payload: ByteBuffer(bytes: [1])),
            .message(streamID: 1, payload: ByteBuffer(bytes: [2]), endStream: true))
        _ = try channel.sentFrames()
        #expect(seen.requests == [nil])
        _ = try? channel.finish()
    }

    @Test func aCallCancelledInTheReadThatOpenedItStartsCancelledAndSendsNothing() throws {
        let seen = RequestLog()
        let channel = try Embedded.server { stream in
            seen.record(Task.isCancelled ? [1] : [0])
            try? await stream.write([.trailers(.ok, [:])])
        }
        try channel.send(clientSettings)
        _ = try channel.sentFrames()
        try channel.send(
            callStartFrame(1, method: "x.Y/Z"), .message(streamID: 1, payload: ByteBuffer(bytes: [7]), endStream: true),
            .cancel(streamID: 1))
        let frames = try channel.sentFrames()
        #expect(seen.requests == [[1]])
        #expect(frames.isEmpty)
        #expect(channel.isActive)
        _ = try? channel.finish()
    }

    @Test func aReplyTheClientCannotTakeBecomesTheCallsError() throws {
        let channel = try Embedded.server { stream in
            try? await stream.write([.message([UInt8](repeating: 1, count: 20 * 1024)), .trailers(.ok, [:])])
        }
        try channel.send(Frame.settings(WireLimits(maxFrameSize: 16 * 1024, minPingInterval: .zero)))
        _ = try channel.sentFrames()
        try channel.send(callStartFrame(1, method: "x.Y/Z"), .message(streamID: 1, payload: ByteBuffer(bytes: [7]), endStream: true))
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.trailers])
        let (status, _) = try CallPayloads.decodeTrailers(try #require(frames.first).payload)
        #expect(status.code == .resourceExhausted)
        #expect(channel.isActive)
        _ = try? channel.finish()
    }
}

/// The requests handlers saw (nil: not in hand).
private final class RequestLog: Sendable {
    private let state = Mutex<[[UInt8]?]>([])
    func record(_ request: [UInt8]?) { state.withLock { $0.append(request) } }
    var requests: [[UInt8]?] { state.withLock { $0 } }
}
