import ConformanceProtos
import ProtoRuntime
import Testing
import WellKnownTypes

@Suite("Binary encoding through protobuf-c")
struct BinaryRoundTripTests {
    @Test("every field kind survives encode then decode")
    func everyFieldKind() throws {
        let message = Fixtures.everyFieldKind
        let bytes = try message.serializedBytes()
        let decoded = try TestAllTypes(serializedBytes: bytes)
        #expect(decoded == message)
        #expect(try message.serializedSize() == bytes.count)
    }

    @Test("a generic caller (as the RPC layer is) decodes arrays, and fails on bad bytes, as a concrete one does")
    func genericArrayDecode() throws {
        func decode<Message: SerializableMessage>(_ bytes: [UInt8], as _: Message.Type, limits: DecodingLimits = .default) throws(ProtoError) -> Message {
            try Message(serializedBytes: bytes, limits: limits)
        }
        let message = Fixtures.everyFieldKind
        let bytes = try message.serializedBytes()
        #expect(try decode(bytes, as: TestAllTypes.self) == message)
        #expect { try decode([0x39, 1, 2, 3], as: TestAllTypes.self) } throws: { ($0 as? ProtoError)?.code == .truncated }
        #expect { try decode(bytes, as: TestAllTypes.self, limits: DecodingLimits(maxBytes: bytes.count - 1)) } throws: {
            ($0 as? ProtoError)?.code == .tooLarge
        }
    }

    @Test("a default message encodes to zero bytes and zero bytes decode to it")
    func emptyMessage() throws {
        #expect(try TestAllTypes().serializedBytes().isEmpty)
        #expect(try TestAllTypes(serializedBytes: []) == TestAllTypes())
    }

    @Test("each oneof case round-trips, and the last one written wins on decode")
    func oneofCases() throws {
        let cases: [TestAllTypes.OneOf_OneofField] = [
            .oneofUint32(0), .oneofString(""), .oneofBytes([]), .oneofBool(false), .oneofUint64(.max),
            .oneofFloat(-1.5), .oneofDouble(2.5), .oneofEnum(.neg), .oneofNullValue(.nullValue),
            .oneofNestedMessage(TestAllTypes.NestedMessage()),
        ]
        for oneof in cases {
            var message = TestAllTypes()
            message.oneofField = oneof
            let decoded = try TestAllTypes(serializedBytes: try message.serializedBytes())
            #expect(decoded.oneofField == oneof, "\(oneof)")
        }
        // Two members of the same oneof on the wire: proto3 keeps the last.
        let first = try TestAllTypes.with { $0.oneofField = .oneofUint32(1) }.serializedBytes()
        let second = try TestAllTypes.with { $0.oneofField = .oneofString("last") }.serializedBytes()
        #expect(try TestAllTypes(serializedBytes: first + second).oneofField == .oneofString("last"))
    }

    @Test("unknown enum numbers are kept")
    func unknownEnumValues() throws {
        var message = TestAllTypes()
        message.optionalNestedEnum = .UNRECOGNIZED(12345)
        message.mapStringNestedEnum = ["x": .UNRECOGNIZED(-7)]
        let decoded = try TestAllTypes(serializedBytes: try message.serializedBytes())
        #expect(decoded.optionalNestedEnum == .UNRECOGNIZED(12345))
        #expect(decoded.mapStringNestedEnum["x"] == .UNRECOGNIZED(-7))
    }

    @Test("fields unknown to the decoding schema are preserved and re-emitted")
    func unknownFieldsPreserved() throws {
        // ForeignMessage knows only field 1 (`c`); everything else is unknown to it.
        var full = TestAllTypes()
        full.optionalInt32 = 1
        full.optionalString = "kept"
        full.repeatedFixed64 = [1, 2]
        full.optionalNestedMessage = TestAllTypes.NestedMessage.with { $0.a = 3 }
        let bytes = try full.serializedBytes()
        let narrow = try ProtobufTestMessages_Proto3_ForeignMessage(serializedBytes: bytes)
        #expect(narrow.c == 1)
        #expect(!narrow.unknownFields.isEmpty)
        let reencoded = try narrow.serializedBytes()
        #expect(try TestAllTypes(serializedBytes: reencoded) == full)
    }

    @Test("large strings and repeated fields")
    func largeValues() throws {
        var message = TestAllTypes()
        message.optionalString = String(repeating: "é", count: 300_000)
        message.repeatedInt32 = Array(0..<50_000)
        message.optionalBytes = [UInt8](repeating: 0xAB, count: 1 << 20)
        let decoded = try TestAllTypes(serializedBytes: try message.serializedBytes())
        #expect(decoded == message)
    }

    @Test("NaN and signed zero keep their bits")
    func floatingPointEdges() throws {
        var message = TestAllTypes()
        message.optionalDouble = .nan
        message.optionalFloat = -0.0
        message.repeatedDouble = [.signalingNaN, .greatestFiniteMagnitude]
        let decoded = try TestAllTypes(serializedBytes: try message.serializedBytes())
        #expect(decoded.optionalDouble.isNaN)
        #expect(decoded.optionalFloat.bitPattern == Float(-0.0).bitPattern)
        #expect(decoded.repeatedDouble[1] == .greatestFiniteMagnitude)
    }

    @Test("recursion 50 levels deep round-trips")
    func deepRecursion() throws {
        var message = TestAllTypes()
        for level in 0..<50 {
            var outer = TestAllTypes()
            outer.optionalInt32 = Int32(level)
            outer.recursiveMessage = message
            message = outer
        }
        #expect(try TestAllTypes(serializedBytes: try message.serializedBytes()) == message)
    }

    @Test("a string holding NUL is refused, not silently cut")
    func embeddedNul() {
        var message = TestAllTypes()
        message.optionalString = "before\0after"
        #expect(throws: ProtoError.self) { try message.serializedBytes() }
    }

    @Test("NUL is found at every position of strings of every length up to 40, and only NUL")
    func nulAtEveryPosition() throws {
        // The copy checks short strings, 8-16 byte strings and long ones in different ways.
        for length in 1...40 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(0x41 + $0 % 26))) })
            var message = TestAllTypes()
            message.repeatedString = [plain, String(repeating: "\u{80}", count: length)]
            #expect(try TestAllTypes(serializedBytes: try message.serializedBytes()) == message)
            for position in 0..<length {
                var utf8 = Array(plain.utf8)
                utf8[position] = 0
                message.optionalString = String(decoding: utf8, as: UTF8.self)
                #expect(throws: ProtoError.self, "length \(length), NUL at \(position)") { try message.serializedBytes() }
            }
        }
    }
}
