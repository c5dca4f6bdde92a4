internal import CProtobufC

extension ProtoMessage {
    /// Decodes protobuf bytes through protobuf-c.
    ///
    /// The size limit and a structural scan (nesting depth, decoded size, UTF-8, NUL in strings)
    /// run before protobuf-c sees a byte: its unpack recurses without a depth bound and truncates
    /// strings at NUL without saying so.
    public init(serializedBytes bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoError) {
        guard bytes.count <= limits.maxBytes else {
            throw ProtoError(.tooLarge, "message of \(bytes.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        self = try ProtoArena.withScratch { (arena) throws(ProtoError) -> Self in
            try arena.withCAllocator { (allocator) throws(ProtoError) -> Self in
                let message = try CMessageUnpacker.unpack(
                    bytes, descriptor: Self.protoDescriptor, maxDepth: limits.maxDepth,
                    maxDecodedBytes: limits.maxDecodedBytes, allocator: allocator)
                // No free_unpacked: the message lives in the arena, which goes as a whole.
                return try Self(_cMessage: UnsafeRawPointer(message))
            }
        }
    }

    /// Encodes the message in the protobuf binary format through protobuf-c.
    public func serializedBytes() throws(ProtoError) -> [UInt8] {
        try ProtoArena.withScratch { (arena) throws(ProtoError) -> [UInt8] in
            let message = try cMessage(in: &arena)
            let size = protobuf_c_message_get_packed_size(message)
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = protobuf_c_message_pack(message, buffer.baseAddress)
            }
        }
    }

    /// Encodes the message and hands the bytes to `body` without copying them into an array.
    public func withSerializedBytes<R, E: Error>(
        _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws -> R {
        var arena = ProtoArena()
        let message = try cMessage(in: &arena)
        let size = protobuf_c_message_get_packed_size(message)
        let buffer = arena.allocateUninitialized(bytes: size)
        let written = protobuf_c_message_pack(message, buffer.assumingMemoryBound(to: UInt8.self))
        return try body(UnsafeRawBufferPointer(start: buffer, count: written))
    }

    /// The encoded size in bytes.
    public func serializedSize() throws(ProtoError) -> Int {
        try ProtoArena.withScratch { (arena) throws(ProtoError) -> Int in
            protobuf_c_message_get_packed_size(try cMessage(in: &arena))
        }
    }

    /// Builds this value's C message in `arena`.
    func cMessage(in arena: inout ProtoArena) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage> {
        let pointer = arena.allocateMessage(Self.protoDescriptor)
        try _writeC(to: pointer, arena: &arena)
        return pointer.assumingMemoryBound(to: ProtobufCMessage.self)
    }
}
