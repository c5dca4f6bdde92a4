import NIOCore
import Testing

@testable import RPCWire

/// The hex test vectors of docs/PROTOCOL.md, section 9, each with the frame it encodes built from
/// its meaning (not from the hex), so decoding, encoding and the document are checked against
/// each other. `ProtocolDocumentTests` checks the document's blocks equal these strings.
enum TestVectors {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var frame: Frame

        var bytes: ByteBuffer { ByteBuffer(hex: hex) }
        var testDescription: String { name }
    }

    static let all: [Vector] = [
        Vector(
            name: "settings",
            hex: """
                00 00 00 1e 01 00 00 00 00 00
                00 01 00 40 00 00 00 02 00 00 40 00 00 03 00 00
                04 00 00 04 00 00 00 10 00 05 00 00 27 10
                """,
            frame: .settings(.default)),
        Vector(
            name: "call_start",
            hex: """
                00 00 00 4c 02 00 00 00 00 01
                0a 1d 63 6c 69 6e 69 63 2e 68 65 61 6c 74 68 2e
                76 31 2e 48 65 61 6c 74 68 2f 43 68 65 63 6b 10
                e0 c6 5b 1a 27 0a 14 0a 0c 78 2d 72 65 71 75 65
                73 74 2d 69 64 12 04 37 66 33 61 0a 0f 0a 09 74
                72 61 63 65 2d 62 69 6e 1a 02 01 02
                """,
            frame: .callStart(streamID: 1, payload: callStartPayload)),
        Vector(
            name: "message_end_stream",
            hex: """
                00 00 00 0a 04 01 00 00 00 01
                0a 08 70 61 74 69 65 6e 74 73
                """,
            frame: .message(streamID: 1, payload: protobuf([0x0a, 0x08], "patients"), endStream: true)),
        Vector(
            name: "trailers",
            hex: """
                00 00 00 1f 06 00 00 00 00 01
                0a 1d 08 05 12 19 75 6e 6b 6e 6f 77 6e 20 73 65
                72 76 69 63 65 3a 20 70 61 74 69 65 6e 74 73
                """,
            frame: .trailers(
                streamID: 1,
                payload: protobuf([0x0a, 0x1d, 0x08, 0x05, 0x12, 0x19], "unknown service: patients"))),
        Vector(
            name: "initial_metadata",
            hex: """
                00 00 00 1b 03 00 00 00 00 03
                0a 19 0a 0b 78 2d 73 65 72 76 65 64 2d 62 79 12
                0a 70 61 74 69 65 6e 74 73 2d 32
                """,
            frame: .initialMetadata(
                streamID: 3,
                payload: protobuf([0x0a, 0x19, 0x0a, 0x0b], "x-served-by", [0x12, 0x0a], "patients-2"))),
        Vector(
            name: "end_stream",
            hex: "00 00 00 00 05 00 00 00 00 03",
            frame: .endStream(streamID: 3)),
        Vector(
            name: "window_update",
            hex: """
                00 00 00 04 08 00 00 00 00 03
                00 00 00 08
                """,
            frame: .windowUpdate(streamID: 3, increment: 8)),
        Vector(
            name: "cancel",
            hex: """
                00 00 00 04 07 00 00 00 00 05
                00 00 00 04
                """,
            frame: .cancel(streamID: 5, reason: 4)),
        Vector(
            name: "ping",
            hex: """
                00 00 00 08 09 00 00 00 00 00
                01 02 03 04 05 06 07 08
                """,
            frame: .ping(0x0102_0304_0506_0708)),
        Vector(
            name: "pong",
            hex: """
                00 00 00 08 0a 00 00 00 00 00
                01 02 03 04 05 06 07 08
                """,
            frame: .pong(0x0102_0304_0506_0708)),
        Vector(
            name: "goaway",
            hex: """
                00 00 00 16 0b 00 00 00 00 00
                00 00 00 07 00 00 00 00 73 65 72 76 65 72 20 72
                65 73 74 61 72 74
                """,
            frame: .goAway(GoAway(lastStreamID: 7, code: .noError, debugMessage: "server restart"))),
    ]

    /// `CallStart{method: "clinic.health.v1.Health/Check", timeout_micros: 1500000, metadata:
    /// [x-request-id: "7f3a", trace-bin: 01 02]}`, assembled field by field.
    static var callStartPayload: ByteBuffer {
        let requestID = protobuf([0x0a, 0x0c], "x-request-id", [0x12, 0x04], "7f3a")
        let trace = protobuf([0x0a, 0x09], "trace-bin", [0x1a, 0x02, 0x01, 0x02])
        var metadata = ByteBuffer(bytes: [0x0a, UInt8(requestID.readableBytes)])
        metadata.writeImmutableBuffer(requestID)
        metadata.writeBytes([0x0a, UInt8(trace.readableBytes)])
        metadata.writeImmutableBuffer(trace)
        var payload = protobuf([0x0a, 0x1d], "clinic.health.v1.Health/Check")
        payload.writeBytes([0x10] + varint(1_500_000))
        payload.writeBytes([0x1a, UInt8(metadata.readableBytes)])
        payload.writeImmutableBuffer(metadata)
        return payload
    }

    /// A piece of a hand-assembled protobuf payload: raw bytes or a UTF-8 string.
    enum Part: ExpressibleByArrayLiteral, ExpressibleByStringLiteral {
        case bytes([UInt8])
        case text(String)

        init(arrayLiteral elements: UInt8...) { self = .bytes(elements) }
        init(stringLiteral value: String) { self = .text(value) }
    }

    /// Concatenates raw bytes and UTF-8 strings.
    static func protobuf(_ parts: Part...) -> ByteBuffer {
        var buffer = ByteBuffer()
        for part in parts {
            switch part {
            case .bytes(let bytes): buffer.writeBytes(bytes)
            case .text(let text): buffer.writeString(text)
            }
        }
        return buffer
    }

    /// Protobuf base-128 varint.
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
        return bytes
    }
}

extension ByteBuffer {
    /// Bytes from whitespace-separated hex pairs; traps on bad hex (test fixtures only).
    init(hex: String) {
        let bytes = hex.split(whereSeparator: \.isWhitespace).map { pair -> UInt8 in
            guard let byte = UInt8(pair, radix: 16) else { fatalError("bad hex '\(pair)' in a fixture") }
            return byte
        }
        self.init(bytes: bytes)
    }

    /// Lower-case hex pairs separated by spaces.
    var hexDump: String {
        readableBytesView.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}
