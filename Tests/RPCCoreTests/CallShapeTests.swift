import ClinicAPI
import InteropService
import RPCCore
import Testing
import WellKnownTypes

/// The four call shapes, metadata and statuses through `RPCClient` and `RPCServer` over the
/// in-process transport.
@Suite("Call layer: shapes, metadata, statuses", .timeLimit(.minutes(1)))
struct CallShapeTests {
    @Test func unary() async throws {
        let harness = InProcessHarness()
        var request = Clinic_Testing_V1_SimpleRequest()
        request.responseSize = 314_159
        request.payload = payload(271_828)
        request.fillUsername = true
        let response = try await harness.client().unaryCall(request)
        #expect(response.payload?.body.count == 314_159)
        #expect(response.username == "spiffe://clinic/test")
        try await harness.stop()
    }

    @Test func serverStreaming() async throws {
        let harness = InProcessHarness()
        let sizes = try await harness.client().streamingOutputCall(outputRequest([31_415, 9, 2_653, 58_979])) { responses in
            var sizes: [Int] = []
            for try await response in responses { sizes.append(response.payload?.body.count ?? -1) }
            return sizes
        }
        #expect(sizes == [31_415, 9, 2_653, 58_979])
        try await harness.stop()
    }

    @Test func clientStreaming() async throws {
        let harness = InProcessHarness()
        let response = try await harness.client().streamingInputCall { writer in
            for size in [27_182, 8, 1_828, 45_904] {
                var message = Clinic_Testing_V1_StreamingInputCallRequest()
                message.payload = payload(size)
                try await writer.write(message)
            }
        }
        #expect(response.aggregatedPayloadSize == 74_922)
        try await harness.stop()
    }

    @Test func bidirectionalStreaming() async throws {
        let harness = InProcessHarness()
        let sizes = try await harness.client().fullDuplexCall { writer in
            for size: Int32 in [1, 2, 3] { try await writer.write(outputRequest([size])) }
        } onResponse: { responses in
            var sizes: [Int] = []
            for try await response in responses { sizes.append(response.payload?.body.count ?? -1) }
            return sizes
        }
        #expect(sizes == [1, 2, 3])
        try await harness.stop()
    }

    @Test func halfDuplexAnswersAfterTheClientHalfCloses() async throws {
        let harness = InProcessHarness()
        let sizes = try await harness.client().halfDuplexCall { writer in
            for size: Int32 in [5, 6] { try await writer.write(outputRequest([size])) }
        } onResponse: { responses in
            var sizes: [Int] = []
            for try await response in responses { sizes.append(response.payload?.body.count ?? -1) }
            return sizes
        }
        #expect(sizes == [5, 6])
        try await harness.stop()
    }

    @Test func metadataTravelsBothWaysTextAndBinary() async throws {
        let recorder = Recorder()
        let harness = InProcessHarness(interceptors: [recorder])
        var options = CallOptions()
        options.metadata.add(InteropTestService.echoInitialKey, "initial value")
        options.metadata.add(InteropTestService.echoTrailingKey, binary: [0, 1, 0xFF])
        let response: ClientResponse<Google_Protobuf_Empty> = try await harness.rpc().unaryWithMetadata(
            request: Google_Protobuf_Empty(), method: TestService.Method.EmptyCall.descriptor, options: options)
        #expect(response.initialMetadata[InteropTestService.echoInitialKey] == "initial value")
        #expect(response.trailingMetadata.values(of: InteropTestService.echoTrailingKey) == [.binary([0, 1, 0xFF])])
        #expect(recorder.calls(to: "EmptyCall").first?.metadata[InteropTestService.echoInitialKey] == "initial value")
        try await harness.stop()
    }

    @Test(arguments: RPCError.Code.all)
    func everyStatusCodeWithItsMessage(_ code: RPCError.Code) async throws {
        let harness = InProcessHarness()
        var status = Clinic_Testing_V1_EchoStatus()
        status.code = Int32(code.rawValue)
        status.message = "\t\nmessage ☺ 😈 for \(code)\r\n"
        var request = Clinic_Testing_V1_SimpleRequest()
        request.responseStatus = status
        let sent = request
        let error = await #expect(throws: RPCError.self) { _ = try await harness.client().unaryCall(sent) }
        #expect(error?.code == code)
        #expect(error.map { Array($0.message.utf8) } == Array(status.message.utf8))
        try await harness.stop()
    }

    @Test func statusDetailsAndTrailingMetadataReachTheClient() async throws {
        let detail = RPCError.Detail(typeURL: "type.googleapis.com/clinic.rpc.v1.ErrorInfo", value: [0x0a, 0x02, 0x4f, 0x4b])
        var metadata = Metadata()
        metadata.add("x-why", "because")
        let trailing = metadata
        let failing = ServerInterceptorFunction { _, _ in
            throw RPCError(code: .failedPrecondition, message: "not now", details: [detail], metadata: trailing)
        }
        let harness = InProcessHarness(interceptors: [failing])
        let error = await #expect(throws: RPCError.self) { _ = try await harness.client().emptyCall(Google_Protobuf_Empty()) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.details == [detail])
        #expect(error?.metadata["x-why"] == "because")
        try await harness.stop()
    }

    @Test func invalidRequestsAreInvalidArgumentNamingTheField() async throws {
        let harness = InProcessHarness()
        let health = Clinic_Health_V1_HealthService.Client(caller: harness.rpc())
        var request = Clinic_Health_V1_HealthCheckRequest()
        request.service = String(repeating: "x", count: 201)
        let sent = request
        let error = await #expect(throws: RPCError.self) { _ = try await health.check(sent) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix("service") == true)
        // With a BadRequest detail naming the field.
        let detail = try #require(error?.details.first)
        #expect(detail.typeURL == "type.googleapis.com/clinic.rpc.v1.BadRequest")
        let badRequest = try Clinic_Rpc_V1_BadRequest(serializedBytes: detail.value)
        #expect(badRequest.fieldViolations.first?.field == "service")
        try await harness.stop()
    }

    @Test func unknownMethodsAndServicesAreUnimplemented() async throws {
        let harness = InProcessHarness()
        let error = await #expect(throws: RPCError.self) { _ = try await harness.client().unimplementedCall(Google_Protobuf_Empty()) }
        #expect(error?.code == .unimplemented)
        let other = Clinic_Testing_V1_UnimplementedService.Client(caller: harness.rpc())
        let missing = await #expect(throws: RPCError.self) { _ = try await other.unimplementedCall(Google_Protobuf_Empty()) }
        #expect(missing?.code == .unimplemented)
        #expect(missing?.message.contains("service") == true)
        try await harness.stop()
    }
}
