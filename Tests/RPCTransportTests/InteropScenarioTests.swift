import ClinicAPI
import Foundation
import InteropService
import RPCCore
@testable import RPCTransport
import Synchronization
import Testing
import WellKnownTypes

typealias TestService = Clinic_Testing_V1_TestService

/// The gRPC interop scenarios over real TLS sockets on loopback (docs/RPC.md, "Tests").
extension SocketTests {
    @Suite("Interop scenarios over TLS", .timeLimit(.minutes(2)))
    struct InteropScenarioTests {
        @Test func emptyUnary() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            let response = try await withTimeout(seconds: 20) { try await client.emptyCall(Google_Protobuf_Empty()) }
            #expect(response == Google_Protobuf_Empty())
            try await harness.stop()
        }

        @Test func largeUnary() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            var request = Clinic_Testing_V1_SimpleRequest()
            request.responseSize = 314_159
            request.payload = payload(271_828)
            request.fillUsername = true
            let sent = request
            let response = try await withTimeout(seconds: 20) { try await client.unaryCall(sent) }
            #expect(response.payload?.body.count == 314_159)
            #expect(response.payload?.body.allSatisfy { $0 == 0 } == true)
            // The caller's identity came from its client certificate.
            #expect(response.username == "spiffe://clinic/cli")
            try await harness.stop()
        }

        @Test func clientStreaming() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            let response = try await withTimeout(seconds: 20) {
                try await client.streamingInputCall { writer in
                    for size in [27_182, 8, 1_828, 45_904] {
                        var message = Clinic_Testing_V1_StreamingInputCallRequest()
                        message.payload = payload(size)
                        try await writer.write(message)
                    }
                }
            }
            #expect(response.aggregatedPayloadSize == 74_922)
            try await harness.stop()
        }

        @Test func serverStreaming() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            var request = Clinic_Testing_V1_StreamingOutputCallRequest()
            let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
            request.responseParameters = sizes.map { size in
                var parameters = Clinic_Testing_V1_ResponseParameters()
                parameters.size = size
                return parameters
            }
            let sent = request
            let received = try await withTimeout(seconds: 20) {
                try await client.streamingOutputCall(sent) { responses in
                    var sizes: [Int] = []
                    for try await response in responses { sizes.append(response.payload?.body.count ?? -1) }
                    return sizes
                }
            }
            #expect(received == sizes.map(Int.init))
            try await harness.stop()
        }

        @Test func pingPong() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            let requestSizes = [27_182, 8, 1_828, 45_904]
            let responseSizes: [Int32] = [31_415, 9, 2_653, 58_979]
            let received = try await withTimeout(seconds: 20) {
                // Each request is sent only after the previous response arrived.
                let turn = AsyncStream<Void>.makeStream()
                return try await client.fullDuplexCall { writer in
                    var iterator = turn.stream.makeAsyncIterator()
                    for (index, size) in responseSizes.enumerated() {
                        var request = Clinic_Testing_V1_StreamingOutputCallRequest()
                        var parameters = Clinic_Testing_V1_ResponseParameters()
                        parameters.size = size
                        request.responseParameters = [parameters]
                        request.payload = payload(requestSizes[index])
                        try await writer.write(request)
                        _ = await iterator.next()
                    }
                } onResponse: { responses in
                    var sizes: [Int] = []
                    for try await response in responses {
                        sizes.append(response.payload?.body.count ?? -1)
                        turn.continuation.yield()
                    }
                    return sizes
                }
            }
            #expect(received == responseSizes.map(Int.init))
            try await harness.stop()
        }

        @Test func emptyStream() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            let count = try await withTimeout(seconds: 20) {
                try await client.fullDuplexCall { _ in } onResponse: { responses in
                    var count = 0
                    for try await _ in responses { count += 1 }
                    return count
                }
            }
            #expect(count == 0)
            try await harness.stop()
        }

        @Test func customMetadata() async throws {
            let harness = try await InteropHarness.start()
            let (_, rpc) = try harness.testClient()
            var options = CallOptions()
            options.metadata.add(InteropTestService.echoInitialKey, "test_initial_metadata_value")
            options.metadata.add(InteropTestService.echoTrailingKey, binary: [0xAB, 0xAB, 0xAB, 0x00, 0xFF])
            var request = Clinic_Testing_V1_SimpleRequest()
            request.responseSize = 314_159
            request.payload = payload(271_828)
            let sent = request
            let sentOptions = options
            // Unary.
            let unary: ClientResponse<Clinic_Testing_V1_SimpleResponse> = try await withTimeout(seconds: 20) {
                try await rpc.unaryWithMetadata(request: sent, method: TestService.Method.UnaryCall.descriptor, options: sentOptions)
            }
            #expect(unary.initialMetadata[InteropTestService.echoInitialKey] == "test_initial_metadata_value")
            #expect(unary.trailingMetadata.values(of: InteropTestService.echoTrailingKey) == [.binary([0xAB, 0xAB, 0xAB, 0x00, 0xFF])])
            // Bidirectional.
            let (initial, trailing) = try await withTimeout(seconds: 20) {
                try await rpc.streamingWithMetadata(
                    method: TestService.Method.FullDuplexCall.descriptor, options: sentOptions,
                    requestProducer: { (writer: RPCWriter<Clinic_Testing_V1_StreamingOutputCallRequest>) in
                        var request = Clinic_Testing_V1_StreamingOutputCallRequest()
                        var parameters = Clinic_Testing_V1_ResponseParameters()
                        parameters.size = 314_159
                        request.responseParameters = [parameters]
                        request.payload = payload(271_828)
                        try await writer.write(request)
                    },
                    onResponse: { (responses: ClientResponseStream<Clinic_Testing_V1_StreamingOutputCallResponse>) in
                        for try await _ in responses {}
                        return (responses.initialMetadata, responses.trailingMetadata)
                    })
            }
            #expect(initial[InteropTestService.echoInitialKey] == "test_initial_metadata_value")
            #expect(trailing.values(of: InteropTestService.echoTrailingKey) == [.binary([0xAB, 0xAB, 0xAB, 0x00, 0xFF])])
            try await harness.stop()
        }

        @Test func statusCodeAndMessage() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            // Every error code, unary and bidirectional.
            for code in RPCError.Code.all {
                var status = Clinic_Testing_V1_EchoStatus()
                status.code = Int32(code.rawValue)
                status.message = "test status message for \(code)"
                var request = Clinic_Testing_V1_SimpleRequest()
                request.responseStatus = status
                let sent = request
                let error = await #expect(throws: RPCError.self) {
                    _ = try await withTimeout(seconds: 20) { try await client.unaryCall(sent) }
                }
                #expect(error?.code == code)
                #expect(error?.message == status.message)
            }
            var status = Clinic_Testing_V1_EchoStatus()
            status.code = 2
            status.message = "test status message"
            var request = Clinic_Testing_V1_StreamingOutputCallRequest()
            request.responseStatus = status
            let sent = request
            let error = await #expect(throws: RPCError.self) {
                try await withTimeout(seconds: 20) {
                    try await client.fullDuplexCall { writer in try await writer.write(sent) } onResponse: { responses in
                        for try await _ in responses {}
                    }
                }
            }
            #expect(error?.code == .unknown)
            #expect(error?.message == "test status message")
            try await harness.stop()
        }

        @Test func specialStatusMessage() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            let message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
            var status = Clinic_Testing_V1_EchoStatus()
            status.code = 2
            status.message = message
            var request = Clinic_Testing_V1_SimpleRequest()
            request.responseStatus = status
            let sent = request
            let error = await #expect(throws: RPCError.self) {
                _ = try await withTimeout(seconds: 20) { try await client.unaryCall(sent) }
            }
            #expect(error?.code == .unknown)
            #expect(error.map { Array($0.message.utf8) } == Array(message.utf8))
            try await harness.stop()
        }

        @Test func unimplementedMethod() async throws {
            let harness = try await InteropHarness.start()
            let (client, rpc) = try harness.testClient()
            let error = await #expect(throws: RPCError.self) {
                _ = try await withTimeout(seconds: 20) { try await client.unimplementedCall(Google_Protobuf_Empty()) }
            }
            #expect(error?.code == .unimplemented)
            // A method the served service does not have at all.
            let missing = MethodDescriptor(
                service: TestService.descriptor.fullName, method: "NoSuchMethod", kind: .unary, policy: .internalOnly, http: nil)
            let unknown = await #expect(throws: RPCError.self) {
                let _: Google_Protobuf_Empty = try await withTimeout(seconds: 20) {
                    try await rpc.unary(request: Google_Protobuf_Empty(), method: missing, options: .defaults)
                }
            }
            #expect(unknown?.code == .unimplemented)
            try await harness.stop()
        }

        @Test func unimplementedService() async throws {
            let harness = try await InteropHarness.start()
            let (_, rpc) = try harness.testClient()
            let client = Clinic_Testing_V1_UnimplementedService.Client(caller: rpc)
            let error = await #expect(throws: RPCError.self) {
                _ = try await withTimeout(seconds: 20) { try await client.unimplementedCall(Google_Protobuf_Empty()) }
            }
            #expect(error?.code == .unimplemented)
            #expect(error?.message.contains("service") == true)
            try await harness.stop()
        }

        @Test func cancelAfterBegin() async throws {
            let recorder = CallRecorder()
            let harness = try await InteropHarness.start(interceptors: [recorder])
            let (client, _) = try harness.testClient()
            let call = Task {
                try await client.streamingInputCall { _ in
                    // Never sends: the call is cancelled while the client stream is open.
                    try await Task.sleep(for: .seconds(3600))
                }
            }
            try await waitUntil("the call to reach the server") { !recorder.calls(to: "StreamingInputCall").isEmpty }
            call.cancel()
            let error = await #expect(throws: RPCError.self) { _ = try await withTimeout(seconds: 20) { try await call.value } }
            #expect(error?.code == .cancelled)
            // The cancellation reached the handler.
            try await waitUntil("the handler to end") { recorder.calls(to: "StreamingInputCall").first?.outcome != nil }
            #expect(recorder.calls(to: "StreamingInputCall").first?.outcome == "cancelled")
            try await harness.stop()
        }

        @Test func cancelAfterFirstResponse() async throws {
            let recorder = CallRecorder()
            let harness = try await InteropHarness.start(interceptors: [recorder])
            let (client, _) = try harness.testClient()
            let firstResponse = AsyncStream<Void>.makeStream()
            let call = Task {
                try await client.fullDuplexCall { writer in
                    var request = Clinic_Testing_V1_StreamingOutputCallRequest()
                    var parameters = Clinic_Testing_V1_ResponseParameters()
                    parameters.size = 31_415
                    request.responseParameters = [parameters]
                    request.payload = payload(27_182)
                    try await writer.write(request)
                    try await Task.sleep(for: .seconds(3600))
                } onResponse: { responses in
                    for try await _ in responses { firstResponse.continuation.yield() }
                }
            }
            var iterator = firstResponse.stream.makeAsyncIterator()
            _ = await iterator.next()
            call.cancel()
            let error = await #expect(throws: RPCError.self) { try await withTimeout(seconds: 20) { try await call.value } }
            #expect(error?.code == .cancelled)
            try await waitUntil("the handler to end") { recorder.calls(to: "FullDuplexCall").first?.outcome != nil }
            #expect(recorder.calls(to: "FullDuplexCall").first?.outcome == "cancelled")
            try await harness.stop()
        }

        @Test func timeoutOnSleepingServer() async throws {
            let recorder = CallRecorder()
            let harness = try await InteropHarness.start(interceptors: [recorder])
            let (client, _) = try harness.testClient()
            // Connected first, so the deadline is spent on the sleeping server, not on the handshake.
            _ = try await withTimeout(seconds: 20) { try await client.emptyCall(Google_Protobuf_Empty()) }
            let before = ContinuousClock.now
            let error = await #expect(throws: RPCError.self) {
                try await withTimeout(seconds: 20) {
                    try await client.fullDuplexCall(options: CallOptions(timeout: .seconds(1))) { writer in
                        var request = Clinic_Testing_V1_StreamingOutputCallRequest()
                        var parameters = Clinic_Testing_V1_ResponseParameters()
                        parameters.size = 31_415
                        // Sleeps before answering, far past the deadline.
                        parameters.intervalUs = 600_000_000  // ten minutes
                        request.responseParameters = [parameters]
                        request.payload = payload(27_182)
                        try await writer.write(request)
                    } onResponse: { responses in
                        for try await _ in responses {}
                    }
                }
            }
            #expect(error?.code == .deadlineExceeded)
            // The deadline travelled with the call: the server's is no later than the client's.
            try await waitUntil("the handler to end") { recorder.calls(to: "FullDuplexCall").first?.outcome != nil }
            let seen = try #require(recorder.calls(to: "FullDuplexCall").first)
            #expect(seen.deadline != nil)
            #expect(seen.deadline.map { $0 >= before } == true)
            #expect(seen.outcome == "deadline_exceeded" || seen.outcome == "cancelled")
            try await harness.stop()
        }

        @Test func concurrentLargeUnary() async throws {
            let harness = try await InteropHarness.start()
            let (client, _) = try harness.testClient()
            var request = Clinic_Testing_V1_SimpleRequest()
            request.responseSize = 314_159
            request.payload = payload(271_828)
            let sent = request
            let sizes = try await withTimeout(seconds: 100) {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<1_000 {
                        group.addTask { try await client.unaryCall(sent).payload?.body.count ?? -1 }
                    }
                    var sizes: [Int] = []
                    for try await size in group { sizes.append(size) }
                    return sizes
                }
            }
            #expect(sizes.count == 1_000)
            #expect(sizes.allSatisfy { $0 == 314_159 })
            try await harness.stop()
        }
    }
}
