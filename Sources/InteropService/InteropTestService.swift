public import ClinicAPI
public import RPCCore
public import WellKnownTypes

/// The gRPC interop `TestService` (Protos/clinic/testing/v1/test.proto), as the interop
/// scenarios and the benchmarks expect it: payloads of zero bytes of the requested sizes,
/// requested statuses (message byte for byte), echoed metadata, and the caller's certificate
/// identity as `username`.
///
/// Metadata echo, as in grpc's interop server: the request's `x-grpc-test-echo-initial` comes
/// back in the initial metadata and `x-grpc-test-echo-trailing-bin` in the trailing metadata.
public struct InteropTestService: Clinic_Testing_V1_TestService.ServiceProtocol {
    /// Echoed into the initial metadata.
    public static let echoInitialKey = "x-grpc-test-echo-initial"
    /// Echoed into the trailing metadata.
    public static let echoTrailingKey = "x-grpc-test-echo-trailing-bin"

    /// A value for `SimpleResponse.server_id`.
    public let serverID: String

    public init(serverID: String = "clinic-interop") {
        self.serverID = serverID
    }

    public func emptyCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        echoMetadata(context)
        return Google_Protobuf_Empty()
    }

    public func unaryCall(request: Clinic_Testing_V1_SimpleRequest, context: ServerContext) async throws
        -> Clinic_Testing_V1_SimpleResponse
    {
        echoMetadata(context)
        if let status = request.responseStatus, status.code != 0 { throw Self.error(status) }
        var response = Clinic_Testing_V1_SimpleResponse()
        response.payload = try Self.payload(size: request.responseSize, field: "response_size")
        if request.fillUsername { response.username = context.peer.identity ?? "" }
        if request.fillServerId { response.serverId = serverID }
        return response
    }

    public func streamingOutputCall(
        request: Clinic_Testing_V1_StreamingOutputCallRequest,
        response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        try await respond(to: request, with: response)
        if let status = request.responseStatus, status.code != 0 { throw Self.error(status) }
    }

    public func streamingInputCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingInputCallRequest>, context: ServerContext
    ) async throws -> Clinic_Testing_V1_StreamingInputCallResponse {
        echoMetadata(context)
        var total = 0
        for try await message in request { total += message.payload?.body.count ?? 0 }
        var response = Clinic_Testing_V1_StreamingInputCallResponse()
        response.aggregatedPayloadSize = Int32(clamping: total)
        return response
    }

    public func fullDuplexCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingOutputCallRequest>,
        response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        for try await message in request {
            if let status = message.responseStatus, status.code != 0 { throw Self.error(status) }
            try await respond(to: message, with: response)
        }
    }

    public func halfDuplexCall(
        request: RPCAsyncSequence<Clinic_Testing_V1_StreamingOutputCallRequest>,
        response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        var buffered: [Clinic_Testing_V1_StreamingOutputCallRequest] = []
        for try await message in request { buffered.append(message) }
        for message in buffered {
            if let status = message.responseStatus, status.code != 0 { throw Self.error(status) }
            try await respond(to: message, with: response)
        }
    }

    public func unimplementedCall(request: Google_Protobuf_Empty, context: ServerContext) async throws -> Google_Protobuf_Empty {
        throw RPCError(code: .unimplemented, message: "clinic.testing.v1.TestService/UnimplementedCall is not implemented")
    }

    // MARK: Helpers

    private func respond(
        to request: Clinic_Testing_V1_StreamingOutputCallRequest,
        with response: RPCWriter<Clinic_Testing_V1_StreamingOutputCallResponse>
    ) async throws {
        for (index, parameters) in request.responseParameters.enumerated() {
            if parameters.intervalUs > 0 {
                // Cancelled (deadline, client cancel) → CancellationError → the runtime's status.
                try await Task.sleep(for: .microseconds(Int64(parameters.intervalUs)))
            }
            var message = Clinic_Testing_V1_StreamingOutputCallResponse()
            message.payload = try Self.payload(size: parameters.size, field: "response_parameters[\(index)].size")
            try await response.write(message)
        }
    }

    private func echoMetadata(_ context: ServerContext) {
        for value in context.requestMetadata.values(of: Self.echoInitialKey) {
            if case .text(let text) = value { context.response.initial.add(Self.echoInitialKey, text) }
        }
        for value in context.requestMetadata.values(of: Self.echoTrailingKey) {
            if case .binary(let bytes) = value { context.response.trailing.add(Self.echoTrailingKey, binary: bytes) }
        }
    }

    private static func payload(size: Int32, field: String) throws(RPCError) -> Clinic_Testing_V1_Payload {
        guard size >= 0 else { throw RPCError(code: .invalidArgument, message: "\(field): must not be negative") }
        var payload = Clinic_Testing_V1_Payload()
        payload.body = [UInt8](repeating: 0, count: Int(size))
        return payload
    }

    private static func error(_ status: Clinic_Testing_V1_EchoStatus) -> RPCError {
        RPCError(code: RPCError.Code(wireValue: Int(status.code)), message: status.message)
    }
}
