import ConformanceProtos
import ProtoRuntime
import Testing

@Suite("Hostile and broken input gives typed errors")
struct HostileInputTests {
    @Test("truncated input at every length is an error or a prefix, never a crash")
    func truncatedPrefixes() throws {
        let bytes = try Fixtures.everyFieldKind.serializedBytes()
        var failures = 0
        for length in stride(from: 0, to: bytes.count, by: 7) {
            do {
                _ = try TestAllTypes(serializedBytes: Array(bytes[..<length]))
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
    }

    @Test("a length prefix pointing past the end is truncated")
    func lengthPastEnd() {
        // Field 14 (optional_string), wire type 2, length 100, only 3 bytes follow.
        #expect {
            try TestAllTypes(serializedBytes: [0x72, 100, 0x61, 0x62, 0x63])
        } throws: { ($0 as? ProtoError)?.code == .truncated }
    }

    @Test("input over the size limit is refused before decoding")
    func oversized() {
        let bytes = [UInt8](repeating: 0, count: 2048)
        #expect {
            try TestAllTypes(serializedBytes: bytes, limits: DecodingLimits(maxBytes: 1024))
        } throws: { ($0 as? ProtoError)?.code == .tooLarge }
    }

    @Test("nesting deeper than the limit is refused before protobuf-c recurses")
    func tooDeep() throws {
        // recursive_message = 27, wire type 2; 100,000 levels would overflow protobuf-c's stack.
        let payload = nested(levels: 100_000)
        #expect {
            try TestAllTypes(serializedBytes: payload)
        } throws: { ($0 as? ProtoError)?.code == .tooDeep }
        // Within a generous limit the same shape decodes.
        _ = try TestAllTypes(serializedBytes: nested(levels: 20))
    }

    @Test("strings that are not UTF-8 are refused")
    func invalidUTF8() {
        // optional_string = [0xC3, 0x28] (an invalid two-byte sequence).
        #expect {
            try TestAllTypes(serializedBytes: [0x72, 2, 0xC3, 0x28])
        } throws: { ($0 as? ProtoError)?.code == .invalidUTF8 }
        // The same bytes in a bytes field are fine.
        #expect(throws: Never.self) { try TestAllTypes(serializedBytes: [0x7A, 2, 0xC3, 0x28]) }
    }

    @Test("NUL inside a string on the wire is refused rather than truncated")
    func nulOnTheWire() {
        #expect {
            try TestAllTypes(serializedBytes: [0x72, 3, 0x61, 0x00, 0x62])
        } throws: { ($0 as? ProtoError)?.code == .unsupported }
    }

    @Test("invalid wire types and field numbers")
    func invalidKeys() {
        for bytes: [UInt8] in [[0x0F], [0x00, 0x01], [0x0B], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]] {
            #expect(throws: ProtoError.self, "\(bytes)") { try TestAllTypes(serializedBytes: bytes) }
        }
    }

    @Test("thousands of random and mutated buffers never crash")
    func fuzz() throws {
        var generator = SplitMix64(seed: 0xC11_0C)
        let valid = try Fixtures.everyFieldKind.serializedBytes()
        var decoded = 0, rejected = 0
        for round in 0..<6000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = valid
                for _ in 0..<(1 + Int(generator.next() % 8)) {
                    let index = Int(generator.next() % UInt64(bytes.count))
                    bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                }
                if generator.next() % 4 == 0 { bytes.removeLast(Int(generator.next() % 40)) }
            }
            do {
                let message = try TestAllTypes(serializedBytes: bytes)
                // Whatever decodes must encode again.
                _ = try message.serializedBytes()
                decoded += 1
            } catch {
                // Typed throws: every failure here is a ProtoError by construction.
                #expect(!error.message.isEmpty)
                rejected += 1
            }
        }
        #expect(decoded + rejected == 6000)
        #expect(rejected > 0)
    }

    /// `levels` empty messages each inside the previous one's `recursive_message`, built in
    /// linear time (sizes first, then headers from the outside in).
    private func nested(levels: Int) -> [UInt8] {
        var sizes = [0]
        for level in 0..<levels { sizes.append(2 + varint(sizes[level]).count + sizes[level]) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sizes[levels])
        for level in stride(from: levels, to: 0, by: -1) {
            bytes += [0xDA, 0x01] + varint(sizes[level - 1])
        }
        return bytes
    }

    private func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value), out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }
}

/// A small deterministic generator so the fuzz test is reproducible.
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
