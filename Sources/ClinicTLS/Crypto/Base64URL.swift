/// Base64url without padding (RFC 4648 §5), as JWTs and opaque tokens use it.
///
/// Decoding is strict: only the URL-safe alphabet, no padding, no whitespace, and unused trailing
/// bits must be zero — so every byte string has exactly one accepted text, and a token cannot be
/// altered into another text that decodes to the same bytes.
package enum Base64URL {
    static let codec = UnpaddedBase64Codec(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// The unpadded base64url text of `bytes`.
    package static func encode(_ bytes: [UInt8]) -> String { codec.encode(bytes) }

    /// The bytes of canonical unpadded base64url `text`, or nil for anything else.
    package static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? { codec.decode(text) }
}

/// Unpadded base64 over one alphabet (RFC 4648 §4 or §5), strict when decoding: only the
/// alphabet, no padding, no whitespace, zero trailing bits.
struct UnpaddedBase64Codec: Sendable {
    private let alphabet: [UInt8]
    private let values: [UInt8]

    init(alphabet text: String) {
        alphabet = Array(text.utf8)
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        values = table
    }

    func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] as [UInt32] { output.append(alphabet[Int(chunk >> shift & 0x3F)]) }
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            for shift in [18, 12] as [UInt32] { output.append(alphabet[Int(chunk >> shift & 0x3F)]) }
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            for shift in [18, 12, 6] as [UInt32] { output.append(alphabet[Int(chunk >> shift & 0x3F)]) }
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits: UInt32 = 0
        for byte in utf8 {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            accumulator = (accumulator << 6 | UInt32(value)) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> bits))
            }
        }
        guard accumulator & ((1 << bits) - 1) == 0 else { return nil }
        return output
    }
}
