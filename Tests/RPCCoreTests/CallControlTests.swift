import ClinicAPI
import InteropService
import RPCCore
import Synchronization
import Testing
import WellKnownTypes

/// Deadlines, cancellation, interceptors and retries through the call layer (in-process).
@Suite("Call layer: deadlines, cancellation, interceptors, retries", .timeLimit(.minutes(1)))
struct CallControlTests {
    @Test func anExpiredDeadlineIsDeadlineExceededAndStopsTheHandler() async throws {
        let recorder = Recorder()
        let harness = InProcessHarness(interceptors: [recorder])
        let error = await #expect(throws: RPCError.self) {
            try await harness.client().fullDuplexCall(options: CallOptions(timeout: .seconds(2))) { writer in
                try await writer.write(outputRequest([1], intervalUs: 600_000_000))
            } onResponse: { responses in
                for try await _ in responses {}
            }
        }
        #expect(error?.code == .deadlineExceeded)
        try await eventually { recorder.calls(to: "FullDuplexCall").first?.outcome != nil }
        #expect(recorder.calls(to: "FullDuplexCall").first?.deadline != nil)
        try await harness.stop()
    }

    @Test func deadlinesPropagateToCallsMadeInsideAHandler() async throws {
        let recorder = Recorder()
        let harness = InProcessHarness(
            services: { transport in
                [Relay(downstream: TestService.Client(caller: RPCClient(transport: transport.client)))]
            }, interceptors: [recorder])
        let relay = Clinic_Testing_V1_UnimplementedService.Client(caller: harness.rpc())
        let error = await #expect(throws: RPCError.self) {
            _ = try await relay.unimplementedCall(Google_Protobuf_Empty(), options: CallOptions(timeout: .seconds(2)))
        }
        #expect(error?.code == .deadlineExceeded)
        try await eventually { recorder.all.count == 2 && recorder.all.allSatisfy { $0.outcome != nil } }
        let outer = try #require(recorder.calls(to: "UnimplementedCall").first)
        let inner = try #require(recorder.calls(to: "FullDuplexCall").first)
        // In process the instant itself travels: the nested call has exactly the caller's deadline.
        #expect(inner.deadline == outer.deadline)
        #expect(inner.outcome == "cancelled" || inner.outcome == "deadline_exceeded")
        try await harness.stop()
    }

    @Test func cancellingTheCallerCancelsTheHandlerAndItsDownstreamCalls() async throws {
        let recorder = Recorder()
        let harness = InProcessHarness(
            services: { transport in
                [Relay(downstream: TestService.Client(caller: RPCClient(transport: transport.client)))]
            }, interceptors: [recorder])
        let relay = Clinic_Testing_V1_UnimplementedService.Client(caller: harness.rpc())
        let call = Task { try await relay.unimplementedCall(Google_Protobuf_Empty()) }
        try await eventually { !recorder.calls(to: "FullDuplexCall").isEmpty }
        call.cancel()
        let error = await #expect(throws: RPCError.self) { _ = try await call.value }
        #expect(error?.code == .cancelled)
        try await eventually { recorder.all.count == 2 && recorder.all.allSatisfy { $0.outcome != nil } }
        #expect(recorder.all.allSatisfy { $0.outcome == "cancelled" })
        try await harness.stop()
    }

    @Test func interceptorsRunOutermostFirstAndCanDecorateAndReject() async throws {
        let order = Mutex<[String]>([])
        let outer = ClientInterceptorFunction { call, next in
            order.withLock { $0.append("outer") }
            var call = call
            call.metadata.add("authorization", "Bearer token")
            try await next(call)
        }
        let inner = ClientInterceptorFunction { call, next in
            order.withLock { $0.append("inner") }
            try await next(call)
        }
        let gate = ServerInterceptorFunction { context, next in
            guard context.requestMetadata["authorization"] == "Bearer token" else {
                throw RPCError(code: .unauthenticated, message: "no token")
            }
            try await next(context)
        }
        let harness = InProcessHarness(interceptors: [gate])
        _ = try await harness.client(interceptors: [outer, inner]).emptyCall(Google_Protobuf_Empty())
        #expect(order.withLock { $0 } == ["outer", "inner"])
        let error = await #expect(throws: RPCError.self) { _ = try await harness.client().emptyCall(Google_Protobuf_Empty()) }
        #expect(error?.code == .unauthenticated)
        try await harness.stop()
    }

    @Test func idempotentMethodsAreRetriedOnUnavailable() async throws {
        let failing = FailFirst(2)
        let harness = InProcessHarness(interceptors: [failing])
        let options = CallOptions(retries: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1)))
        _ = try await harness.client().emptyCall(Google_Protobuf_Empty(), options: options)
        #expect(failing.attempts("EmptyCall") == 3)
        try await harness.stop()
    }

    @Test func otherMethodsAreNeverRetried() async throws {
        let failing = FailFirst(1)
        let harness = InProcessHarness(interceptors: [failing])
        let options = CallOptions(retries: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1)))
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client().streamingOutputCall(outputRequest([1]), options: options) { responses in
                for try await _ in responses {}
            }
        }
        #expect(error?.code == .unavailable)
        #expect(failing.attempts("StreamingOutputCall") == 1)
        try await harness.stop()
    }

    @Test func onlyRetryableCodesAreRetried() async throws {
        let failing = FailFirst(1, with: .internal)
        let harness = InProcessHarness(interceptors: [failing])
        let options = CallOptions(retries: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1)))
        let error = await #expect(throws: RPCError.self) { _ = try await harness.client().emptyCall(Google_Protobuf_Empty(), options: options) }
        #expect(error?.code == .internal)
        #expect(failing.attempts("EmptyCall") == 1)
        try await harness.stop()
    }

    @Test func aSlowReaderHoldsBackTheWriter() async throws {
        let harness = InProcessHarness(bufferSize: 2)
        let received = Atomic<Int>(0)
        let result = try await harness.client().streamingOutputCall(outputRequest(Array(repeating: 10, count: 50))) { responses in
            for try await _ in responses {
                received.add(1, ordering: .relaxed)
                await Task.yield()
            }
            return received.load(ordering: .relaxed)
        }
        #expect(result == 50)
        try await harness.stop()
    }

    @Test func gracefulShutdownLetsCallsFinish() async throws {
        let harness = InProcessHarness()
        let started = AsyncStream<Void>.makeStream()
        let call = Task {
            try await harness.client().streamingOutputCall(outputRequest([1, 1, 1], intervalUs: 50_000)) { responses in
                var count = 0
                for try await _ in responses {
                    count += 1
                    started.continuation.yield()
                }
                return count
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
        try await harness.stop()
        #expect(try await call.value == 3)
    }
}

/// Fails the first stream it is asked for with an error marked "never processed" (as the
/// network transport does for calls above a GOAWAY's last stream id), then behaves normally.
final class RefusesFirstStream: ClientTransport {
    let inner: InProcessTransport.Client
    let refused = Atomic<Int>(0)

    init(_ inner: InProcessTransport.Client) { self.inner = inner }

    func withStream<Result: Sendable>(_ start: RPCCallStart, _ body: (RPCClientStream) async throws -> Result) async throws -> Result {
        if refused.add(1, ordering: .relaxed).newValue == 1 {
            var error = RPCError(code: .unavailable, message: "GOAWAY: not processed")
            error.wasNeverProcessed = true
            throw error
        }
        return try await inner.withStream(start, body)
    }

    func beginGracefulShutdown() {}
}

@Suite("Call layer: transparent retry")
struct TransparentRetryTests {
    @Test func aCallTheServerNeverProcessedIsRetriedOnceWhateverTheMethod() async throws {
        let harness = InProcessHarness()
        let transport = RefusesFirstStream(harness.transport.client)
        let client = TestService.Client(caller: RPCClient(transport: transport))
        // StreamingOutputCall is not idempotent, and is retried anyway: it never ran.
        let count = try await client.streamingOutputCall(outputRequest([1, 2])) { responses in
            var count = 0
            for try await _ in responses { count += 1 }
            return count
        }
        #expect(count == 2)
        #expect(transport.refused.load(ordering: .relaxed) == 2)
        try await harness.stop()
    }
}
