internal import CProtobufC

/// protobuf-c's unpack behind the checks and repairs it needs, shared by binary decoding and the
/// JSON mapping (which unpacks binary input and `Any` payloads).
enum CMessageUnpacker {
    /// The unpacked C message of type `descriptor`; free it with `protobuf_c_message_free_unpacked`
    /// and the same `allocator` (none needed for an arena's, which frees nothing).
    ///
    /// The wire scanner runs first (structure, depth, decoded size, NUL in strings, and UTF-8 unless
    /// `validateUTF8` is false because the caller validates what it copies); input that repeats a
    /// singular message field is merged on the wire first, since protobuf-c merges those wrongly.
    static func unpack(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: MessageDescriptor,
        maxDepth: Int,
        maxDecodedBytes: Int = DecodingLimits.default.maxDecodedBytes,
        allocator: UnsafeMutablePointer<ProtobufCAllocator>? = nil,
        validateUTF8: Bool = true
    ) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage> {
        let message: UnsafeMutablePointer<ProtobufCMessage>?
        let repeatsMessage = try WireScanner.check(
            bytes, descriptor: descriptor, maxDepth: maxDepth, maxDecodedBytes: maxDecodedBytes, validateUTF8: validateUTF8)
        if repeatsMessage {
            let merged = WireMerger.merged(bytes, descriptor: descriptor)
            message = merged.withUnsafeBufferPointer { buffer in
                protobuf_c_message_unpack(descriptor.raw, allocator, buffer.count, buffer.baseAddress)
            }
        } else {
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            message = protobuf_c_message_unpack(descriptor.raw, allocator, bytes.count, base)
        }
        guard let message else {
            throw ProtoError(.malformed, "protobuf-c could not decode \(descriptor.fullName)")
        }
        return message
    }
}
