internal import CProtobufC

/// Translation between protobuf binary and proto3 JSON for any message type, given only its
/// descriptor: what the edge uses to serve JSON without the Swift types, and what the conformance
/// testee runs.
public enum ProtoJSON {
    /// The JSON text of the binary message `binary` of type `descriptor`.
    ///
    /// The bytes pass the same checks as `ProtoMessage(serializedBytes:limits:)` (size, structure,
    /// nesting depth, decoded size, UTF-8, NUL in strings) before protobuf-c unpacks them;
    /// `limits.maxDecodedBytes` bounds the message and the `Any` payloads in it together.
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
            // One bound for the message and every Any payload in it (those are unpacked as the
            // encoder reaches them).
            var budget = limits.maxDecodedBytes
            let message = try CMessageUnpacker.unpack(
                UnsafeRawBufferPointer(buffer), descriptor: descriptor, maxDepth: limits.maxDepth,
                budget: &budget, limit: limits.maxDecodedBytes)
            defer { protobuf_c_message_free_unpacked(message, nil) }
            return try CMessageJSONEncoder.encode(
                UnsafeRawPointer(message), descriptor: descriptor, options: options, decodedBudget: budget,
                decodedLimit: limits.maxDecodedBytes)
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
            // protobuf-c's pack drops a -0.0 held by a presence-free float or double; the binary
            // path re-adds those field by field (`keepNegativeZero`), this one by descriptor.
            arena.keepNegativeZeros(in: message, descriptor: descriptor, maxDepth: options.maxDepth)
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
