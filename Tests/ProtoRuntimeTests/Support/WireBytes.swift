/// Hand-built wire bytes for the hostile-input tests.
enum WireBytes {
    /// A varint.
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    /// The key of field `number` with `wireType`.
    static func key(_ number: UInt64, _ wireType: UInt64) -> [UInt8] { varint(number << 3 | wireType) }

    /// `levels` messages, each in a length-delimited field of the one outside it; the field
    /// numbers cycle through `path` (outermost first) and `leaf` is the innermost payload.
    /// Built in linear time: sizes from the inside out, then headers from the outside in.
    static func nested(levels: Int, path: [UInt64], leaf: [UInt8] = []) -> [UInt8] {
        var sizes = [leaf.count]
        for level in 0..<levels {
            let field = path[(levels - 1 - level) % path.count]
            sizes.append(key(field, 2).count + varint(UInt64(sizes[level])).count + sizes[level])
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sizes[levels])
        for level in stride(from: levels, to: 0, by: -1) {
            bytes += key(path[(levels - level) % path.count], 2) + varint(UInt64(sizes[level - 1]))
        }
        return bytes + leaf
    }
}

/// A small deterministic generator so the fuzz tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
