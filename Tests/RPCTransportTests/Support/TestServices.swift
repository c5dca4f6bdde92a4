import ClinicAPI
import InteropService
import RPCCore
import Synchronization
import WellKnownTypes

/// The interop service, counting the response messages its streaming methods have written
/// (a write returns once the message is on its way: credit allowed it).
final class CountingTestService: Clinic_Testing_V1_TestService.ServiceProtocol {
    let inner = InteropTestService()
    let written = Atomic<Int>(0)

    func counting(_ writer: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>)
        -> RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>
    {
        RPCWriter { message in
            try await writer.write(message)
            self.written.add(1, ordering: .relaxed)
        }
    }

    func emptyCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        try await inner.emptyCall(request: request, context: context)
    }
    func unaryCall(request: Clinic_Testing_V1_SimpleRequest, context: ServerContext) async throws -> Clinic_Testing_V1_SimpleResponse {
        try await inner.unaryCall(request: request, context: context)
    }
    func streamingOutputCall(
        request: Clinic_Testing_V1_StreamingOutputCallRequest,
        response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        try await inner.streamingOutputCall(request: request, response: counting(response), context: context)
    }
    func streamingInputCall(request: RPCAsyncSequence<Clinic_Testing_V1_StreamingInputCallRequest>, context: ServerContext)
        async throws -> Clinic_Testing_V1_StreamingInputCallResponse
    {
        try await inner.streamingInputCall(request: request, context: context)
    }
    func fullDuplexCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingOutputCallRequest>,
        response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        try await inner.fullDuplexCall(request: request, response: counting(response), context: context)
    }
    func halfDuplexCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingOutputCallRequest>,
        response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        try await inner.halfDuplexCall(request: request, response: counting(response), context: context)
    }
    func unimplementedCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        try await inner.unimplementedCall(request: request, context: context)
    }
}

/// `UnimplementedService` put to use as a relay: each call makes a downstream call to the
/// sleeping `FullDuplexCall` through `downstream`, so tests can watch deadlines and
/// cancellation travel to calls made inside a handler.
struct RelayService: Clinic_Testing_V1_UnimplementedService.ServiceProtocol {
    let downstream: Clinic_Testing_V1_TestService.Client

    func unimplementedCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        try await downstream.fullDuplexCall { writer in
            var request = Clinic_Testing_V1_StreamingOutputCallRequest()
            var parameters = Clinic_Testing_V1_ResponseParameters()
            parameters.size = 1
            parameters.intervalUs = 600_000_000
            request.responseParameters = [parameters]
            try await writer.write(request)
        } onResponse: { responses in
            for try await _ in responses {}
        }
        return Google_Protobuf_Empty()
    }
}
