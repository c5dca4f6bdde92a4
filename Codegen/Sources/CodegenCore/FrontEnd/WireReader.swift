/// A minimal protobuf wire-format reader for the descriptor messages protoc hands a plugin.
///
/// The generator deliberately does not depend on the runtime it generates code for, so it can
/// always be rebuilt from a clean tree: this reader is all it needs to parse `descriptor.proto`.
struct WireReader {
    /// One decoded field occurrence.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes([UInt8])
    }

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads every field in order as (number, value).
    static func fields(of bytes: [UInt8]) throws(CodegenError) -> [(number: Int, value: Value)] {
        var reader = WireReader(bytes)
        var result: [(Int, Value)] = []
        while reader.position < bytes.count {
            let key = try reader.varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: result.append((number, .varint(try reader.varint())))
            case 1: result.append((number, .fixed64(try reader.fixed(8))))
            case 5: result.append((number, .fixed32(UInt32(try reader.fixed(4)))))
            case 2:
                let length = Int(try reader.varint())
                guard length >= 0, reader.position + length <= bytes.count else {
                    throw CodegenError("descriptor field \(number) runs past the end of its message")
                }
                result.append((number, .bytes(Array(bytes[reader.position..<reader.position + length]))))
                reader.position += length
            default:
                throw CodegenError("unsupported wire type \(key & 7) in a descriptor")
            }
        }
        return result
    }

    private mutating func varint() throws(CodegenError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw CodegenError("truncated varint in a descriptor")
    }

    private mutating func fixed(_ size: Int) throws(CodegenError) -> UInt64 {
        guard position + size <= bytes.count else { throw CodegenError("truncated fixed field in a descriptor") }
        var result: UInt64 = 0
        for index in 0..<size { result |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += size
        return result
    }
}

extension WireReader.Value {
    var string: String {
        if case .bytes(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return ""
    }

    var data: [UInt8] {
        if case .bytes(let bytes) = self { return bytes }
        return []
    }

    var int: Int {
        switch self {
        case .varint(let value): Int(Int64(bitPattern: value))
        case .fixed32(let value): Int(Int32(bitPattern: value))
        case .fixed64(let value): Int(Int64(bitPattern: value))
        case .bytes: 0
        }
    }

    var bool: Bool { int != 0 }

    /// Varints of a repeated field, packed or not.
    var packedVarints: [Int] {
        switch self {
        case .varint(let value): return [Int(Int64(bitPattern: value))]
        case .bytes(let bytes):
            var values: [Int] = []
            var result: UInt64 = 0, shift: UInt64 = 0
            for byte in bytes {
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 {
                    values.append(Int(Int64(bitPattern: result)))
                    result = 0
                    shift = 0
                } else {
                    shift += 7
                }
            }
            return values
        default: return []
        }
    }
}

/// Why generation failed; protoc prints the message next to the file.
public struct CodegenError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
