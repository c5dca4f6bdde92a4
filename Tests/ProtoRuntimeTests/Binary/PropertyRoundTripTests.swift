import ConformanceProtos
import PropertyBased
import ProtoRuntime
import Testing
import WellKnownTypes

/// Round trips over generated inputs: every field kind, with shrinking where the library offers it.
@Suite("Binary round trips hold for generated values")
struct PropertyRoundTripTests {
    @Test("every integer kind, singular, repeated and in maps")
    func integers() async {
        await propertyCheck(count: 300, input: Gen.int64(), Gen.uint64(), Gen.int32(), Gen.uint32()) { i64, u64, i32, u32 in
            var message = TestAllTypes()
            message.optionalInt32 = i32
            message.optionalInt64 = i64
            message.optionalUint32 = u32
            message.optionalUint64 = u64
            message.optionalSint32 = i32
            message.optionalSint64 = i64
            message.optionalFixed32 = u32
            message.optionalFixed64 = u64
            message.optionalSfixed32 = i32
            message.optionalSfixed64 = i64
            message.repeatedInt64 = [i64, 0, i64]
            message.repeatedSint32 = [i32]
            message.unpackedUint64 = [u64, u64]
            message.packedSfixed64 = [i64]
            message.mapInt64Int64 = [i64: i64]
            message.mapUint32Uint32 = [u32: u32]
            message.mapSint32Sint32 = [i32: i32]
            message.mapSfixed64Sfixed64 = [i64: -1]
            message.oneofField = .oneofUint64(u64)
            try expectRoundTrip(message)
        }
    }

    @Test("every float and double bit pattern keeps its bits: NaN payloads, -0.0, subnormals, infinities")
    func floatingPointBits() async {
        await propertyCheck(count: 300, input: Gen.uint32(), Gen.uint64()) { floatBits, doubleBits in
            let float = Float(bitPattern: floatBits), double = Double(bitPattern: doubleBits)
            var message = TestAllTypes()
            message.optionalFloat = float
            message.optionalDouble = double
            message.repeatedFloat = [float, -0.0]
            message.unpackedDouble = [double]
            message.mapInt32Double = [1: double]
            message.mapInt32Float = [2: float]
            let decoded = try TestAllTypes(serializedBytes: try message.serializedBytes())
            #expect(decoded.optionalFloat.bitPattern == floatBits)
            #expect(decoded.optionalDouble.bitPattern == doubleBits)
            #expect(decoded.repeatedFloat.map(\.bitPattern) == [floatBits, Float(-0.0).bitPattern])
            #expect(decoded.unpackedDouble.map(\.bitPattern) == [doubleBits])
            #expect(decoded.mapInt32Double[1]?.bitPattern == doubleBits)
            #expect(decoded.mapInt32Float[2]?.bitPattern == floatBits)
        }
    }

    @Test("strings of any Unicode scalars but NUL, and bytes of any values")
    func stringsAndBytes() async {
        // Two ranges around the surrogates, which are not scalars.
        let scalar = Gen.oneOf(Gen.unicodeScalar(in: "\u{1}"..."\u{D7FF}"), Gen.unicodeScalar(in: "\u{E000}"..."\u{10FFFF}"))
        let text = scalar.array(of: 0...64).map { String(String.UnicodeScalarView($0)) }
        let bytes = Gen.uint8().array(of: 0...256)
        await propertyCheck(count: 300, input: text, bytes) { string, data in
            var message = TestAllTypes()
            message.optionalString = string
            message.optionalBytes = data
            message.repeatedString = [string, "", string]
            message.repeatedBytes = [data, []]
            message.mapStringString = [string: string]
            message.mapStringBytes = [string: data]
            message.oneofField = .oneofString(string)
            try expectRoundTrip(message)
        }
    }

    @Test("enums keep known and unknown numbers")
    func enums() async {
        await propertyCheck(count: 200, input: Gen.int32()) { number in
            var message = TestAllTypes()
            message.optionalNestedEnum = .init(protoNumber: number)
            message.repeatedForeignEnum = [.init(protoNumber: number), .foreignBar]
            message.mapStringNestedEnum = ["k": .init(protoNumber: number)]
            let decoded = try TestAllTypes(serializedBytes: try message.serializedBytes())
            #expect(decoded.optionalNestedEnum.protoNumber == number)
            #expect(decoded.repeatedForeignEnum.map(\.protoNumber) == [number, 1])
            #expect(decoded.mapStringNestedEnum["k"]?.protoNumber == number)
        }
    }

    @Test("random whole messages: decode inverts encode, and the size is exact")
    func wholeMessages() async {
        await propertyCheck(count: 400, input: RandomMessages.allTypes) { message in
            let bytes = try message.serializedBytes()
            #expect(try message.serializedSize() == bytes.count)
            let decoded = try TestAllTypes(serializedBytes: bytes)
            #expect(try RandomMessages.sameEncoding(decoded, message))
            // withSerializedBytes hands out the same encoding without the array.
            #expect(try message.withSerializedBytes { Array($0) }.count == bytes.count)
        }
    }

    @Test("a schema that knows fewer fields keeps the rest as unknown fields and re-emits them")
    func unknownFieldsSurviveNarrowSchema() async {
        await propertyCheck(count: 200, input: RandomMessages.allTypes) { message in
            // ForeignMessage declares only field 1 (int32, like TestAllTypes' optional_int32).
            let narrow = try Foreign(serializedBytes: try message.serializedBytes())
            #expect(narrow.c == message.optionalInt32)
            let widened = try TestAllTypes(serializedBytes: try narrow.serializedBytes())
            #expect(try RandomMessages.sameEncoding(widened, message))
        }
    }

    private func expectRoundTrip(_ message: TestAllTypes, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try message.serializedBytes()
        #expect(try TestAllTypes(serializedBytes: bytes) == message, sourceLocation: sourceLocation)
        #expect(try message.serializedSize() == bytes.count, sourceLocation: sourceLocation)
    }
}
