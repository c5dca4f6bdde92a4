internal import CProtobufC

extension ProtoMessage {
    /// Decodes protobuf bytes through protobuf-c.
    ///
    /// The size limit and a structural scan (nesting depth, decoded size, UTF-8, NUL in strings)
    /// run before protobuf-c sees a byte: its unpack recurses without a depth bound and truncates
    /// strings at NUL without saying so.
    @inlinable
    public init(serializedBytes bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(ProtoError) {
        self.init()
        try BinaryCodec.decode(bytes, as: Self.protoDescriptor, limits: limits) { (message) throws(ProtoError) in
            try self._readC(message)
        }
    }

    /// Decodes protobuf bytes through protobuf-c, as the buffer form does, without the generic
    /// form's `Optional<Self>` (whose metadata is looked up on every call).
    @inlinable
    public init(serializedBytes bytes: [UInt8], limits: DecodingLimits) throws(ProtoError) {
        self.init()
        // withUnsafeBytes only rethrows untyped errors, so the typed one travels beside it.
        var failure: ProtoError?
        bytes.withUnsafeBytes { buffer in
            do throws(ProtoError) {
                try BinaryCodec.decode(buffer, as: Self.protoDescriptor, limits: limits) { (message) throws(ProtoError) in
                    try self._readC(message)
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Encodes the message in the protobuf binary format through protobuf-c.
    @inlinable
    public func serializedBytes() throws(ProtoError) -> [UInt8] {
        try BinaryCodec.encode(Self.protoDescriptor, tracksSize: Self._keepsPackedSizeBound) {
            (pointer, arena) throws(ProtoError) in
            try _writeC(to: pointer, arena: &arena)
        }
    }

    /// Encodes the message and hands the bytes to `body` without copying them into an array.
    public func withSerializedBytes<R, E: Error>(
        _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws -> R {
        var arena = ProtoArena()
        let message = try cMessage(in: &arena)
        let size = Self._keepsPackedSizeBound ? arena.packedSizeBound : protobuf_c_message_get_packed_size(message)
        assert(protobuf_c_message_get_packed_size(message) <= size, "packed-size bound too small")
        let buffer = arena.allocateUninitialized(bytes: size)
        let written = protobuf_c_message_pack(message, buffer.assumingMemoryBound(to: UInt8.self))
        return try body(UnsafeRawBufferPointer(start: buffer, count: written))
    }

    /// The encoded size in bytes.
    @inlinable
    public func serializedSize() throws(ProtoError) -> Int {
        try BinaryCodec.encodedSize(Self.protoDescriptor) { (pointer, arena) throws(ProtoError) in
            try _writeC(to: pointer, arena: &arena)
        }
    }

    /// The bound of the packed size that encoding sizes its output by, and protobuf-c's exact
    /// size (`bound >= size` must hold for every message; tests check it).
    @inlinable
    package func _packedSizeAndBound() throws(ProtoError) -> (size: Int, bound: Int) {
        try BinaryCodec.packedSizeAndBound(Self.protoDescriptor) { (pointer, arena) throws(ProtoError) in
            try _writeC(to: pointer, arena: &arena)
        }
    }

    /// Builds this value's C message in `arena`.
    func cMessage(in arena: inout ProtoArena) throws(ProtoError) -> UnsafeMutablePointer<ProtobufCMessage> {
        let pointer = arena.allocateMessage(Self.protoDescriptor)
        try _writeC(to: pointer, arena: &arena)
        return pointer.assumingMemoryBound(to: ProtobufCMessage.self)
    }
}
