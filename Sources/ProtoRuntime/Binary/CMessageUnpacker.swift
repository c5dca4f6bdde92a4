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
        var budget = maxDecodedBytes
        return try unpack(
            bytes, descriptor: descriptor, maxDepth: maxDepth, budget: &budget, limit: maxDecodedBytes,
            allocator: allocator, validateUTF8: validateUTF8)
    }

    /// `unpack`, drawing the estimated decoded size from `budget` (see `WireScanner.check`), so
    /// several messages decoded for one input (`Any` payloads) share one bound, `limit`.
    static func unpack(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: MessageDescriptor,
        maxDepth: Int,
        budget: inout Int,
        limit: Int,
        allocator: UnsafeMutablePointer<ProtobufCAllocator>? = nil,
        validateUTF8: Bool = true
    ) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage> {
        let message: UnsafeMutablePointer<ProtobufCMessage>?
        let repeatsMessage = try WireScanner.check(
            bytes, descriptor: descriptor, maxDepth: maxDepth, budget: &budget, limit: limit, validateUTF8: validateUTF8)
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

    /// The C message of type `descriptor` decoded from `bytes` into `arena`, for binary decoding
    /// (the caller validates UTF-8 as it copies each string; never `free_unpacked` the result).
    ///
    /// Instead of the Swift wire scanner, one tight pass in C (`cprotobufc_wire_check`) checks
    /// what protobuf-c would mishandle; only input it rejects goes through the scanner, to get
    /// the same typed error as before. The decoded-size bound is the arena allocator's budget:
    /// protobuf-c's allocations (its scratch included) stop at `limits.maxDecodedBytes`.
    static func unpack(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: MessageDescriptor,
        limits: DecodingLimits,
        arena: inout ProtoArena
    ) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage> {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let maxDepth = Int32(clamping: limits.maxDepth)
        let verdict = base.map { cprotobufc_wire_check($0, bytes.count, descriptor.raw, maxDepth) } ?? 0
        if Int(verdict) == CPROTOBUFC_WIRE_REJECTED {
            try WireScanner.check(
                bytes, descriptor: descriptor, maxDepth: limits.maxDepth, maxDecodedBytes: limits.maxDecodedBytes,
                validateUTF8: false)
            // Not expected: the scanner rejects everything the C pass does.
            throw ProtoError(.malformed, "\(descriptor.fullName) is not a valid encoding")
        }
        let message = try arena.withCAllocator(budget: limits.maxDecodedBytes) {
            (allocator) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage>? in
            guard Int(verdict) == CPROTOBUFC_WIRE_REPEATS_MESSAGE else {
                return protobuf_c_message_unpack(descriptor.raw, allocator, bytes.count, base)
            }
            let merged = WireMerger.merged(bytes, descriptor: descriptor)
            return merged.withUnsafeBufferPointer { buffer in
                protobuf_c_message_unpack(descriptor.raw, allocator, buffer.count, buffer.baseAddress)
            }
        }
        guard let message else {
            if arena.budgetExceeded {
                throw ProtoError(
                    .tooLarge, "decoding \(descriptor.fullName) would take more than \(limits.maxDecodedBytes) bytes of memory")
            }
            throw ProtoError(.malformed, "protobuf-c could not decode \(descriptor.fullName)")
        }
        return message
    }
}
