internal import NIOCore

/// The few protobuf wire primitives the call payloads need (varints, length-delimited fields),
/// over `ByteBuffer`, so CALL_START, INITIAL_METADATA and TRAILERS are written and read without
/// building protobuf-c structs on every call. Field numbers are those of
/// `Protos/clinic/rpc/v1/rpc.proto`; `Tests/RPCTransportTests` checks the bytes against the
/// generated `Clinic_Rpc_V1_*` messages both ways.
enum ProtoWire {
    static let varint: UInt64 = 0
    static let fixed64: UInt64 = 1
    static let lengthDelimited: UInt64 = 2
    static let fixed32: UInt64 = 5

    static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    /// Size of a length-delimited field with a one-byte tag (field numbers below 16).
    static func fieldSize(length: Int) -> Int {
        1 + varintSize(UInt64(length)) + length
    }

    /// Writes `value` in one access to the buffer (varints are most of a call payload's bytes).
    static func writeVarint(_ value: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 10) { bytes in
            var value = value
            var count = 0
            while value >= 0x80 {
                bytes[count] = UInt8(truncatingIfNeeded: value) | 0x80
                value >>= 7
                count += 1
            }
            bytes[count] = UInt8(value)
            return count + 1
        }
    }

    static func writeTag(_ field: UInt64, _ wireType: UInt64, into buffer: inout ByteBuffer) {
        writeVarint(field << 3 | wireType, into: &buffer)
    }

    static func writeBytes(_ field: UInt64, _ bytes: some Collection<UInt8>, into buffer: inout ByteBuffer) {
        writeTag(field, lengthDelimited, into: &buffer)
        writeVarint(UInt64(bytes.count), into: &buffer)
        buffer.writeBytes(bytes)
    }

    static func writeString(_ field: UInt64, _ text: String, into buffer: inout ByteBuffer) {
        writeTag(field, lengthDelimited, into: &buffer)
        writeVarint(UInt64(text.utf8.count), into: &buffer)
        buffer.writeString(text)
    }

    /// Starts a nested message whose encoded size is `length`.
    static func writeMessageHeader(_ field: UInt64, length: Int, into buffer: inout ByteBuffer) {
        writeTag(field, lengthDelimited, into: &buffer)
        writeVarint(UInt64(length), into: &buffer)
    }
}

/// Reads protobuf fields from a payload; every read is bounds-checked and throws
/// `ProtoWireError` on bytes that are not a valid encoding.
struct ProtoReader {
    var buffer: ByteBuffer

    init(_ buffer: ByteBuffer) { self.buffer = buffer }

    /// The next field's number and wire type, or nil at the end.
    mutating func nextField() throws(ProtoWireError) -> (number: UInt64, wireType: UInt64)? {
        guard buffer.readableBytes > 0 else { return nil }
        let key = try readVarint()
        let number = key >> 3
        guard number > 0 else { throw ProtoWireError("field number 0") }
        return (number, key & 7)
    }

    mutating func readVarint() throws(ProtoWireError) -> UInt64 {
        // One access to the bytes for the whole varint; the reader index moves once.
        let (value, used) = buffer.withUnsafeReadableBytes { bytes -> (UInt64, Int) in
            var result: UInt64 = 0
            var shift: UInt64 = 0
            for index in bytes.indices {
                // An 11th byte: longer than any 64-bit varint.
                guard shift < 64 else { return (0, -1) }
                let byte = bytes[index]
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return (result, index + 1) }
                shift += 7
            }
            return (0, 0)
        }
        switch used {
        case 0: throw ProtoWireError("truncated varint")
        case -1: throw ProtoWireError("varint longer than 10 bytes")
        default:
            buffer.moveReaderIndex(forwardBy: used)
            return value
        }
    }

    /// The bytes of a length-delimited field (a slice, not a copy).
    mutating func readLengthDelimited() throws(ProtoWireError) -> ByteBuffer {
        let length = try readVarint()
        guard length <= UInt64(buffer.readableBytes), let slice = buffer.readSlice(length: Int(length)) else {
            throw ProtoWireError("length \(length) past the end of the payload")
        }
        return slice
    }

    /// A length-delimited field as UTF-8 text (invalid UTF-8 is an error: proto3 strings are UTF-8).
    mutating func readString() throws(ProtoWireError) -> String {
        let slice = try readLengthDelimited()
        // Validates in one pass over the contiguous bytes (decoding with repair and comparing the
        // result byte by byte cost about 30 instructions a byte).
        guard let text = slice.withUnsafeReadableBytes({ String(validating: $0, as: UTF8.self) }) else {
            throw ProtoWireError("a string field is not valid UTF-8")
        }
        return text
    }

    /// Skips a field this reader does not use (unknown fields are allowed).
    mutating func skip(wireType: UInt64) throws(ProtoWireError) {
        switch wireType {
        case ProtoWire.varint: _ = try readVarint()
        case ProtoWire.fixed64: try skipBytes(8)
        case ProtoWire.lengthDelimited: _ = try readLengthDelimited()
        case ProtoWire.fixed32: try skipBytes(4)
        default: throw ProtoWireError("unsupported wire type \(wireType)")
        }
    }

    /// Throws unless `wireType` is `expected` (a known field with the wrong type is malformed).
    func expect(_ wireType: UInt64, _ expected: UInt64, field: String) throws(ProtoWireError) {
        guard wireType == expected else { throw ProtoWireError("field \(field) has wire type \(wireType)") }
    }

    private mutating func skipBytes(_ count: Int) throws(ProtoWireError) {
        guard buffer.readableBytes >= count else { throw ProtoWireError("truncated fixed-size field") }
        buffer.moveReaderIndex(forwardBy: count)
    }
}

/// A call payload that does not decode, or breaks a rule of docs/PROTOCOL.md section 3.2.
struct ProtoWireError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
