import NIOCore
import NIOEmbedded
import RPCCore
@testable import RPCTransport
@testable import RPCWire
import Testing

/// Unary calls on a client connection (`ClientConnectionHandler.startUnary` and
/// `UnaryExchange`), without sockets: what goes out, what the caller gets back, and every way
/// the exchange ends early.
@Suite("Client unary exchange (EmbeddedChannel)")
struct UnaryExchangeTests {
    private func ready(streams: Int = 8, maxFrameSize: Int = WireLimits.default.maxFrameSize) throws
        -> (EmbeddedChannel, ClientConnectionHandler)
    {
        let (channel, handler) = try Embedded.client()
        _ = try channel.sentFrames()
        try channel.send(.settings(WireLimits(maxFrameSize: maxFrameSize, maxConcurrentStreams: streams)))
        return (channel, handler)
    }

    /// The caller's side: the exchange's outcome, read without waiting (nobody armed it), so
    /// the tests stay on the embedded loop's thread.
    private struct Caller {
        let exchange: UnaryExchange
        var value: [RPCResponsePart] {
            get throws {
                guard let outcome = exchange.unclaimedOutcome else { throw Pending() }
                return try outcome.get()
            }
        }
    }

    private struct Pending: Error {}

    private func caller(_ exchange: UnaryExchange) -> Caller { Caller(exchange: exchange) }

    private func trailers(_ id: StreamID, _ status: RPCStatus = .ok, _ metadata: Metadata = [:]) -> Frame {
        .trailers(streamID: id, payload: CallPayloads.encodeTrailers(status, metadata, allocator: .init()))
    }

    @Test func aLoneUnaryRequestIsFlushedAtOnceAndConcurrentOnesShareALoopTick() throws {
        let (channel, handler) = try ready()
        // Alone on the connection: written and flushed in the call, with no flush job queued.
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: UnaryExchange())
        let alone = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(alone.readableBytes > 0)
        // A second call while the first is open waits for the tick's one flush, with any others.
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [2], exchange: UnaryExchange())
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [3], exchange: UnaryExchange())
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.callStart, .message, .callStart, .message])
        _ = try? channel.finish()
    }

    @Test func theRequestIsCallStartAndOneMessageWithEndStreamAndThePartsComeBackTogether() throws {
        let (channel, handler) = try ready()
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C", deadline: .now + .seconds(5)), request: [1, 2, 3], exchange: exchange)
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.callStart, .message])
        #expect(frames[1].flags.contains(.endStream))
        #expect(Array(frames[1].payload.readableBytesView) == [1, 2, 3])
        #expect(try CallPayloads.decodeCallStart(frames[0].payload).method == "a.B/C")
        let id = frames[0].streamID
        try channel.send(.message(streamID: id, payload: ByteBuffer(bytes: [9])), trailers(id, .ok, ["k": "v"]))
        // The call is over: nothing to cancel, nothing more sent.
        exchange.cancel()
        #expect(try channel.sentFrames().isEmpty)
        _ = try? channel.finish()
        #expect(try call.value == [.message([9]), .trailers(.ok, ["k": "v"])])
    }

    @Test func anErrorStatusIsAPartLikeAnyOther() throws {
        let (channel, handler) = try ready()
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [], exchange: exchange)
        let id = try channel.sentFrames()[0].streamID
        try channel.send(trailers(id, RPCStatus(code: .notFound, message: "no such clinic")))
        _ = try? channel.finish()
        #expect(try call.value == [.trailers(RPCStatus(code: .notFound, message: "no such clinic"), [:])])
    }

    @Test func moreThanAUnaryResponseEndsTheExchangeAndCancelsTheCall() throws {
        let (channel, handler) = try ready()
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: exchange)
        let id = try channel.sentFrames()[0].streamID
        let one = Frame.message(streamID: id, payload: ByteBuffer(bytes: [1]))
        try channel.send(one, one, one, one)
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.cancel])
        #expect(frames.first?.streamID == id)
        _ = try? channel.finish()
        // Three parts and no more are kept; the caller reads them as "more than one message".
        #expect(try call.value == [.message([1]), .message([1]), .message([1])])
    }

    @Test func aCallCancelledBeforeItOpensSendsNothing() throws {
        let (channel, handler) = try ready()
        let exchange = UnaryExchange()
        exchange.cancel()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: exchange)
        #expect(try channel.sentFrames().isEmpty)
        _ = try? channel.finish()
        #expect(throws: RPCError(code: .cancelled, message: "the call was cancelled")) { try call.value }
    }

    @Test func aCallCancelledWhileOpenSendsCancel() throws {
        let (channel, handler) = try ready()
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: exchange)
        let id = try channel.sentFrames()[0].streamID
        exchange.cancel()
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.cancel])
        #expect(try frames.first?.cancelReason() == 1)
        #expect(frames.first?.streamID == id)
        _ = try? channel.finish()
        #expect(throws: RPCError.self) { try call.value }
    }

    @Test func aRequestOverTheServersFrameLimitIsRefusedBeforeAnythingIsSent() throws {
        let (channel, handler) = try ready(maxFrameSize: 16 * 1024)
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [UInt8](repeating: 0, count: 16 * 1024 + 1), exchange: exchange)
        #expect(try channel.sentFrames().isEmpty)
        _ = try? channel.finish()
        let error = #expect(throws: RPCError.self) { try call.value }
        #expect(error?.code == .resourceExhausted)
    }

    @Test func aCallAboveTheGoAwaysLastStreamFailsAsNeverProcessed() throws {
        let (channel, handler) = try ready()
        let first = UnaryExchange()
        let second = UnaryExchange()
        let firstCall = caller(first)
        let secondCall = caller(second)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: first)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [2], exchange: second)
        let processed = try channel.sentFrames()[0].streamID
        try channel.send(.goAway(GoAway(lastStreamID: processed, code: .noError)))
        try channel.send(trailers(processed))
        _ = try? channel.finish()
        let error = #expect(throws: RPCError.self) { try secondCall.value }
        #expect(error?.wasNeverProcessed == true)
        #expect(try firstCall.value == [.trailers(.ok, [:])])
    }

    @Test func aClosedConnectionRefusesTheOpenSoThePoolMayTryAnother() throws {
        let (channel, handler) = try ready()
        _ = try? channel.finish()
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: exchange)
        let refused = #expect(throws: UnaryExchange.OpenRefused.self) { try call.value }
        #expect(refused?.error.code == .unavailable)
    }

    @Test func aCallWaitingForAFreeStreamOpensWhenOneEnds() throws {
        let (channel, handler) = try ready(streams: 1)
        let first = UnaryExchange()
        let second = UnaryExchange()
        let firstCall = caller(first)
        let secondCall = caller(second)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: first)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [2], exchange: second)
        let frames = try channel.sentFrames()
        #expect(frames.map(\.type) == [.callStart, .message])
        try channel.send(trailers(frames[0].streamID))
        let next = try channel.sentFrames()
        #expect(next.map(\.type) == [.callStart, .message])
        #expect(next.last.map { Array($0.payload.readableBytesView) } == [2])
        if let id = next.first?.streamID { try channel.send(trailers(id)) }
        _ = try? channel.finish()
        #expect(try firstCall.value == [.trailers(.ok, [:])])
        #expect(try secondCall.value == [.trailers(.ok, [:])])
    }

    @Test func aWaitingCallThatIsCancelledNeverOpens() throws {
        let (channel, handler) = try ready(streams: 1)
        let first = UnaryExchange()
        let second = UnaryExchange()
        let firstCall = caller(first)
        let secondCall = caller(second)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: first)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [2], exchange: second)
        let id = try channel.sentFrames()[0].streamID
        second.cancel()
        try channel.send(trailers(id))
        #expect(try channel.sentFrames().isEmpty)
        _ = try? channel.finish()
        #expect(throws: RPCError.self) { try secondCall.value }
        _ = try firstCall.value
    }

    @Test func theConnectionLostFailsAnOpenCall() throws {
        let (channel, handler) = try ready()
        let exchange = UnaryExchange()
        let call = caller(exchange)
        handler.startUnary(RPCCallStart(method: "a.B/C"), request: [1], exchange: exchange)
        _ = try channel.sentFrames()
        channel.pipeline.fireChannelInactive()
        _ = try? channel.finish()
        let error = #expect(throws: RPCError.self) { try call.value }
        #expect(error?.code == .unavailable)
    }
}

@Suite("Unary exchange")
struct UnaryExchangeOutcomeTests {
    @Test func aCallerArmedAfterTheOutcomeIsResumedAtOnce() async throws {
        let exchange = UnaryExchange()
        #expect(exchange.deliver(.trailers(.ok, [:])))
        let parts = try await withCheckedThrowingContinuation { exchange.arm($0) }
        #expect(parts == [.trailers(.ok, [:])])
    }

    @Test func aCallerArmedFirstIsResumedByTheTrailers() async throws {
        let exchange = UnaryExchange()
        let caller = Task { try await withCheckedThrowingContinuation { exchange.arm($0) } }
        #expect(!exchange.deliver(.message([1])))
        #expect(exchange.deliver(.trailers(.ok, [:])))
        #expect(try await caller.value == [.message([1]), .trailers(.ok, [:])])
    }

    @Test func onlyTheFirstOutcomeCounts() async throws {
        let exchange = UnaryExchange()
        exchange.fail(RPCError(code: .unavailable, message: "lost"))
        #expect(exchange.deliver(.trailers(.ok, [:])))
        exchange.cancel()
        await #expect(throws: RPCError(code: .unavailable, message: "lost")) {
            try await withCheckedThrowingContinuation { exchange.arm($0) }
        }
    }
}
