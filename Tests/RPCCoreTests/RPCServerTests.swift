import ClinicAPI
import InteropService
import RPCCore
import Synchronization
import Testing
import WellKnownTypes

/// `RPCServer.handle` driven with hand-made streams: the unary path over a request the
/// transport already holds, next to the stream path it replaces.
@Suite struct RPCServerTests {
    let server = RPCServer(services: [InteropTestService()], transports: [])

    @Test func aUnaryRequestInHandSkipsTheStreamsAndAnswersInOneBatch() async throws {
        var request = Clinic_Testing_V1_SimpleRequest()
        request.responseSize = 5
        let stream = FakeStream(method: TestService.Method.UnaryCall.descriptor.fullName, request: try request.serializedBytes(), batches: true)
        await server.handle(stream.stream)
        #expect(stream.inboundWasRead == false)
        #expect(stream.singleWrites.isEmpty)
        let batches = stream.batches
        try #require(batches.count == 1)
        try #require(batches[0].count == 2)
        guard case .message(let bytes) = batches[0][0] else { Issue.record("first part: \(batches[0][0])"); return }
        #expect(try Clinic_Testing_V1_SimpleResponse(serializedBytes: bytes).payload?.body.count == 5)
        #expect(batches[0][1] == .trailers(.ok, [:]))
    }

    @Test func theBatchCarriesInitialAndTrailingMetadataAroundTheResponse() async throws {
        var metadata = Metadata()
        metadata.add(InteropTestService.echoInitialKey, "hello")
        metadata.add(InteropTestService.echoTrailingKey, binary: [1, 2, 3])
        let stream = FakeStream(
            method: TestService.Method.EmptyCall.descriptor.fullName, metadata: metadata,
            request: try Google_Protobuf_Empty().serializedBytes(), batches: true)
        await server.handle(stream.stream)
        let batches = stream.batches
        try #require(batches.count == 1)
        var initial = Metadata()
        initial.add(InteropTestService.echoInitialKey, "hello")
        var trailing = Metadata()
        trailing.add(InteropTestService.echoTrailingKey, binary: [1, 2, 3])
        #expect(batches[0] == [.metadata(initial), .message([]), .trailers(.ok, trailing)])
    }

    @Test func aBadRequestInHandIsInvalidArgumentWithNoResponse() async throws {
        let stream = FakeStream(method: TestService.Method.UnaryCall.descriptor.fullName, request: [0xFF, 0xFF, 0xFF], batches: true)
        await server.handle(stream.stream)
        let batches = stream.batches
        try #require(batches.count == 1)
        try #require(batches[0].count == 1)
        guard case .trailers(let status, _) = batches[0][0] else { Issue.record("\(batches[0])"); return }
        #expect(status.code == .invalidArgument)
    }

    @Test func withoutABatchWriterThePartsGoOneByOne() async throws {
        let stream = FakeStream(
            method: TestService.Method.EmptyCall.descriptor.fullName, request: try Google_Protobuf_Empty().serializedBytes(),
            batches: false)
        await server.handle(stream.stream)
        #expect(stream.inboundWasRead == false)
        #expect(stream.singleWrites == [.message([]), .trailers(.ok, [:])])
    }

    @Test func aStreamingMethodReadsItsRequestFromTheStreamEvenWhenItIsInHand() async throws {
        var request = Clinic_Testing_V1_StreamingOutputCallRequest()
        var parameters = Clinic_Testing_V1_ResponseParameters()
        parameters.size = 3
        request.responseParameters = [parameters, parameters]
        let stream = FakeStream(
            method: TestService.Method.StreamingOutputCall.descriptor.fullName, request: try request.serializedBytes(),
            batches: true)
        await server.handle(stream.stream)
        #expect(stream.inboundWasRead)
        #expect(stream.singleWrites.count == 2)
        #expect(stream.batches == [[.trailers(.ok, [:])]])
    }

    @Test func interceptorsRunOnTheUnaryPathAndCanReject() async throws {
        let seen = Mutex<[String]>([])
        let rejecting = RPCServer(
            services: [InteropTestService()], transports: [],
            interceptors: [
                ServerInterceptorFunction { context, next in
                    seen.withLock { $0.append(context.method.method) }
                    throw RPCError(code: .permissionDenied, message: "no")
                }
            ])
        let stream = FakeStream(
            method: TestService.Method.EmptyCall.descriptor.fullName, request: try Google_Protobuf_Empty().serializedBytes(),
            batches: true)
        await rejecting.handle(stream.stream)
        #expect(seen.withLock { $0 } == ["EmptyCall"])
        #expect(stream.batches == [[.trailers(RPCStatus(code: .permissionDenied, message: "no"), [:])]])
    }
}

/// A server stream whose request is in hand, recording what the server writes and whether it
/// read the request stream.
private struct FakeStream: Sendable {
    private final class Log: Sendable {
        let state = Mutex<(read: Bool, single: [RPCResponsePart], batches: [[RPCResponsePart]])>((false, [], []))
    }

    private let log = Log()
    let stream: RPCServerStream

    init(method: String, metadata: Metadata = [:], request: [UInt8], batches: Bool) {
        let log = self.log
        let inbound = RequestStream(request: request) { log.state.withLock { $0.read = true } }
        stream = RPCServerStream(
            start: RPCCallStart(method: method, metadata: metadata), peer: Peer(address: "test"),
            inbound: RPCAsyncSequence(wrapping: inbound),
            outbound: RPCWriter { part in log.state.withLock { $0.single.append(part) } },
            request: request,
            outboundBatch: batches ? RPCWriter { parts in log.state.withLock { $0.batches.append(parts) } } : nil)
    }

    var inboundWasRead: Bool { log.state.withLock { $0.read } }
    var singleWrites: [RPCResponsePart] { log.state.withLock { $0.single } }
    var batches: [[RPCResponsePart]] { log.state.withLock { $0.batches } }
}

/// The one request as a stream, telling `onRead` when iterated.
private struct RequestStream: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let request: [UInt8]
    let onRead: @Sendable () -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var pending: [UInt8]?
        let onRead: @Sendable () -> Void

        mutating func next() async throws -> [UInt8]? {
            onRead()
            defer { pending = nil }
            return pending
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pending: request, onRead: onRead) }
}
