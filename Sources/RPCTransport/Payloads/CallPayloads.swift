internal import NIOCore
internal import RPCCore

/// Encodes and decodes the protobuf payloads of CALL_START (`clinic.rpc.v1.CallStart`),
/// INITIAL_METADATA (`Metadata`) and TRAILERS (`Trailers`), and enforces the metadata rules of
/// docs/PROTOCOL.md section 3.2: keys of 1–255 bytes of `[a-z0-9-_.]`, `-bin` keys exactly for
/// binary values, printable ASCII text values.
enum CallPayloads {
    /// What a CALL_START says.
    struct CallStart: Equatable {
        var method: String
        var timeoutMicros: UInt64?
        var metadata: Metadata
    }

    // MARK: Metadata

    /// Throws `invalid_argument` naming the first entry that may not be sent.
    static func validate(_ metadata: Metadata) throws(RPCError) {
        for entry in metadata {
            if let problem = problem(with: entry) {
                throw RPCError(code: .invalidArgument, message: "metadata '\(entry.key)' cannot be sent: \(problem)")
            }
        }
    }

    private static func problem(with entry: Metadata.Entry) -> String? {
        let key = entry.key.utf8
        guard (1...255).contains(key.count) else { return "keys are 1 to 255 bytes" }
        for byte in key where !isKeyByte(byte) { return "keys are made of a-z 0-9 - _ ." }
        let isBinaryKey = entry.key.hasSuffix("-bin")
        switch entry.value {
        case .binary where !isBinaryKey: return "binary values need a key ending in -bin"
        case .text where isBinaryKey: return "a key ending in -bin needs a binary value"
        case .text(let text):
            for byte in text.utf8 where !(0x20...0x7E).contains(byte) { return "text values are printable ASCII" }
        default: break
        }
        return nil
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    private static func entrySize(_ entry: Metadata.Entry) -> Int {
        let keySize = ProtoWire.fieldSize(length: entry.key.utf8.count)
        switch entry.value {
        case .text(let text): return keySize + ProtoWire.fieldSize(length: text.utf8.count)
        case .binary(let bytes): return keySize + ProtoWire.fieldSize(length: bytes.count)
        }
    }

    /// Encoded size of a `Metadata` message.
    static func metadataSize(_ metadata: Metadata) -> Int {
        metadata.reduce(0) { $0 + ProtoWire.fieldSize(length: entrySize($1)) }
    }

    /// Writes the fields of a `Metadata` message (its repeated `entries`).
    static func writeMetadata(_ metadata: Metadata, into buffer: inout ByteBuffer) {
        for entry in metadata {
            ProtoWire.writeMessageHeader(1, length: entrySize(entry), into: &buffer)
            ProtoWire.writeString(1, entry.key, into: &buffer)
            switch entry.value {
            case .text(let text): ProtoWire.writeString(2, text, into: &buffer)
            case .binary(let bytes): ProtoWire.writeBytes(3, bytes, into: &buffer)
            }
        }
    }

    /// Reads a `Metadata` message; entries that break the rules make it malformed.
    static func readMetadata(_ payload: ByteBuffer) throws(ProtoWireError) -> Metadata {
        var reader = ProtoReader(payload)
        var metadata = Metadata()
        while let (number, wireType) = try reader.nextField() {
            guard number == 1 else {
                try reader.skip(wireType: wireType)
                continue
            }
            try reader.expect(wireType, ProtoWire.lengthDelimited, field: "entries")
            metadata.append(try readEntry(reader.readLengthDelimited()))
        }
        return metadata
    }

    private static func readEntry(_ payload: ByteBuffer) throws(ProtoWireError) -> Metadata.Entry {
        var reader = ProtoReader(payload)
        var key = ""
        var value: Metadata.Content = .text("")
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "key")
                key = try reader.readString()
            case 2:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "text")
                value = .text(try reader.readString())
            case 3:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "binary")
                value = .binary(Array(try reader.readLengthDelimited().readableBytesView))
            default:
                try reader.skip(wireType: wireType)
            }
        }
        var metadata = Metadata()
        switch value {
        case .text(let text): metadata.add(key, text)
        case .binary(let bytes): metadata.add(key, binary: bytes)
        }
        // Force-unwrap: exactly one entry was just added.
        let entry = metadata.first { _ in true }!
        if let problem = problem(with: entry) { throw ProtoWireError("metadata '\(key)': \(problem)") }
        return entry
    }

    // MARK: CALL_START

    static func encodeCallStart(_ start: CallStart, allocator: ByteBufferAllocator) -> ByteBuffer {
        let metadataSize = metadataSize(start.metadata)
        var buffer = allocator.buffer(capacity: start.method.utf8.count + metadataSize + 24)
        ProtoWire.writeString(1, start.method, into: &buffer)
        if let timeout = start.timeoutMicros {
            ProtoWire.writeTag(2, ProtoWire.varint, into: &buffer)
            ProtoWire.writeVarint(timeout, into: &buffer)
        }
        if !start.metadata.isEmpty {
            ProtoWire.writeMessageHeader(3, length: metadataSize, into: &buffer)
            writeMetadata(start.metadata, into: &buffer)
        }
        return buffer
    }

    static func decodeCallStart(_ payload: ByteBuffer) throws(ProtoWireError) -> CallStart {
        var reader = ProtoReader(payload)
        var start = CallStart(method: "", timeoutMicros: nil, metadata: [:])
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "method")
                start.method = try reader.readString()
            case 2:
                try reader.expect(wireType, ProtoWire.varint, field: "timeout_micros")
                start.timeoutMicros = try reader.readVarint()
            case 3:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "metadata")
                // A repeated embedded message merges: entries accumulate.
                for entry in try readMetadata(reader.readLengthDelimited()) { start.metadata.append(entry) }
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return start
    }

    // MARK: INITIAL_METADATA

    static func encodeMetadata(_ metadata: Metadata, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: metadataSize(metadata))
        writeMetadata(metadata, into: &buffer)
        return buffer
    }

    // MARK: TRAILERS

    private static func detailSize(_ detail: RPCError.Detail) -> Int {
        ProtoWire.fieldSize(length: detail.typeURL.utf8.count) + ProtoWire.fieldSize(length: detail.value.count)
    }

    private static func statusSize(_ status: RPCStatus) -> Int {
        var size = 0
        if status.wireCode != 0 { size += 1 + ProtoWire.varintSize(UInt64(bitPattern: Int64(status.wireCode))) }
        if !status.message.isEmpty { size += ProtoWire.fieldSize(length: status.message.utf8.count) }
        for detail in status.details { size += ProtoWire.fieldSize(length: detailSize(detail)) }
        return size
    }

    static func encodeTrailers(_ status: RPCStatus, _ metadata: Metadata, allocator: ByteBufferAllocator) -> ByteBuffer {
        let statusSize = statusSize(status)
        let metadataSize = metadataSize(metadata)
        var buffer = allocator.buffer(capacity: statusSize + metadataSize + 12)
        // OK with no message and no details is the empty status, which is left out.
        if statusSize > 0 {
            ProtoWire.writeMessageHeader(1, length: statusSize, into: &buffer)
            if status.wireCode != 0 {
                ProtoWire.writeTag(1, ProtoWire.varint, into: &buffer)
                ProtoWire.writeVarint(UInt64(bitPattern: Int64(status.wireCode)), into: &buffer)
            }
            if !status.message.isEmpty { ProtoWire.writeString(2, status.message, into: &buffer) }
            for detail in status.details {
                ProtoWire.writeMessageHeader(3, length: detailSize(detail), into: &buffer)
                ProtoWire.writeString(1, detail.typeURL, into: &buffer)
                ProtoWire.writeBytes(2, detail.value, into: &buffer)
            }
        }
        if metadataSize > 0 {
            ProtoWire.writeMessageHeader(2, length: metadataSize, into: &buffer)
            writeMetadata(metadata, into: &buffer)
        }
        return buffer
    }

    static func decodeTrailers(_ payload: ByteBuffer) throws(ProtoWireError) -> (RPCStatus, Metadata) {
        var reader = ProtoReader(payload)
        var status = RPCStatus.ok
        var metadata = Metadata()
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "status")
                status = try readStatus(reader.readLengthDelimited())
            case 2:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "metadata")
                for entry in try readMetadata(reader.readLengthDelimited()) { metadata.append(entry) }
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return (status, metadata)
    }

    private static func readStatus(_ payload: ByteBuffer) throws(ProtoWireError) -> RPCStatus {
        var reader = ProtoReader(payload)
        var code: Int32 = 0
        var message = ""
        var details: [RPCError.Detail] = []
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wireType, ProtoWire.varint, field: "code")
                code = Int32(truncatingIfNeeded: try reader.readVarint())
            case 2:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "message")
                message = try reader.readString()
            case 3:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "details")
                details.append(try readAny(reader.readLengthDelimited()))
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return RPCStatus(wireCode: Int(code), message: message, details: details)
    }

    private static func readAny(_ payload: ByteBuffer) throws(ProtoWireError) -> RPCError.Detail {
        var reader = ProtoReader(payload)
        var detail = RPCError.Detail(typeURL: "", value: [])
        while let (number, wireType) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "type_url")
                detail.typeURL = try reader.readString()
            case 2:
                try reader.expect(wireType, ProtoWire.lengthDelimited, field: "value")
                detail.value = Array(try reader.readLengthDelimited().readableBytesView)
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return detail
    }
}
