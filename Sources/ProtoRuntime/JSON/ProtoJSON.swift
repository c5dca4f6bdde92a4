internal import CProtobufC

/// Translation between protobuf binary and proto3 JSON for any message type, given only its
/// descriptor: what the edge uses to serve JSON without the Swift types, and what the conformance
/// testee runs.
public enum ProtoJSON {
    /// The JSON text of the binary message `binary` of type `descriptor`.
    ///
    /// The bytes pass the same checks as `ProtoMessage(serializedBytes:limits:)` (size, structure,
    /// nesting depth, decoded size, UTF-8, NUL in strings) before protobuf-c unpacks them.
    public static func encode(
        binary: some Collection<UInt8>,
        as descriptor: MessageDescriptor,
        options: JSONEncodingOptions = JSONEncodingOptions(),
        limits: DecodingLimits = .default
    ) throws(ProtoError) -> [UInt8] {
        try withContiguousBytes(binary) { (buffer) throws(ProtoError) -> [UInt8] in
            guard buffer.count <= limits.maxBytes else {
                throw ProtoError(.tooLarge, "message of \(buffer.count) bytes exceeds the limit of \(limits.maxBytes)")
            }
            let message = try CMessageUnpacker.unpack(
                UnsafeRawBufferPointer(buffer), descriptor: descriptor, maxDepth: limits.maxDepth,
                maxDecodedBytes: limits.maxDecodedBytes)
            defer { protobuf_c_message_free_unpacked(message, nil) }
            return try CMessageJSONEncoder.encode(UnsafeRawPointer(message), descriptor: descriptor, options: options)
        }
    }

    /// The protobuf binary encoding of the JSON text `json` read as type `descriptor`.
    public static func decode(
        json: some Collection<UInt8>,
        as descriptor: MessageDescriptor,
        options: JSONDecodingOptions = JSONDecodingOptions()
    ) throws(ProtoError) -> [UInt8] {
        try withContiguousBytes(json) { (buffer) throws(ProtoError) -> [UInt8] in
            var arena = ProtoArena()
            let message = try CMessageJSONDecoder.decode(buffer, descriptor: descriptor, options: options, arena: &arena)
            let packed = message.assumingMemoryBound(to: ProtobufCMessage.self)
            let size = protobuf_c_message_get_packed_size(packed)
            return [UInt8](unsafeUninitializedCapacity: size) { output, count in
                count = protobuf_c_message_pack(packed, output.baseAddress)
            }
        }
    }
}

/// Runs `body` over the bytes of `bytes` in contiguous memory, copying only when the collection
/// does not already store them that way.
func withContiguousBytes<R>(
    _ bytes: some Collection<UInt8>,
    _ body: (UnsafeBufferPointer<UInt8>) throws(ProtoError) -> R
) throws(ProtoError) -> R {
    if let result = bytes.withContiguousStorageIfAvailable({ buffer in
        Result { () throws(ProtoError) -> R in try body(buffer) }
    }) {
        return try result.get()
    }
    let copy = Array(bytes)
    return try copy.withUnsafeBufferPointer { buffer in
        Result { () throws(ProtoError) -> R in try body(buffer) }
    }.get()
}
