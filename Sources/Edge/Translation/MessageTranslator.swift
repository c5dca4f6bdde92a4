import Foundation
import ProtoRuntime
import RPCCore
import WellKnownTypes

/// The proto3 JSON mapping as the edge uses it: JSON request text to protobuf binary, binary
/// responses to JSON, and error details (`google.protobuf.Any`) to JSON, all through the
/// descriptor-driven runtime (no Swift message values are built on the way).
struct MessageTranslator: Sendable {
    let decoding: JSONDecodingOptions
    let encoding: JSONEncodingOptions
    private let anyDescriptor = Google_Protobuf_Any.protoDescriptor

    /// A translator whose registry knows `types` and every message type they reach (for `Any`).
    init(types: [MessageDescriptor], emitDefaultValues: Bool, maxBodyBytes: Int) {
        let registry = TypeRegistry(types)
        decoding = JSONDecodingOptions(ignoreUnknownFields: false, typeRegistry: registry, maxBytes: maxBodyBytes)
        encoding = JSONEncodingOptions(emitDefaultValues: emitDefaultValues, typeRegistry: registry)
    }

    /// The binary encoding of the JSON `json` read as `descriptor`; `prefix` names where the JSON
    /// came from in error messages (a body field, the query string).
    func binary(fromJSON json: some Collection<UInt8>, as descriptor: MessageDescriptor, prefix: String? = nil) throws(EdgeError) -> [UInt8] {
        do {
            return try ProtoJSON.decode(json: json, as: descriptor, options: decoding)
        } catch {
            throw EdgeError.badInput(error, prefix: prefix)
        }
    }

    /// The JSON text of the binary message `binary` of type `descriptor`.
    func json(fromBinary binary: [UInt8], as descriptor: MessageDescriptor) throws(EdgeError) -> [UInt8] {
        do {
            return try ProtoJSON.encode(binary: binary, as: descriptor, options: encoding)
        } catch {
            // The service sent something its own schema rejects: not the HTTP client's fault.
            throw EdgeError(.internal, "the response could not be written as JSON")
        }
    }

    /// An error detail as the proto3 JSON of a `google.protobuf.Any` (`{"@type": ..., fields}`);
    /// a detail of a type the registry does not know keeps its bytes in base64 under `value`.
    func json(of detail: RPCError.Detail) -> JSONNode {
        var any: [UInt8] = []
        ProtoBinary.appendBytes(field: 1, Array(detail.typeURL.utf8), to: &any)
        ProtoBinary.appendBytes(field: 2, detail.value, to: &any)
        if let text = try? ProtoJSON.encode(binary: any, as: anyDescriptor, options: encoding) {
            return .raw(text)
        }
        return .object([("@type", .string(detail.typeURL)), ("value", .string(Data(detail.value).base64EncodedString()))])
    }

    /// The body of an error answer: `{"code": "not_found", "message": "...", "details": [...]}`.
    func body(of error: EdgeError) -> [UInt8] {
        JSONNode.object([
            ("code", .string(error.code.name)),
            ("message", .string(error.message)),
            ("details", .array(error.details.map(json(of:)))),
        ]).utf8
    }
}

/// Protobuf binary pieces the edge writes itself: a field bound from a raw HTTP body, Any values.
enum ProtoBinary {
    /// Appends a length-delimited field (string, bytes or message) numbered `field`.
    static func appendBytes(field: Int32, _ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendVarint(UInt64(field) << 3 | 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}
