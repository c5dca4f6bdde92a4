import ConformanceProtos
import ProtoRuntime
import Testing
import WellKnownTypes

/// Garbage, truncated, oversized and deeply nested input: each gives a typed error, never a crash.
@Suite("Hostile and broken input gives typed errors")
struct HostileInputTests {
    @Test("every prefix of a rich message is an error or a valid message, never a crash")
    func everyPrefix() throws {
        let bytes = try Fixtures.everyFieldKind.serializedBytes()
        var failures = 0
        for length in 0..<bytes.count {
            do {
                _ = try TestAllTypes(serializedBytes: Array(bytes[..<length]))
            } catch {
                #expect([.truncated, .malformed].contains(error.code), "\(length): \(error)")
                failures += 1
            }
        }
        #expect(failures > bytes.count / 2)
    }

    @Test("a length prefix pointing past the end is truncated")
    func lengthPastEnd() {
        // Field 14 (optional_string), wire type 2, length 100, only 3 bytes follow.
        #expect {
            try TestAllTypes(serializedBytes: [0x72, 100, 0x61, 0x62, 0x63])
        } throws: { ($0 as? ProtoError)?.code == .truncated }
        // A length near 2^63: refused without allocating anything.
        #expect {
            try TestAllTypes(serializedBytes: [0x72] + WireBytes.varint(UInt64(Int64.max)) + [0x61])
        } throws: { ($0 as? ProtoError)?.code == .truncated }
    }

    @Test("input ending inside a varint or a fixed-width value is truncated")
    func truncatedScalars() {
        for bytes: [UInt8] in [[0x08, 0x80], [0x08, 0xFF, 0xFF], [0x39, 1, 2, 3], [0x2D, 1], [0x80]] {
            #expect(throws: ProtoError.self, "\(bytes)") { try TestAllTypes(serializedBytes: bytes) }
        }
        #expect { try TestAllTypes(serializedBytes: [0x39, 1, 2, 3]) } throws: { ($0 as? ProtoError)?.code == .truncated }
    }

    @Test("input over the size limit is refused before decoding; at the limit it decodes")
    func oversized() throws {
        let bytes = [0x7A] + WireBytes.varint(2045) + [UInt8](repeating: 7, count: 2045)  // 2048 bytes
        #expect {
            try TestAllTypes(serializedBytes: bytes, limits: DecodingLimits(maxBytes: 2047))
        } throws: { ($0 as? ProtoError)?.code == .tooLarge }
        #expect(try TestAllTypes(serializedBytes: bytes, limits: DecodingLimits(maxBytes: 2048)).optionalBytes.count == 2045)
    }

    @Test("small input that would decode into huge memory is refused by the decoded-size bound")
    func amplification() throws {
        // 4 MiB of two-byte unknown fields: each costs protobuf-c a record and a copy, ~30x the input.
        let unknown = [UInt8](Array(repeating: [0xF8, 0x7F, 0x00], count: 1_398_101).joined())  // field 2047, varint 0
        #expect {
            try TestAllTypes(serializedBytes: unknown)
        } throws: { ($0 as? ProtoError)?.code == .tooLarge }
        // Empty nested messages: 3 bytes on the wire, a whole struct each in memory.
        let empties = [UInt8](Array(repeating: [0x82, 0x03, 0x00], count: 100_000).joined())
        let tight = DecodingLimits(maxDecodedBytes: 1 << 20)
        #expect {
            try TestAllTypes(serializedBytes: empties, limits: tight)
        } throws: { ($0 as? ProtoError)?.code == .tooLarge }
        // The same input decodes under the default bound.
        #expect(try TestAllTypes(serializedBytes: empties).repeatedNestedMessage.count == 100_000)
    }

    @Test("nesting deeper than the limit is refused on every path a message can nest through", arguments: [
        ("recursive_message", [27] as [UInt64]),
        ("optional_nested_message.corecursive", [18, 2]),
        ("map value's corecursive", [71, 2, 2]),
        ("oneof_nested_message.corecursive", [112, 2]),
        ("repeated_nested_message.corecursive", [48, 2]),
    ])
    func tooDeep(_ path: String, fields: [UInt64]) throws {
        // 100,000 levels would overflow protobuf-c's recursion if it ever saw them.
        #expect {
            try TestAllTypes(serializedBytes: WireBytes.nested(levels: 100_000, path: fields))
        } throws: { ($0 as? ProtoError)?.code == .tooDeep }
        // The boundary: a top level plus 9 nested levels is depth 10.
        let limits = DecodingLimits(maxDepth: 10)
        _ = try TestAllTypes(serializedBytes: WireBytes.nested(levels: 9, path: fields), limits: limits)
        #expect {
            try TestAllTypes(serializedBytes: WireBytes.nested(levels: 10, path: fields), limits: limits)
        } throws: { ($0 as? ProtoError)?.code == .tooDeep }
    }

    @Test("Struct, Value and ListValue nest without bound in the schema, but not on our wire")
    func tooDeepStruct() {
        // optional_value (306) → list_value (6) → values (1) → list_value → ...
        let chain = WireBytes.nested(levels: 50_000, path: [6, 1])
        let payload = WireBytes.key(306, 2) + WireBytes.varint(UInt64(chain.count)) + chain
        #expect {
            try TestAllTypes(serializedBytes: payload)
        } throws: { ($0 as? ProtoError)?.code == .tooDeep }
    }

    @Test("strings that are not UTF-8 are refused wherever they are, naming the field")
    func invalidUTF8() {
        let bad: [UInt8] = [0xC3, 0x28]
        let cases: [(String, [UInt8])] = [
            ("optional_string", WireBytes.key(14, 2) + [2] + bad),
            ("repeated_string", WireBytes.key(44, 2) + [1, 0x61] + WireBytes.key(44, 2) + [2] + bad),
            ("oneof_string", WireBytes.key(113, 2) + [2] + bad),
            ("key", WireBytes.key(69, 2) + [4] + WireBytes.key(1, 2) + [2] + bad),  // map_string_string key
            ("value", WireBytes.key(69, 2) + [4] + WireBytes.key(2, 2) + [2] + bad),
            ("optional_string", WireBytes.key(27, 2) + [4] + WireBytes.key(14, 2) + [2] + bad),  // nested
        ]
        for (field, bytes) in cases {
            #expect(performing: { try TestAllTypes(serializedBytes: bytes) }, throws: { error in
                let error = error as? ProtoError
                return error?.code == .invalidUTF8 && error?.fieldPath == field
            })
        }
        // Overlong encodings and lone surrogates are not UTF-8 either.
        for sequence: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]] {
            #expect(throws: ProtoError.self) {
                try TestAllTypes(serializedBytes: WireBytes.key(14, 2) + [UInt8(sequence.count)] + sequence)
            }
        }
        // The same bytes in a bytes field are fine.
        #expect(throws: Never.self) { try TestAllTypes(serializedBytes: [0x7A, 2, 0xC3, 0x28]) }
    }

    @Test("NUL inside a string on the wire is refused rather than truncated")
    func nulOnTheWire() {
        #expect {
            try TestAllTypes(serializedBytes: [0x72, 3, 0x61, 0x00, 0x62])
        } throws: { ($0 as? ProtoError)?.code == .unsupported }
    }

    @Test("invalid wire types, field number 0, groups and overlong varints")
    func invalidKeys() {
        let cases: [[UInt8]] = [
            [0x0F],  // wire type 7
            [0x0E],  // wire type 6
            [0x00, 0x01],  // field 0
            [0x0B],  // start group
            [0x0C],  // end group
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],  // field number past 2^29
            [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02],  // varint past 64 bits
            [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],  // 11-byte varint
        ]
        for bytes in cases {
            #expect(throws: ProtoError.self, "\(bytes)") { try TestAllTypes(serializedBytes: bytes) }
        }
    }

    // Messages without message fields (map entries, ForeignMessage) take a shorter check before
    // protobuf-c sees them (`cprotobufc_wire_skim`): the same rules must hold inside them.
    @Test("inside a map entry or a nested message without message fields, broken input is refused", arguments: [
        ("map_string_string (69)", 69 as UInt64),
        ("map_int32_int32 (56)", 56),
        ("optional_foreign_message (19)", 19),
    ])
    func brokenLeaf(_ field: String, number: UInt64) {
        let payloads: [(String, [UInt8])] = [
            ("field 0", [0x00, 0x01]),
            ("field 0, length-delimited", [0x02, 0x01, 0x61]),
            ("field number past 2^29", [0xF8, 0xFF, 0xFF, 0xFF, 0x7F, 0x01]),
            ("wire type 7", [0x0F]),
            ("start group", [0x0B]),
            ("varint past 64 bits", [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x02]),
            ("11-byte varint", [0x08] + [UInt8](repeating: 0x80, count: 10) + [0x01]),
            ("cut-off varint", [0x08, 0x80]),
            ("cut-off fixed64", [0x09, 1, 2, 3]),
            ("length past the end", [0x12, 5, 0x61]),
        ]
        for (what, payload) in payloads {
            let bytes = WireBytes.key(number, 2) + WireBytes.varint(UInt64(payload.count)) + payload
            #expect(throws: ProtoError.self, "\(field): \(what)") { try TestAllTypes(serializedBytes: bytes) }
        }
    }

    @Test("a map entry or a message without message fields counts as a level of nesting")
    func leafDepth() throws {
        // optional_foreign_message (19) with c = 1 and a map_string_string (69) entry: depth 2.
        let bytes = WireBytes.key(19, 2) + [2, 0x08, 0x01] + WireBytes.key(69, 2) + [6, 0x0A, 1, 0x6B, 0x12, 1, 0x76]
        let decoded = try TestAllTypes(serializedBytes: bytes, limits: DecodingLimits(maxDepth: 2))
        #expect(decoded.optionalForeignMessage?.c == 1 && decoded.mapStringString == ["k": "v"])
        #expect {
            try TestAllTypes(serializedBytes: WireBytes.key(19, 2) + [2, 0x08, 0x01], limits: DecodingLimits(maxDepth: 1))
        } throws: { ($0 as? ProtoError)?.code == .tooDeep }
        #expect {
            try TestAllTypes(serializedBytes: WireBytes.key(69, 2) + [3, 0x0A, 1, 0x6B], limits: DecodingLimits(maxDepth: 1))
        } throws: { ($0 as? ProtoError)?.code == .tooDeep }
    }

    @Test("NUL inside a map entry's string is refused rather than truncated")
    func nulInMapEntry() {
        // map_string_string (69): key "a\0b".
        #expect {
            try TestAllTypes(serializedBytes: WireBytes.key(69, 2) + [5, 0x0A, 3, 0x61, 0x00, 0x62])
        } throws: { ($0 as? ProtoError)?.code == .unsupported }
        // The same in the value, with a key that holds no zero byte.
        #expect {
            try TestAllTypes(serializedBytes: WireBytes.key(69, 2) + [8, 0x0A, 1, 0x6B, 0x12, 3, 0x61, 0x00, 0x62])
        } throws: { ($0 as? ProtoError)?.code == .unsupported }
    }

    @Test("every field number with every wire type and small payloads: an error or a message, never a crash")
    func wrongWireTypes() {
        var decoded = 0, rejected = 0
        for number in UInt64(1)...420 {
            for wireType in UInt64(0)...7 {
                var bytes = WireBytes.key(number, wireType)
                switch wireType {
                case 0: bytes += [0x96, 0x01]
                case 1: bytes += [UInt8](repeating: 0xFF, count: 8)
                case 2: bytes += [3, 0x08, 0x96, 0x01]
                case 5: bytes += [0, 0, 0x80, 0x7F]
                default: bytes += [0x01]
                }
                do {
                    let message = try TestAllTypes(serializedBytes: bytes)
                    _ = try message.serializedBytes()
                    decoded += 1
                } catch {
                    rejected += 1
                }
            }
        }
        #expect(decoded > 0 && rejected > 0)
    }

    @Test("a packed field whose last element is cut off is an error")
    func brokenPackedField() {
        // repeated_int64 (32), packed: length 3 holding 0x01 then a varint that never ends.
        #expect(throws: ProtoError.self) { try TestAllTypes(serializedBytes: WireBytes.key(32, 2) + [3, 0x01, 0x80, 0x80]) }
        // repeated_fixed32 (37), packed: 6 bytes is not a whole number of 4-byte values.
        #expect(throws: ProtoError.self) { try TestAllTypes(serializedBytes: WireBytes.key(37, 2) + [6, 1, 2, 3, 4, 5, 6]) }
    }
}
