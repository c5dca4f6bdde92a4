import NIOCore
import NIOEmbedded
import RPCCore
@testable import RPCTransport
@testable import RPCWire
import Testing

/// The client connection handler and its state machine, without sockets.
@Suite("Client connection (EmbeddedChannel)")
struct ClientConnectionHandlerTests {
    private func ready(window: Int = 16, streams: Int = 8) throws -> (EmbeddedChannel, ClientConnectionHandler) {
        let (channel, handler) = try Embedded.client()
        #expect(try channel.sentFrames().map(\.type) == [.settings])
        try channel.send(.settings(WireLimits(maxConcurrentStreams: streams, initialWindow: window)))
        return (channel, handler)
    }

    private func message(_ bytes: [UInt8]) -> PendingRequest.Part { .message(ByteBuffer(bytes: bytes)) }

    @Test func noCallOpensBeforeTheServersSettings() throws {
        let (channel, handler) = try Embedded.client()
        #expect(try handler.tryOpen(RPCCallStart(method: "a.B/C")) == nil)
        try channel.send(.settings(WireLimits()))
        #expect(try handler.tryOpen(RPCCallStart(method: "a.B/C")) != nil)
        _ = try? channel.finish()
    }

    @Test func aUnaryRequestIsCallStartAndOneMessageWithEndStream() throws {
        let (channel, handler) = try ready()
        let handle = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C", deadline: .now + .seconds(5))))
        _ = handler.write(message([1, 2, 3]), on: handle.id, waiter: nil, mayQueue: false)
        _ = handler.write(.end, on: handle.id, waiter: nil, mayQueue: false)
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.callStart, .message])
        #expect(frames[1].flags.contains(.endStream))
        #expect(Array(frames[1].payload.readableBytesView) == [1, 2, 3])
        let start = try CallPayloads.decodeCallStart(frames[0].payload)
        #expect(start.method == "a.B/C")
        // Time left when written: positive and at most the 5 s given.
        #expect(start.timeoutMicros.map { $0 > 0 && $0 <= 5_000_000 } == true)
        _ = try? channel.finish()
    }

    @Test func aHeldMessageGoesOutAtTheEndOfTheTick() throws {
        let (channel, handler) = try ready()
        let handle = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        _ = handler.write(message([7]), on: handle.id, waiter: nil, mayQueue: false)
        let first = try channel.sentFrames()
        #expect(first.map(\.type) == [.callStart, .message])
        #expect(!first[1].flags.contains(.endStream))
        _ = handler.write(.end, on: handle.id, waiter: nil, mayQueue: false)
        #expect(try channel.sentFrames().map(\.type) == [.endStream])
        _ = try? channel.finish()
    }

    @Test func withoutCreditAWriteMustWait() throws {
        let (channel, handler) = try ready(window: 1)
        let handle = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        _ = handler.write(message([1]), on: handle.id, waiter: nil, mayQueue: false)
        _ = try channel.sentFrames()
        if case .mustWait = handler.write(message([2]), on: handle.id, waiter: nil, mayQueue: false) {} else {
            Issue.record("a message without credit was written")
        }
        try channel.send(.windowUpdate(streamID: handle.id, increment: 1))
        if case .wrote = handler.write(message([2]), on: handle.id, waiter: nil, mayQueue: false) {} else {
            Issue.record("the credit was not used")
        }
        #expect(try channel.sentFrames().map(\.type) == [.message])
        _ = try? channel.finish()
    }

    @Test func theServersConcurrencyLimitIsRespected() throws {
        let (channel, handler) = try ready(streams: 1)
        let first = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        #expect(try handler.tryOpen(RPCCallStart(method: "a.B/C")) == nil)
        try channel.send(.trailers(streamID: first.id, payload: ByteBuffer()))
        #expect(try handler.tryOpen(RPCCallStart(method: "a.B/C")) != nil)
        _ = try? channel.finish()
    }

    @Test func cancelSendsCancelWithTheReason() throws {
        let (channel, handler) = try ready()
        let handle = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        _ = try channel.sentFrames()
        handle.cancel(RPCError(code: .cancelled, message: "test"))
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.cancel])
        #expect(try frames[0].cancelReason() == 1)
        // Nothing more is sent for a cancelled call.
        if case .closed = handler.write(message([1]), on: handle.id, waiter: nil, mayQueue: false) {} else {
            Issue.record("a cancelled call accepted a write")
        }
        _ = try? channel.finish()
    }

    @Test func goAwayFailsTheCallsItDidNotProcessAndKeepsTheOthers() async throws {
        let (channel, handler) = try ready()
        let processed = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        let refused = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        try channel.send(.goAway(GoAway(lastStreamID: processed.id, code: .noError)))
        await #expect(throws: RPCError.self) { _ = try await refused.inbox.next() }
        // The connection drains: no new calls, the processed one still gets its answer.
        #expect(throws: RPCError.self) { _ = try handler.tryOpen(RPCCallStart(method: "a.B/C")) }
        try channel.send(.trailers(streamID: processed.id, payload: ByteBuffer()))
        #expect(try await processed.inbox.next() == .trailers(.ok, [:]))
        // The last call ended: the drained connection closes.
        #expect(!channel.isActive)
    }

    @Test func malformedTrailersAreAConnectionError() throws {
        let (channel, handler) = try ready()
        let handle = try #require(try handler.tryOpen(RPCCallStart(method: "a.B/C")))
        try channel.send(.trailers(streamID: handle.id, payload: ByteBuffer(bytes: [0x0A, 0x7F])))
        let frames = try channel.sentFrames()
        #expect(try frames.last?.goAway().code == .malformedPayload)
        #expect(!channel.isActive)
    }
}
