import ConformanceProtos
import ProtoRuntime

/// Turns one serialized `ConformanceRequest` into a serialized `ConformanceResponse`.
///
/// It never throws and never traps: every failure becomes one of the response's error cases, so
/// one bad request cannot take the testee (and the rest of the run) down.
enum RequestHandler {
    /// The proto3 test message, the one the testee supports.
    static let proto3MessageType = "protobuf_test_messages.proto3.TestAllTypesProto3"
    /// The proto2 test message: protoc-c 1.4.1 crashes on its `group` fields, so it is skipped.
    static let proto2MessageType = "protobuf_test_messages.proto2.TestAllTypesProto2"
    /// The runner's first request asks for the tests expected to fail.
    static let failureSetMessageType = "conformance.FailureSet"

    // The request wraps the payload as bytes or a string, so only its size needs a bound.
    private static let requestLimits = DecodingLimits(maxBytes: Frame.maxPayloadSize)

    /// The serialized response to the serialized request `bytes`.
    static func response(forRequest bytes: [UInt8]) -> [UInt8] {
        let request: Conformance_ConformanceRequest
        do throws(ProtoError) {
            request = try Conformance_ConformanceRequest(serializedBytes: bytes, limits: requestLimits)
        } catch {
            return runtimeError("the ConformanceRequest does not decode: \(error)")
        }
        return serialize(result(for: request))
    }

    /// The answer to a decoded request.
    static func result(for request: Conformance_ConformanceRequest) -> Conformance_ConformanceResponse.OneOf_Result {
        switch request.messageType {
        case failureSetMessageType:
            // No test is expected to fail: an empty FailureSet.
            do throws(ProtoError) {
                return .protobufPayload(try Conformance_FailureSet().serializedBytes())
            } catch {
                return .runtimeError("cannot encode the FailureSet: \(error)")
            }
        case proto2MessageType:
            return .skipped("proto2 is not supported: protoc-c 1.4.1 cannot compile TestAllTypesProto2 (group fields)")
        case proto3MessageType:
            return Proto3Responder.result(for: request)
        default:
            return .runtimeError("unknown message type \"\(request.messageType)\"")
        }
    }

    /// A serialized response carrying `runtime_error`.
    static func runtimeError(_ message: String) -> [UInt8] {
        serialize(.runtimeError(message))
    }

    /// The response as bytes. Messages are made safe for protobuf-c first (they may quote input,
    /// which can hold NUL); should encoding still fail, a fixed runtime error is sent instead.
    private static func serialize(_ result: Conformance_ConformanceResponse.OneOf_Result) -> [UInt8] {
        var response = Conformance_ConformanceResponse()
        response.result = sanitized(result)
        if let bytes = try? response.serializedBytes() { return bytes }
        response.result = .runtimeError("the testee could not encode its response")
        // Force-unwrap: a response with a fixed ASCII message always encodes.
        return try! response.serializedBytes()
    }

    private static func sanitized(_ result: Conformance_ConformanceResponse.OneOf_Result) -> Conformance_ConformanceResponse.OneOf_Result {
        switch result {
        case .parseError(let text): .parseError(withoutNUL(text))
        case .serializeError(let text): .serializeError(withoutNUL(text))
        case .runtimeError(let text): .runtimeError(withoutNUL(text))
        case .skipped(let text): .skipped(withoutNUL(text))
        default: result
        }
    }

    /// `text` with each NUL replaced by U+FFFD: protobuf-c strings end at NUL.
    private static func withoutNUL(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value == 0 ? "\u{FFFD}" : $0 }))
    }
}
