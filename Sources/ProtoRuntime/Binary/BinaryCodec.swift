internal import CProtobufC

/// The non-generic halves of binary encoding and decoding.
///
/// The generic entry points on `ProtoMessage` are inlinable and only pass closures here, so each
/// generated module gets them specialized for its types: generic code run unspecialized looks up
/// type metadata on every call, which costs more than decoding a small message.
@usableFromInline
enum BinaryCodec {
    /// Checks `bytes` against `limits`, unpacks them with protobuf-c into a scratch arena, and
    /// hands the C message to `read`, which must copy what it needs before returning.
    @usableFromInline
    static func decode(
        _ bytes: UnsafeRawBufferPointer,
        as descriptor: MessageDescriptor,
        limits: DecodingLimits,
        _ read: (UnsafeRawPointer) throws(ProtoError) -> Void
    ) throws(ProtoError) {
        guard bytes.count <= limits.maxBytes else {
            throw ProtoError(.tooLarge, "message of \(bytes.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        try ProtoArena.withScratch { (arena) throws(ProtoError) in
            try arena.withCAllocator { (allocator) throws(ProtoError) in
                let message = try CMessageUnpacker.unpack(
                    bytes, descriptor: descriptor, maxDepth: limits.maxDepth,
                    maxDecodedBytes: limits.maxDecodedBytes, allocator: allocator,
                    // Generated readers validate UTF-8 as they copy each string; checking it
                    // on the wire as well would read every string twice.
                    validateUTF8: false)
                // No free_unpacked: the message lives in the arena, which goes as a whole.
                try read(UnsafeRawPointer(message))
            }
        }
    }

    /// The encoding of the message that `write` builds in a scratch arena.
    @usableFromInline
    static func encode(
        _ descriptor: MessageDescriptor,
        _ write: (UnsafeMutableRawPointer, inout ProtoArena) throws(ProtoError) -> Void
    ) throws(ProtoError) -> [UInt8] {
        try ProtoArena.withScratch { (arena) throws(ProtoError) -> [UInt8] in
            let message = arena.allocateMessage(descriptor)
            try write(message, &arena)
            let packed = message.assumingMemoryBound(to: ProtobufCMessage.self)
            let size = protobuf_c_message_get_packed_size(packed)
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = protobuf_c_message_pack(packed, buffer.baseAddress)
            }
        }
    }

    /// The encoded size of the message that `write` builds in a scratch arena.
    @usableFromInline
    static func encodedSize(
        _ descriptor: MessageDescriptor,
        _ write: (UnsafeMutableRawPointer, inout ProtoArena) throws(ProtoError) -> Void
    ) throws(ProtoError) -> Int {
        try ProtoArena.withScratch { (arena) throws(ProtoError) -> Int in
            let message = arena.allocateMessage(descriptor)
            try write(message, &arena)
            return protobuf_c_message_get_packed_size(message.assumingMemoryBound(to: ProtobufCMessage.self))
        }
    }
}
