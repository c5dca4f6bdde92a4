internal import CProtobufC

/// A bounds-checked walk over protobuf wire bytes, guided by the message descriptor, that rejects
/// what protobuf-c would mishandle before it unpacks anything:
/// nesting deeper than the limit (protobuf-c recurses without a bound), strings that are not
/// UTF-8 or contain NUL (it truncates at NUL silently), and structurally broken input.
enum WireScanner {
    /// Checks `bytes`; returns whether some message holds a singular message field more than once,
    /// which protobuf-c does not merge as the spec requires (decode through `WireMerger` then).
    /// `maxDecodedBytes` bounds the memory protobuf-c will allocate (see `DecodingLimits`).
    /// `validateUTF8: false` leaves UTF-8 to a caller that validates every string it copies out
    /// (NUL is checked regardless: protobuf-c would cut the string there without a trace).
    @discardableResult
    static func check(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: MessageDescriptor,
        maxDepth: Int,
        maxDecodedBytes: Int = DecodingLimits.default.maxDecodedBytes,
        validateUTF8: Bool = true
    ) throws(ProtoError) -> Bool {
        var budget = maxDecodedBytes
        return try check(
            bytes, descriptor: descriptor, maxDepth: maxDepth, budget: &budget, limit: maxDecodedBytes,
            validateUTF8: validateUTF8)
    }

    /// `check`, drawing the estimated decoded size from `budget` (what is left stays there, for
    /// further messages decoded under the same bound, such as `Any` payloads); `limit` is the
    /// bound the error names.
    @discardableResult
    static func check(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: MessageDescriptor,
        maxDepth: Int,
        budget: inout Int,
        limit: Int,
        validateUTF8: Bool = true
    ) throws(ProtoError) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        var repeatsMessage = false
        try scan(
            base.assumingMemoryBound(to: UInt8.self), count: bytes.count, descriptor: descriptor.raw, depth: 1,
            maxDepth: maxDepth, validateUTF8: validateUTF8, repeatsMessage: &repeatsMessage, budget: &budget)
        guard budget >= 0 else {
            throw ProtoError(
                .tooLarge, "decoding \(descriptor.fullName) would take more than \(limit) bytes of memory")
        }
        return repeatsMessage
    }

    /// The field numbered `number`: straight from the array when fields are numbered 1, 2, 3…
    /// (most messages), by protobuf-c's range search otherwise.
    @inline(__always)
    private static func lookupField(
        _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, number: UInt32
    ) -> UnsafePointer<ProtobufCFieldDescriptor>? {
        if number >= 1, number <= descriptor.pointee.n_fields {
            let candidate = descriptor.pointee.fields + Int(number &- 1)
            if candidate.pointee.id == number { return candidate }
        }
        return protobuf_c_message_descriptor_get_field(descriptor, number)
    }

    /// Memory protobuf-c allocates for one unknown field: its record, a copy of the data, and
    /// allocator overhead (the Swift copy costs about as much again).
    private static func unknownFieldCost(_ size: Int) -> Int { 64 + size }

    /// Memory for one value of a known field outside a message payload: an array slot at most.
    private static func scalarCost(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> Int {
        switch field.pointee.type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_UINT64,
            PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            8
        default:
            4
        }
    }

    private static func scan(
        _ start: UnsafePointer<UInt8>,
        count: Int,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        depth: Int,
        maxDepth: Int,
        validateUTF8: Bool,
        repeatsMessage: inout Bool,
        budget: inout Int
    ) throws(ProtoError) {
        guard depth <= maxDepth else {
            throw ProtoError(.tooDeep, "messages nested deeper than \(maxDepth) levels")
        }
        // Singular message fields seen at this level, by field index (the first 64 in a bit set).
        var seenMessages: UInt64 = 0
        // Optional, so the common case (fewer than 64 fields) creates and destroys nothing.
        var seenMessagesBeyond64: Set<Int>?
        var position = 0
        while position < count {
            let key = try readVarint(start, count: count, position: &position)
            let fieldNumber = key >> 3
            guard fieldNumber > 0, fieldNumber <= 0x1FFF_FFFF else {
                throw ProtoError(.malformed, "invalid field number \(fieldNumber)")
            }
            // Once over budget, stop: the caller reports it.
            guard budget >= 0 else { return }
            switch key & 7 {
            case 0, 1, 5:
                let valueStart = position
                switch key & 7 {
                case 0: _ = try readVarint(start, count: count, position: &position)
                case 1: try skip(8, count: count, position: &position)
                default: try skip(4, count: count, position: &position)
                }
                if let field = lookupField(descriptor, number: UInt32(fieldNumber)) {
                    budget -= scalarCost(field)
                } else {
                    budget -= unknownFieldCost(position - valueStart)
                }
            case 2:
                let length = try readVarint(start, count: count, position: &position)
                guard length <= UInt64(count - position) else {
                    throw ProtoError(.truncated, "length-delimited field \(fieldNumber) runs past the end")
                }
                let payload = start + position
                let size = Int(length)
                position += size
                guard let field = lookupField(descriptor, number: UInt32(fieldNumber)) else {
                    // Unknown field: kept as raw bytes by protobuf-c, never recursed into.
                    budget -= unknownFieldCost(size)
                    continue
                }
                switch field.pointee.type {
                case PROTOBUF_C_TYPE_MESSAGE:
                    if field.pointee.label != PROTOBUF_C_LABEL_REPEATED && !repeatsMessage {
                        let index = descriptor.pointee.fields.distance(to: field)
                        if index < 64 {
                            repeatsMessage = seenMessages & (1 << index) != 0
                            seenMessages |= 1 << index
                        } else {
                            var seen = seenMessagesBeyond64 ?? []
                            repeatsMessage = !seen.insert(index).inserted
                            seenMessagesBeyond64 = seen
                        }
                    }
                    let nested = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    // The struct, and the pointer to it in the parent.
                    budget -= Int(nested.pointee.sizeof_message) + 8
                    try scan(
                        payload, count: size, descriptor: nested, depth: depth + 1, maxDepth: maxDepth,
                        validateUTF8: validateUTF8, repeatsMessage: &repeatsMessage, budget: &budget)
                case PROTOBUF_C_TYPE_STRING:
                    try checkString(payload, count: size, field: field, validateUTF8: validateUTF8)
                    budget -= size + 1 + 8
                case PROTOBUF_C_TYPE_BYTES:
                    budget -= size + 16
                default:
                    // A packed repeated scalar: at most one value per byte.
                    budget -= size * scalarCost(field)
                }
            case 3, 4:
                throw ProtoError(.unsupported, "group fields (wire types 3 and 4) are not supported")
            default:
                throw ProtoError(.malformed, "invalid wire type \(key & 7) for field \(fieldNumber)")
            }
        }
    }

    private static func checkString(
        _ start: UnsafePointer<UInt8>,
        count: Int,
        field: UnsafePointer<ProtobufCFieldDescriptor>,
        validateUTF8: Bool
    ) throws(ProtoError) {
        guard count > 0 else { return }
        let bytes = UnsafeBufferPointer(start: start, count: count)
        let verdict = validateUTF8 ? UTF8Validation.classify(bytes) : UTF8Validation.containsNUL(bytes) ? .containsNUL : .valid
        switch verdict {
        case .valid:
            return
        case .containsNUL:
            throw ProtoError(
                .unsupported, "string contains NUL, which protobuf-c cannot carry",
                fieldPath: String(cString: field.pointee.name))
        case .invalid:
            throw ProtoError(.invalidUTF8, "string is not valid UTF-8", fieldPath: String(cString: field.pointee.name))
        }
    }

    /// A varint; the one-byte case (most tags and small values) takes no loop.
    @inline(__always)
    private static func readVarint(
        _ start: UnsafePointer<UInt8>,
        count: Int,
        position: inout Int
    ) throws(ProtoError) -> UInt64 {
        if position < count, start[position] < 0x80 {
            position &+= 1
            return UInt64(start[position &- 1])
        }
        return try readLongVarint(start, count: count, position: &position)
    }

    private static func readLongVarint(
        _ start: UnsafePointer<UInt8>,
        count: Int,
        position: inout Int
    ) throws(ProtoError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        // Ten bytes at hand (the longest varint): no bounds check per byte.
        if count &- position >= 10 {
            for offset in 0..<10 {
                let byte = start[position &+ offset]
                result |= UInt64(byte & 0x7F) &<< shift
                if byte < 0x80 {
                    if offset == 9 && byte > 1 { break }
                    position &+= offset &+ 1
                    return result
                }
                shift &+= 7
            }
            throw ProtoError(.malformed, "varint overflows 64 bits")
        }
        while position < count {
            let byte = start[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw ProtoError(.malformed, "varint overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw ProtoError(.truncated, "input ends inside a varint")
    }

    private static func skip(_ size: Int, count: Int, position: inout Int) throws(ProtoError) {
        guard count - position >= size else {
            throw ProtoError(.truncated, "input ends inside a fixed-width field")
        }
        position += size
    }
}
