import ConformanceProtos
import PropertyBased
import ProtoRuntime
import WellKnownTypes

/// Random `TestAllTypesProto3` values for property-based tests, biased toward edge values
/// (zero, ±1, min, max, NaN, ±0.0, infinities, empty and long strings, unknown enum numbers).
enum RandomMessages {
    /// A generator for `propertyCheck`: random messages nested up to three levels.
    static let allTypes = Generator<TestAllTypes, Shrink.None<TestAllTypes>>(run: { rng in
        message(using: &rng, depth: 3, allowNaN: true)
    })

    /// Whether two messages are the same value, counting NaNs with equal bits as equal.
    ///
    /// NaN != NaN under `==`, so NaNs (which the generator puts only in top-level singular,
    /// repeated and oneof fields) are replaced by a number derived from their bits first.
    static func sameEncoding(_ lhs: TestAllTypes, _ rhs: TestAllTypes) throws -> Bool {
        withoutNaN(lhs) == withoutNaN(rhs)
    }

    static func message(using rng: inout some RandomNumberGenerator, depth: Int, allowNaN: Bool) -> TestAllTypes {
        var m = TestAllTypes()
        if chance(&rng) { m.optionalInt32 = integer(&rng) }
        if chance(&rng) { m.optionalInt64 = integer(&rng) }
        if chance(&rng) { m.optionalUint32 = integer(&rng) }
        if chance(&rng) { m.optionalUint64 = integer(&rng) }
        if chance(&rng) { m.optionalSint32 = integer(&rng) }
        if chance(&rng) { m.optionalSint64 = integer(&rng) }
        if chance(&rng) { m.optionalFixed32 = integer(&rng) }
        if chance(&rng) { m.optionalFixed64 = integer(&rng) }
        if chance(&rng) { m.optionalSfixed32 = integer(&rng) }
        if chance(&rng) { m.optionalSfixed64 = integer(&rng) }
        if chance(&rng) { m.optionalFloat = floating(&rng, allowNaN: allowNaN) }
        if chance(&rng) { m.optionalDouble = floating(&rng, allowNaN: allowNaN) }
        if chance(&rng) { m.optionalBool = Bool.random(using: &rng) }
        if chance(&rng) { m.optionalString = string(&rng) }
        if chance(&rng) { m.optionalBytes = bytes(&rng) }
        if chance(&rng) { m.optionalNestedEnum = .init(protoNumber: enumNumber(&rng)) }
        if chance(&rng) { m.optionalForeignEnum = .init(protoNumber: enumNumber(&rng)) }
        if chance(&rng) { m.optionalAliasedEnum = .init(protoNumber: enumNumber(&rng)) }
        if chance(&rng) { m.optionalNestedMessage = nested(&rng, depth: depth) }
        if chance(&rng) { m.optionalForeignMessage = Foreign.with { $0.c = integer(&rng) } }
        if depth > 0, chance(&rng) { m.recursiveMessage = message(using: &rng, depth: depth - 1, allowNaN: false) }

        if chance(&rng) { m.repeatedInt32 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedInt64 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedUint32 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedUint64 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedSint32 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedSint64 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedFixed32 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedFixed64 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedSfixed32 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedSfixed64 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.repeatedFloat = list(&rng) { floating(&$0, allowNaN: allowNaN) } }
        if chance(&rng) { m.repeatedDouble = list(&rng) { floating(&$0, allowNaN: allowNaN) } }
        if chance(&rng) { m.repeatedBool = list(&rng) { Bool.random(using: &$0) } }
        if chance(&rng) { m.repeatedString = list(&rng) { string(&$0) } }
        if chance(&rng) { m.repeatedBytes = list(&rng) { bytes(&$0) } }
        if chance(&rng) { m.repeatedNestedMessage = list(&rng) { nested(&$0, depth: depth) } }
        if chance(&rng) { m.repeatedNestedEnum = list(&rng) { .init(protoNumber: enumNumber(&$0)) } }
        if chance(&rng) { m.unpackedInt64 = list(&rng) { integer(&$0) } }
        if chance(&rng) { m.unpackedDouble = list(&rng) { floating(&$0, allowNaN: allowNaN) } }
        if chance(&rng) { m.unpackedNestedEnum = list(&rng) { .init(protoNumber: enumNumber(&$0)) } }

        if chance(&rng) { m.mapInt32Int32 = map(&rng) { (integer(&$0), integer(&$0)) } }
        if chance(&rng) { m.mapSint64Sint64 = map(&rng) { (integer(&$0), integer(&$0)) } }
        if chance(&rng) { m.mapFixed64Fixed64 = map(&rng) { (integer(&$0), integer(&$0)) } }
        if chance(&rng) { m.mapInt32Float = map(&rng) { (integer(&$0), floating(&$0, allowNaN: false)) } }
        if chance(&rng) { m.mapInt32Double = map(&rng) { (integer(&$0), floating(&$0, allowNaN: false)) } }
        if chance(&rng) { m.mapBoolBool = map(&rng) { (Bool.random(using: &$0), Bool.random(using: &$0)) } }
        if chance(&rng) { m.mapStringString = map(&rng) { (string(&$0), string(&$0)) } }
        if chance(&rng) { m.mapStringBytes = map(&rng) { (string(&$0), bytes(&$0)) } }
        if chance(&rng) { m.mapStringNestedMessage = map(&rng) { (string(&$0), nested(&$0, depth: depth)) } }
        if chance(&rng) { m.mapStringNestedEnum = map(&rng) { (string(&$0), .init(protoNumber: enumNumber(&$0))) } }

        if chance(&rng) {
            switch Int.random(in: 0..<9, using: &rng) {
            case 0: m.oneofField = .oneofUint32(integer(&rng))
            case 1: m.oneofField = .oneofNestedMessage(nested(&rng, depth: depth))
            case 2: m.oneofField = .oneofString(string(&rng))
            case 3: m.oneofField = .oneofBytes(bytes(&rng))
            case 4: m.oneofField = .oneofBool(Bool.random(using: &rng))
            case 5: m.oneofField = .oneofUint64(integer(&rng))
            case 6: m.oneofField = .oneofFloat(floating(&rng, allowNaN: allowNaN))
            case 7: m.oneofField = .oneofDouble(floating(&rng, allowNaN: allowNaN))
            default: m.oneofField = .oneofEnum(.init(protoNumber: enumNumber(&rng)))
            }
        }

        if chance(&rng) { m.optionalTimestamp = Google_Protobuf_Timestamp.with { $0.seconds = integer(&rng); $0.nanos = integer(&rng) } }
        if chance(&rng) { m.optionalDuration = Google_Protobuf_Duration.with { $0.seconds = integer(&rng); $0.nanos = integer(&rng) } }
        if chance(&rng) { m.optionalInt64Wrapper = Google_Protobuf_Int64Value.with { $0.value = integer(&rng) } }
        if chance(&rng) { m.optionalStringWrapper = Google_Protobuf_StringValue.with { $0.value = string(&rng) } }
        if chance(&rng) { m.optionalDoubleWrapper = Google_Protobuf_DoubleValue.with { $0.value = floating(&rng, allowNaN: false) } }
        if chance(&rng) {
            m.optionalStruct = Google_Protobuf_Struct.with {
                $0.fields = map(&rng) { (string(&$0), Google_Protobuf_Value.with { $0.kind = .stringValue("v") }) }
            }
        }
        if chance(&rng, 1, in: 8) {
            // Numbers the schema does not declare, one of each wire type.
            m.unknownFields.fields = [
                .init(number: 9000, wireType: 0, data: [0xAC, 0x02]),
                .init(number: 9001, wireType: 2, data: [2, 0xFF, 0x00]),
                .init(number: 9002, wireType: 5, data: [1, 2, 3, 4]),
            ]
        }
        return m
    }

    private static func nested(_ rng: inout some RandomNumberGenerator, depth: Int) -> Nested {
        var nested = Nested()
        if chance(&rng) { nested.a = integer(&rng) }
        if depth > 0, chance(&rng, 1, in: 4) {
            nested.corecursive = message(using: &rng, depth: depth - 1, allowNaN: false)
        }
        return nested
    }

    /// True with probability `numerator / denominator` (one in three by default).
    private static func chance(_ rng: inout some RandomNumberGenerator, _ numerator: Int = 1, in denominator: Int = 3) -> Bool {
        Int.random(in: 0..<denominator, using: &rng) < numerator
    }

    private static func integer<T: FixedWidthInteger>(_ rng: inout some RandomNumberGenerator) -> T {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: 0
        case 1: 1
        case 2: T.min
        case 3: T.max
        case 4: T.isSigned ? -1 : T.max - 1
        case 5: T(truncatingIfNeeded: Int.random(in: -300...300, using: &rng))
        default: T.random(in: T.min...T.max, using: &rng)
        }
    }

    private static func floating<T: BinaryFloatingPoint>(_ rng: inout some RandomNumberGenerator, allowNaN: Bool) -> T
    where T.RawSignificand: FixedWidthInteger {
        switch Int.random(in: 0..<(allowNaN ? 11 : 10), using: &rng) {
        case 0: 0
        case 1: -0.0
        case 2: .infinity
        case 3: -.infinity
        case 4: .greatestFiniteMagnitude
        case 5: -.leastNonzeroMagnitude
        case 6: .leastNormalMagnitude
        case 7: T(Int.random(in: -1000...1000, using: &rng)) / 8
        case 8, 9: T.random(in: -1e30...1e30, using: &rng)
        default: .nan
        }
    }

    private static func enumNumber(_ rng: inout some RandomNumberGenerator) -> Int32 {
        [0, 1, 2, -1, 77, Int32.max, Int32.min][Int.random(in: 0..<7, using: &rng)]
    }

    private static func string(_ rng: inout some RandomNumberGenerator) -> String {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return ""
        case 1: return "ascii text"
        case 2: return String(repeating: "long é ", count: Int.random(in: 100...3000, using: &rng))
        default:
            // Any scalar except NUL, which protobuf-c cannot carry inside a string.
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...24, using: &rng) {
                let ranges: [ClosedRange<UInt32>] = [1...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
                let range = ranges[Int.random(in: 0..<ranges.count, using: &rng)]
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(scalar) }
            }
            return String(scalars)
        }
    }

    private static func bytes(_ rng: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    private static func list<R: RandomNumberGenerator, T>(_ rng: inout R, _ element: (inout R) -> T) -> [T] {
        (0..<Int.random(in: 0...5, using: &rng)).map { _ in element(&rng) }
    }

    private static func map<R: RandomNumberGenerator, K: Hashable, V>(_ rng: inout R, _ entry: (inout R) -> (K, V)) -> [K: V] {
        var result: [K: V] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let (key, value) = entry(&rng)
            result[key] = value
        }
        return result
    }

    /// `message` with every NaN replaced by a finite number derived from its bits.
    private static func withoutNaN(_ message: TestAllTypes) -> TestAllTypes {
        func clean(_ value: Float) -> Float { value.isNaN ? Float(value.bitPattern % 1_000_003) + 0.5 : value }
        func clean(_ value: Double) -> Double { value.isNaN ? Double(value.bitPattern % 1_000_003) + 0.5 : value }
        var m = message
        m.optionalFloat = clean(m.optionalFloat)
        m.optionalDouble = clean(m.optionalDouble)
        m.repeatedFloat = m.repeatedFloat.map(clean)
        m.repeatedDouble = m.repeatedDouble.map(clean)
        m.unpackedDouble = m.unpackedDouble.map(clean)
        switch m.oneofField {
        case .oneofFloat(let value)?: m.oneofField = .oneofFloat(clean(value))
        case .oneofDouble(let value)?: m.oneofField = .oneofDouble(clean(value))
        default: break
        }
        return m
    }
}
