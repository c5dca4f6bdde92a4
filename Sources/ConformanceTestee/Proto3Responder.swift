import ConformanceProtos
import ProtoRuntime

/// Answers requests for `TestAllTypesProto3` through its generated Swift type, the way an
/// application uses the runtime: protobuf-c for the binary format, the runtime's proto3 JSON
/// mapping for JSON.
enum Proto3Responder {
    typealias Message = ProtobufTestMessages_Proto3_TestAllTypesProto3

    /// The types an `Any` may hold in the tests: the test message and every type it reaches,
    /// plus the well-known types (always registered).
    static let registry = TypeRegistry([Message.protoDescriptor])

    /// Parses the payload, then writes the message in the requested format.
    static func result(for request: Conformance_ConformanceRequest) -> Conformance_ConformanceResponse.OneOf_Result {
        // Formats the testee does not implement are skipped before anything is parsed.
        switch request.payload {
        case .textPayload?: return .skipped("text format input is not supported")
        case .jspbPayload?: return .skipped("JSPB input is not supported")
        case nil: return .runtimeError("the request has no payload")
        case .protobufPayload?, .jsonPayload?: break
        }
        switch request.requestedOutputFormat {
        case .textFormat: return .skipped("text format output is not supported")
        case .jspb: return .skipped("JSPB output is not supported")
        case .protobuf, .json: break
        case .unspecified, .UNRECOGNIZED: return .runtimeError("the request names no output format")
        }

        let message: Message
        do throws(ProtoError) {
            message = try parse(request)
        } catch {
            return .parseError(error.description)
        }
        do throws(ProtoError) {
            if request.requestedOutputFormat == .json {
                return .jsonPayload(try message.jsonString(options: JSONEncodingOptions(typeRegistry: registry)))
            }
            return .protobufPayload(try message.serializedBytes())
        } catch {
            return .serializeError(error.description)
        }
    }

    /// The message in a protobuf or JSON payload. JSON_IGNORE_UNKNOWN_PARSING_TEST requests skip
    /// unknown members (and unknown enum names) instead of failing on them.
    private static func parse(_ request: Conformance_ConformanceRequest) throws(ProtoError) -> Message {
        switch request.payload {
        case .protobufPayload(let bytes)?:
            return try Message(serializedBytes: bytes)
        case .jsonPayload(let text)?:
            let options = JSONDecodingOptions(
                ignoreUnknownFields: request.testCategory == .jsonIgnoreUnknownParsingTest,
                typeRegistry: registry)
            return try Message(jsonString: text, options: options)
        default:
            // result(for:) answers every other payload before parsing.
            throw ProtoError(.unsupported, "unsupported payload")
        }
    }
}
