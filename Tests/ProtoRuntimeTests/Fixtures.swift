import ConformanceProtos
import ProtoRuntime
import WellKnownTypes

typealias TestAllTypes = ProtobufTestMessages_Proto3_TestAllTypesProto3

/// Messages shared by the runtime tests.
enum Fixtures {
    /// A message with every field kind set, including edge values.
    static var everyFieldKind: TestAllTypes {
        var message = TestAllTypes()
        message.optionalInt32 = .min
        message.optionalInt64 = .max
        message.optionalUint32 = .max
        message.optionalUint64 = .max
        message.optionalSint32 = -123_456
        message.optionalSint64 = .min
        message.optionalFixed32 = 0xDEAD_BEEF
        message.optionalFixed64 = 0xDEAD_BEEF_CAFE_F00D
        message.optionalSfixed32 = -1
        message.optionalSfixed64 = -9_000_000_000
        message.optionalFloat = 3.25
        message.optionalDouble = -1e300
        message.optionalBool = true
        message.optionalString = "Zoë 😀 — ünïcödé"
        message.optionalBytes = [0, 1, 2, 0xFF, 0]
        var nested = TestAllTypes.NestedMessage()
        nested.a = 42
        message.optionalNestedMessage = nested
        var foreign = ProtobufTestMessages_Proto3_ForeignMessage()
        foreign.c = 7
        message.optionalForeignMessage = foreign
        message.optionalNestedEnum = .baz
        message.optionalForeignEnum = .foreignBar
        message.optionalAliasedEnum = .aliasBar
        var recursive = TestAllTypes()
        recursive.optionalInt32 = 5
        message.recursiveMessage = recursive
        message.repeatedInt32 = [1, -2, .max, .min]
        message.repeatedInt64 = [.max, .min, 0]
        message.repeatedUint32 = [0, .max]
        message.repeatedUint64 = [.max]
        message.repeatedSint32 = [-1, 1]
        message.repeatedSint64 = [.min, .max]
        message.repeatedFixed32 = [1, 2]
        message.repeatedFixed64 = [3]
        message.repeatedSfixed32 = [-3]
        message.repeatedSfixed64 = [-4]
        message.repeatedFloat = [1.5, -0.0]
        message.repeatedDouble = [.infinity, -.infinity, .leastNonzeroMagnitude]
        message.repeatedBool = [true, false, true]
        message.repeatedString = ["", "a", String(repeating: "long ", count: 2000)]
        message.repeatedBytes = [[], [1], [2, 3]]
        message.repeatedNestedMessage = [nested, TestAllTypes.NestedMessage()]
        message.repeatedForeignMessage = [foreign]
        message.repeatedNestedEnum = [.foo, .bar, .neg, .UNRECOGNIZED(77)]
        message.repeatedForeignEnum = [.foreignBaz]
        message.packedInt32 = [1, 2, 3]
        message.packedSint64 = [-1, -2]
        message.packedDouble = [0.5]
        message.packedBool = [true]
        message.packedNestedEnum = [.bar]
        message.unpackedInt32 = [9, 8]
        message.unpackedNestedEnum = [.baz]
        message.mapInt32Int32 = [1: -1, -5: 5]
        message.mapInt64Int64 = [.max: .min]
        message.mapUint32Uint32 = [.max: 0]
        message.mapUint64Uint64 = [1: .max]
        message.mapSint32Sint32 = [-7: 7]
        message.mapSint64Sint64 = [.min: -1]
        message.mapFixed32Fixed32 = [3: 4]
        message.mapFixed64Fixed64 = [5: 6]
        message.mapSfixed32Sfixed32 = [-8: 8]
        message.mapSfixed64Sfixed64 = [-9: 9]
        message.mapInt32Float = [1: 0.25]
        message.mapInt32Double = [2: 1e-300]
        message.mapBoolBool = [true: false, false: true]
        message.mapStringString = ["": "empty key", "clé": "välue"]
        message.mapStringBytes = ["b": [0, 0, 1]]
        message.mapStringNestedMessage = ["n": nested, "empty": TestAllTypes.NestedMessage()]
        message.mapStringForeignMessage = ["f": foreign]
        message.mapStringNestedEnum = ["e": .neg]
        message.mapStringForeignEnum = ["g": .foreignFoo]
        message.optionalBoolWrapper = Google_Protobuf_BoolValue.with { $0.value = true }
        message.optionalInt64Wrapper = Google_Protobuf_Int64Value.with { $0.value = .min }
        message.optionalStringWrapper = Google_Protobuf_StringValue.with { $0.value = "" }
        message.repeatedBytesWrapper = [Google_Protobuf_BytesValue.with { $0.value = [9] }]
        message.optionalDuration = Google_Protobuf_Duration.with {
            $0.seconds = -315_576_000_000
            $0.nanos = -999_999_999
        }
        message.optionalTimestamp = Google_Protobuf_Timestamp.with {
            $0.seconds = 1_767_258_000
            $0.nanos = 123_000_000
        }
        message.optionalFieldMask = Google_Protobuf_FieldMask.with { $0.paths = ["a.b", "c_d"] }
        var value = Google_Protobuf_Value()
        value.kind = .stringValue("x")
        var listValue = Google_Protobuf_ListValue()
        listValue.values = [value, Google_Protobuf_Value.with { $0.kind = .nullValue(.nullValue) }]
        message.optionalStruct = Google_Protobuf_Struct.with {
            $0.fields = ["s": value, "l": Google_Protobuf_Value.with { $0.kind = .listValue(listValue) }]
        }
        message.optionalAny = Google_Protobuf_Any.with {
            $0.typeUrl = "type.googleapis.com/protobuf_test_messages.proto3.ForeignMessage"
            $0.value = (try? foreign.serializedBytes()) ?? []
        }
        message.optionalValue = Google_Protobuf_Value.with { $0.kind = .numberValue(2.5) }
        message.repeatedListValue = [listValue]
        message.fieldname1 = 1
        message.fIELDNAME11 = 11
        message.fieldName18 = 18
        message.oneofField = .oneofNestedMessage(nested)
        return message
    }
}
