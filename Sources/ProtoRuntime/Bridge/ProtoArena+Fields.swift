internal import CProtobufC

/// Field values in the arena: what generated `_writeC` calls to fill a C struct.
extension ProtoArena {
    /// The C message of `value`, built in this arena, typed as its protobuf-c struct `C`.
    @inlinable
    public mutating func message<M: ProtoMessage, C>(_ value: M, as type: C.Type) throws(ProtoError) -> UnsafeMutablePointer<C> {
        let pointer = allocateMessage(M.protoDescriptor)
        try value._writeC(to: pointer, arena: &self)
        return pointer.assumingMemoryBound(to: C.self)
    }

    /// The C message of `value`, built in this arena, its struct `C` set up by protoc-c's
    /// `initializer` (`xxx__init`).
    @inlinable
    public mutating func message<M: ProtoMessage, C>(
        _ value: M, as type: C.Type, initializer: (UnsafeMutablePointer<C>?) -> Void
    ) throws(ProtoError) -> UnsafeMutablePointer<C> {
        let pointer = uninitialized(C.self)
        initializer(pointer)
        try value._writeC(to: pointer, arena: &self)
        return pointer
    }

    /// A NUL-terminated copy of `string` for a `char *` field (its length and length prefix go
    /// into the packed-size bound).
    ///
    /// Throws for a string holding NUL: protobuf-c measures strings with `strlen` and would silently
    /// cut it there. Never protobuf-c's shared empty string: pack treats a oneof or optional string
    /// pointing at it as unset, and an empty oneof string must still be written.
    @inlinable @inline(__always)
    public mutating func cString(_ string: String) throws(ProtoError) -> UnsafeMutablePointer<CChar> {
        // The copy does not throw: across a throwing call the caller keeps its own retained copy
        // of a string read out of an array or dictionary, which costs more than copying it.
        guard let pointer = cStringIfClean(string) else { throw Self.nulInString() }
        return pointer
    }

    /// `cString`, or nil for a string holding NUL (`withContiguousStorageIfAvailable` never
    /// fails here: see the branch for bridged strings).
    @usableFromInline
    mutating func cStringIfClean(_ string: String) -> UnsafeMutablePointer<CChar>? {
        #if _runtime(_ObjC)
        // Bridged strings may have no contiguous UTF-8; without Objective-C interop every String
        // has (native and small strings), and this branch does not exist.
        if _slowPath(!string.isContiguousUTF8) { return foreignCString(string) }
        #endif
        let count = string.utf8.count
        let target = allocateUninitialized(bytes: count &+ 1)
        packedSizeBound &+= count &+ Self.varintSize(UInt64(truncatingIfNeeded: count))
        // The UTF-8 is read in place. Nothing uses `string` after this closure (a fallback that
        // did would make the compiler retain and release the string around the read).
        let clean = string.utf8.withContiguousStorageIfAvailable { utf8 in
            Self.copyWithoutNUL(UnsafeRawBufferPointer(utf8), to: target)
        }
        guard clean == true else { return nil }
        target.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        return target.assumingMemoryBound(to: CChar.self)
    }

    /// `cString` for a bridged string: its UTF-8 copied out first.
    @inline(never)
    mutating func foreignCString(_ string: String) -> UnsafeMutablePointer<CChar>? {
        let utf8 = Array(string.utf8)
        let target = allocateUninitialized(bytes: utf8.count &+ 1)
        packedSizeBound &+= utf8.count &+ Self.varintSize(UInt64(truncatingIfNeeded: utf8.count))
        guard utf8.withUnsafeBytes({ Self.copyWithoutNUL($0, to: target) }) else { return nil }
        target.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
        return target.assumingMemoryBound(to: CChar.self)
    }

    /// Why `cStringIfClean` refused a string (the string itself is not passed: see `cString`).
    @usableFromInline @inline(never)
    static func nulInString() -> ProtoError {
        ProtoError(.unsupported, "strings cannot contain NUL (protobuf-c stores C strings)")
    }

    /// The bytes a varint of `value` takes (1 to 10).
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // 7 bits a byte: bits needed (at least 1), rounded up to sevens.
        let bits = 64 &- (value | 1).leadingZeroBitCount
        return (bits &+ 6) / 7
    }

    /// Copies `source` to `target`; false when it holds a NUL (checked eight bytes at a time).
    @inline(__always)
    static func copyWithoutNUL(_ source: UnsafeRawBufferPointer, to target: UnsafeMutableRawPointer) -> Bool {
        guard let base = source.baseAddress else { return true }
        let count = source.count
        if count >= 8, count <= 16 {
            // Most identifiers and keys: two overlapping words, no memcpy call and no loop. The
            // arena rounds allocations up to 8 bytes, so the second store stays inside `target`.
            let head = base.loadUnaligned(as: UInt64.self)
            let tail = base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
            let zero = ((head &- 0x0101_0101_0101_0101) & ~head) | ((tail &- 0x0101_0101_0101_0101) & ~tail)
            return zero & 0x8080_8080_8080_8080 == 0
        }
        guard count >= 8 else {
            var sawNUL = false
            for index in 0..<count {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                sawNUL = sawNUL || byte == 0
                target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
            }
            return !sawNUL
        }
        // A zero byte sets its high bit in (word - 0x01…) & ~word; OR all words, the tail as one
        // more word overlapping bytes already seen. Up to a few hundred bytes the words are copied
        // as they are checked (no memcpy call); longer strings go through memcpy first.
        var zero: UInt64 = 0
        var index = 0
        if count <= 256 {
            while index &+ 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                zero |= (word &- 0x0101_0101_0101_0101) & ~word
                index &+= 8
            }
        } else {
            target.copyMemory(from: base, byteCount: count)
            while index &+ 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                zero |= (word &- 0x0101_0101_0101_0101) & ~word
                index &+= 8
            }
        }
        let tail = base.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        target.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        zero |= (tail &- 0x0101_0101_0101_0101) & ~tail
        return zero & 0x8080_8080_8080_8080 == 0
    }

    /// A copy of `bytes` for a `ProtobufCBinaryData` field: (length, data or nil when empty).
    public mutating func bytes(_ bytes: [UInt8]) -> (count: Int, data: UnsafeMutablePointer<UInt8>?) {
        packedSizeBound &+= bytes.count &+ Self.varintSize(UInt64(truncatingIfNeeded: bytes.count))
        guard !bytes.isEmpty else { return (0, nil) }
        let target = allocateUninitialized(bytes: bytes.count).bindMemory(to: UInt8.self, capacity: bytes.count)
        // Force-unwrap: a non-empty array has storage.
        bytes.withUnsafeBufferPointer { target.initialize(from: $0.baseAddress!, count: $0.count) }
        return (bytes.count, target)
    }

    /// A copy of `bytes` (nil when empty), counted in no bound.
    private mutating func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8>? {
        guard !bytes.isEmpty else { return nil }
        let target = allocateUninitialized(bytes: bytes.count).bindMemory(to: UInt8.self, capacity: bytes.count)
        // Force-unwrap: a non-empty array has storage.
        bytes.withUnsafeBufferPointer { target.initialize(from: $0.baseAddress!, count: $0.count) }
        return target
    }

    /// A C array holding `values`, for a repeated scalar field.
    public mutating func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let target = allocateUninitialized(bytes: values.count * MemoryLayout<T>.stride)
            .bindMemory(to: T.self, capacity: values.count)
        // Force-unwrap: a non-empty array has storage.
        values.withUnsafeBufferPointer { target.initialize(from: $0.baseAddress!, count: $0.count) }
        return target
    }

    /// Uninitialized storage for `count` values of `T` (at least one), for C arrays and structs that
    /// generated code fills completely (a C message struct: with its `__init` function).
    @inlinable @inline(__always)
    public mutating func uninitialized<T>(_ type: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        allocateUninitialized(bytes: max(count, 1) &* MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A C array of `count` values produced by `element`, for repeated strings, enums and messages.
    public mutating func array<T, E: Error>(
        count: Int,
        _ element: (Int, inout ProtoArena) throws(E) -> T
    ) throws(E) -> UnsafeMutablePointer<T>? {
        guard count > 0 else { return nil }
        let target = allocate(T.self, count: count)
        for index in 0..<count {
            (target + index).initialize(to: try element(index, &self))
        }
        return target
    }

    /// Attaches preserved unknown fields to the C message at `message` so pack re-emits them
    /// (after any already attached).
    public mutating func setUnknownFields(_ fields: UnknownFields, message: UnsafeMutableRawPointer) {
        guard !fields.isEmpty else { return }
        let entries = growUnknownFields(of: message, by: fields.fields.count)
        for (index, field) in fields.fields.enumerated() {
            // pack writes the tag (at most 5 bytes for any 32-bit number) and the data as is.
            packedSizeBound &+= 5 &+ field.data.count
            let count = field.data.count
            let data = copy(field.data)
            entries[index] = ProtobufCMessageUnknownField(
                tag: field.number,
                wire_type: ProtobufCWireType(rawValue: UInt32(field.wireType)),
                len: count,
                data: data
            )
        }
    }

    /// Makes pack write a proto3 `double` field that holds -0.0.
    ///
    /// protobuf-c leaves out a presence-free float or double that compares equal to zero, -0.0
    /// included; the reference implementations compare bit patterns and write it. The value goes
    /// out as an unknown field with the same number, which pack emits after the known fields and
    /// every decoder reads back into the field.
    @inlinable
    public mutating func keepNegativeZero(_ value: Double, number: UInt32, message: UnsafeMutableRawPointer) {
        if value == 0, value.sign == .minus {
            appendFixedWidth(value.bitPattern, byteCount: 8, number: number, message: message)
        }
    }

    /// Makes pack write a proto3 `float` field that holds -0.0 (see the `Double` overload).
    @inlinable
    public mutating func keepNegativeZero(_ value: Float, number: UInt32, message: UnsafeMutableRawPointer) {
        if value == 0, value.sign == .minus {
            appendFixedWidth(UInt64(value.bitPattern), byteCount: 4, number: number, message: message)
        }
    }

    /// Appends a fixed32 or fixed64 unknown field holding the low `byteCount` bytes of `bits`.
    @usableFromInline
    mutating func appendFixedWidth(_ bits: UInt64, byteCount: Int, number: UInt32, message: UnsafeMutableRawPointer) {
        packedSizeBound &+= 5 &+ byteCount
        let data = allocate(UInt8.self, count: byteCount)
        for index in 0..<byteCount { data[index] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index))) }
        let entry = growUnknownFields(of: message, by: 1)
        entry.pointee = ProtobufCMessageUnknownField(
            tag: number,
            wire_type: byteCount == 8 ? PROTOBUF_C_WIRE_TYPE_64BIT : PROTOBUF_C_WIRE_TYPE_32BIT,
            len: byteCount,
            data: data
        )
    }

    /// Enlarges the message's unknown-field array by `count` entries and returns the first new one.
    private mutating func growUnknownFields(
        of message: UnsafeMutableRawPointer, by count: Int
    ) -> UnsafeMutablePointer<ProtobufCMessageUnknownField> {
        let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
        let existing = Int(base.pointee.n_unknown_fields)
        let entries = allocate(ProtobufCMessageUnknownField.self, count: existing + count)
        if existing > 0, let old = base.pointee.unknown_fields {
            entries.update(from: old, count: existing)
        }
        base.pointee.n_unknown_fields = UInt32(existing + count)
        base.pointee.unknown_fields = entries
        return entries + existing
    }
}
