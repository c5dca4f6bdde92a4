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
            let message = try CMessageUnpacker.unpack(bytes, descriptor: descriptor, limits: limits, arena: &arena)
            // No free_unpacked: the message lives in the arena, which goes as a whole.
            try read(UnsafeRawPointer(message))
        }
    }

    /// The encoding of the message that `write` builds in a scratch arena.
    ///
    /// With `tracksSize` (generated messages: their `_writeC` keeps `ProtoArena`'s packed-size
    /// bound), the output is sized by that bound and packed in one pass, without protobuf-c's
    /// `get_packed_size` walk (which measures every string with `strlen` before `pack` does it
    /// again). protobuf-c's `pack` checks no bounds, so the bound must hold: debug builds check it
    /// against `get_packed_size` on every encode.
    @usableFromInline
    static func encode(
        _ descriptor: MessageDescriptor,
        tracksSize: Bool,
        _ write: (UnsafeMutableRawPointer, inout ProtoArena) throws(ProtoError) -> Void
    ) throws(ProtoError) -> [UInt8] {
        try ProtoArena.withScratch { (arena) throws(ProtoError) -> [UInt8] in
            let message = arena.allocateMessage(descriptor)
            try write(message, &arena)
            let packed = message.assumingMemoryBound(to: ProtobufCMessage.self)
            guard tracksSize else {
                let size = protobuf_c_message_get_packed_size(packed)
                return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    count = protobuf_c_message_pack(packed, buffer.baseAddress)
                }
            }
            let bound = arena.packedSizeBound
            assert(
                protobuf_c_message_get_packed_size(packed) <= bound,
                "packed-size bound \(bound) below protobuf-c's size for \(descriptor.fullName)")
            if bound <= smallOutput {
                // Pack into the arena (scratch memory, usually), then one exact copy: cheaper than
                // sizing an array first (`Array(unsafeUninitializedCapacity:)` looks up the array
                // type's metadata on every call) and no spare capacity in the result.
                let buffer = arena.allocateUninitialized(bytes: bound).assumingMemoryBound(to: UInt8.self)
                let written = protobuf_c_message_pack(packed, buffer)
                return [UInt8](UnsafeBufferPointer(start: buffer, count: written))
            }
            let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                count = protobuf_c_message_pack(packed, buffer.baseAddress)
            }
            // The bound counts widest varints: keep at most a quarter of spare capacity.
            return output.count >= bound - bound / 4 ? output : [UInt8](output)
        }
    }

    /// Largest bound packed into the arena and copied out.
    private static let smallOutput = 8 * 1024

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

    /// The packed-size bound that encoding uses and protobuf-c's exact size, for tests of the bound.
    @usableFromInline
    static func packedSizeAndBound(
        _ descriptor: MessageDescriptor,
        _ write: (UnsafeMutableRawPointer, inout ProtoArena) throws(ProtoError) -> Void
    ) throws(ProtoError) -> (size: Int, bound: Int) {
        try ProtoArena.withScratch { (arena) throws(ProtoError) -> (size: Int, bound: Int) in
            let message = arena.allocateMessage(descriptor)
            try write(message, &arena)
            let size = protobuf_c_message_get_packed_size(message.assumingMemoryBound(to: ProtobufCMessage.self))
            return (size, arena.packedSizeBound)
        }
    }
}
