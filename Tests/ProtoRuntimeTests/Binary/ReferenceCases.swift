import ConformanceProtos
import ProtoRuntime
import Testing
import WellKnownTypes

/// One message and the text format protoc prints for it: the agreement table of `ReferenceTests`.
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    /// What the case covers.
    let name: String
    /// `protoc --decode` output for the message, exactly.
    let text: String
    /// The message as our generated API builds it.
    let build: @Sendable (inout TestAllTypes) -> Void
    /// Whether our bytes equal protoc's byte for byte (false where the encodings may legally
    /// differ: map entries with default keys or values, -0.0 beside other fields, several map entries).
    var canonical = true
    /// Whether the message holds a NaN, so values compare by encoding instead of `==`.
    var hasNaN = false

    var message: TestAllTypes {
        var message = TestAllTypes()
        build(&message)
        return message
    }

    var testDescription: String { name }
}

typealias Nested = TestAllTypes.NestedMessage
typealias Foreign = ProtobufTestMessages_Proto3_ForeignMessage

extension ReferenceCase {
    /// Every field kind of proto3, each with edge values.
    static let all: [ReferenceCase] = scalars + floatingPoint + textual + messagesAndEnums + repeated + maps
        + oneofs + wellKnown

    static let scalars: [ReferenceCase] = [
        .init(name: "int32 min", text: "optional_int32: -2147483648\n") { $0.optionalInt32 = .min },
        .init(name: "int32 max", text: "optional_int32: 2147483647\n") { $0.optionalInt32 = .max },
        .init(name: "int64 min", text: "optional_int64: -9223372036854775808\n") { $0.optionalInt64 = .min },
        .init(name: "int64 max", text: "optional_int64: 9223372036854775807\n") { $0.optionalInt64 = .max },
        .init(name: "uint32 max", text: "optional_uint32: 4294967295\n") { $0.optionalUint32 = .max },
        .init(name: "uint64 max", text: "optional_uint64: 18446744073709551615\n") { $0.optionalUint64 = .max },
        .init(name: "sint32 min", text: "optional_sint32: -2147483648\n") { $0.optionalSint32 = .min },
        .init(name: "sint32 -1", text: "optional_sint32: -1\n") { $0.optionalSint32 = -1 },
        .init(name: "sint64 min", text: "optional_sint64: -9223372036854775808\n") { $0.optionalSint64 = .min },
        .init(name: "sint64 max", text: "optional_sint64: 9223372036854775807\n") { $0.optionalSint64 = .max },
        .init(name: "fixed32 max", text: "optional_fixed32: 4294967295\n") { $0.optionalFixed32 = .max },
        .init(name: "fixed64 max", text: "optional_fixed64: 18446744073709551615\n") { $0.optionalFixed64 = .max },
        .init(name: "sfixed32 min", text: "optional_sfixed32: -2147483648\n") { $0.optionalSfixed32 = .min },
        .init(name: "sfixed64 min", text: "optional_sfixed64: -9223372036854775808\n") { $0.optionalSfixed64 = .min },
        .init(name: "bool", text: "optional_bool: true\n") { $0.optionalBool = true },
        .init(name: "defaults are not written", text: "") {
            $0.optionalInt32 = 0
            $0.optionalString = ""
            $0.optionalBool = false
            $0.optionalNestedEnum = .foo
        },
        .init(
            name: "every scalar at once",
            text: """
                optional_int32: -1
                optional_int64: -1
                optional_uint32: 1
                optional_uint64: 1
                optional_sint32: -2
                optional_sint64: -2
                optional_fixed32: 3
                optional_fixed64: 3
                optional_sfixed32: -4
                optional_sfixed64: -4
                optional_float: 0.5
                optional_double: 0.25
                optional_bool: true

                """
        ) {
            $0.optionalInt32 = -1
            $0.optionalInt64 = -1
            $0.optionalUint32 = 1
            $0.optionalUint64 = 1
            $0.optionalSint32 = -2
            $0.optionalSint64 = -2
            $0.optionalFixed32 = 3
            $0.optionalFixed64 = 3
            $0.optionalSfixed32 = -4
            $0.optionalSfixed64 = -4
            $0.optionalFloat = 0.5
            $0.optionalDouble = 0.25
            $0.optionalBool = true
        },
    ]

    static let floatingPoint: [ReferenceCase] = [
        .init(name: "float", text: "optional_float: 3.25\n") { $0.optionalFloat = 3.25 },
        .init(name: "float -0", text: "optional_float: -0\n") { $0.optionalFloat = -0.0 },
        .init(name: "double -0", text: "optional_double: -0\n") { $0.optionalDouble = -0.0 },
        .init(name: "float NaN", text: "optional_float: nan\n", build: { $0.optionalFloat = .nan }, hasNaN: true),
        .init(name: "double NaN", text: "optional_double: nan\n", build: { $0.optionalDouble = .nan }, hasNaN: true),
        .init(name: "float infinity", text: "optional_float: inf\n") { $0.optionalFloat = .infinity },
        .init(name: "double -infinity", text: "optional_double: -inf\n") { $0.optionalDouble = -.infinity },
        .init(name: "float max", text: "optional_float: 3.40282347e+38\n") { $0.optionalFloat = .greatestFiniteMagnitude },
        .init(name: "float subnormal", text: "optional_float: 1.40129846e-45\n") { $0.optionalFloat = .leastNonzeroMagnitude },
        .init(name: "double max", text: "optional_double: 1.7976931348623157e+308\n") {
            $0.optionalDouble = .greatestFiniteMagnitude
        },
        .init(name: "double subnormal", text: "optional_double: 4.94065645841247e-324\n") { $0.optionalDouble = .leastNonzeroMagnitude },
        .init(name: "double 1e-300", text: "optional_double: 1e-300\n") { $0.optionalDouble = 1e-300 },
        .init(
            name: "-0 beside later fields", text: "optional_float: -0\noptional_double: 1\n",
            build: {
                $0.optionalFloat = -0.0
                $0.optionalDouble = 1
            }, canonical: false),
        .init(name: "repeated -0 and NaN", text: "repeated_float: -0\nrepeated_float: nan\nrepeated_double: -0\n",
              build: {
                  $0.repeatedFloat = [-0.0, .nan]
                  $0.repeatedDouble = [-0.0]
              }, hasNaN: true),
    ]

    static let textual: [ReferenceCase] = [
        .init(name: "ASCII string", text: "optional_string: \"hello\"\n") { $0.optionalString = "hello" },
        .init(name: "non-ASCII string", text: "optional_string: \"Zo\\303\\253 \\360\\237\\230\\200\"\n") {
            $0.optionalString = "Zoë 😀"
        },
        .init(name: "string escapes", text: "optional_string: \"q\\\"b\\\\n\\nt\\t\\'\"\n") {
            $0.optionalString = "q\"b\\n\nt\t'"
        },
        .init(name: "long string", text: "optional_string: \"\(String(repeating: "abcdefgh", count: 8192))\"\n") {
            $0.optionalString = String(repeating: "abcdefgh", count: 8192)
        },
        .init(name: "bytes with NUL and high bytes", text: "optional_bytes: \"\\000\\001\\377\\000\"\n") {
            $0.optionalBytes = [0, 1, 0xFF, 0]
        },
        .init(name: "string piece and cord", text: "optional_string_piece: \"p\"\noptional_cord: \"c\"\n") {
            $0.optionalStringPiece = "p"
            $0.optionalCord = "c"
        },
    ]

    static let messagesAndEnums: [ReferenceCase] = [
        .init(name: "empty nested message is present", text: "optional_nested_message {\n}\n") {
            $0.optionalNestedMessage = Nested()
        },
        .init(name: "nested message", text: "optional_nested_message {\n  a: 9\n}\n") {
            $0.optionalNestedMessage = Nested.with { $0.a = 9 }
        },
        .init(name: "foreign message", text: "optional_foreign_message {\n  c: -3\n}\n") {
            $0.optionalForeignMessage = Foreign.with { $0.c = -3 }
        },
        .init(
            name: "recursion three deep",
            text: """
                recursive_message {
                  optional_int32: 1
                  recursive_message {
                    optional_int32: 2
                    recursive_message {
                      optional_int32: 3
                    }
                  }
                }

                """
        ) {
            var inner = TestAllTypes()
            inner.optionalInt32 = 3
            var middle = TestAllTypes()
            middle.optionalInt32 = 2
            middle.recursiveMessage = inner
            var outer = TestAllTypes()
            outer.optionalInt32 = 1
            outer.recursiveMessage = middle
            $0.recursiveMessage = outer
        },
        .init(name: "co-recursion through NestedMessage", text: "optional_nested_message {\n  corecursive {\n    optional_bool: true\n  }\n}\n") {
            $0.optionalNestedMessage = Nested.with { $0.corecursive = TestAllTypes.with { $0.optionalBool = true } }
        },
        .init(name: "enums by name, negative value", text: "optional_nested_enum: NEG\noptional_foreign_enum: FOREIGN_BAZ\n") {
            $0.optionalNestedEnum = .neg
            $0.optionalForeignEnum = .foreignBaz
        },
        .init(name: "aliased enum prints its first name", text: "optional_aliased_enum: ALIAS_BAZ\n") {
            $0.optionalAliasedEnum = .aliasBaz
        },
        .init(name: "unknown enum number", text: "optional_nested_enum: 12345\n") {
            $0.optionalNestedEnum = .UNRECOGNIZED(12345)
        },
        .init(name: "unknown negative enum number", text: "optional_foreign_enum: -70000\n") {
            $0.optionalForeignEnum = .UNRECOGNIZED(-70000)
        },
    ]

    static let repeated: [ReferenceCase] = [
        .init(
            name: "repeated integers (packed)",
            text: """
                repeated_int32: -1
                repeated_int32: 2147483647
                repeated_int64: -9223372036854775808
                repeated_uint32: 4294967295
                repeated_uint64: 18446744073709551615
                repeated_sint32: -2147483648
                repeated_sint64: 9223372036854775807
                repeated_fixed32: 0
                repeated_fixed64: 1
                repeated_sfixed32: -1
                repeated_sfixed64: -2

                """
        ) {
            $0.repeatedInt32 = [-1, .max]
            $0.repeatedInt64 = [.min]
            $0.repeatedUint32 = [.max]
            $0.repeatedUint64 = [.max]
            $0.repeatedSint32 = [.min]
            $0.repeatedSint64 = [.max]
            $0.repeatedFixed32 = [0]
            $0.repeatedFixed64 = [1]
            $0.repeatedSfixed32 = [-1]
            $0.repeatedSfixed64 = [-2]
        },
        .init(name: "repeated floats and bools", text: "repeated_float: 1.5\nrepeated_double: -2.5\nrepeated_double: inf\nrepeated_bool: true\nrepeated_bool: false\n") {
            $0.repeatedFloat = [1.5]
            $0.repeatedDouble = [-2.5, .infinity]
            $0.repeatedBool = [true, false]
        },
        .init(name: "repeated strings and bytes, empty elements kept", text: "repeated_string: \"\"\nrepeated_string: \"x\"\nrepeated_bytes: \"\"\nrepeated_bytes: \"\\001\"\n") {
            $0.repeatedString = ["", "x"]
            $0.repeatedBytes = [[], [1]]
        },
        .init(name: "repeated messages, empty elements kept", text: "repeated_nested_message {\n  a: 1\n}\nrepeated_nested_message {\n}\nrepeated_foreign_message {\n  c: 2\n}\n") {
            $0.repeatedNestedMessage = [Nested.with { $0.a = 1 }, Nested()]
            $0.repeatedForeignMessage = [Foreign.with { $0.c = 2 }]
        },
        .init(name: "repeated enums with an unknown number", text: "repeated_nested_enum: FOO\nrepeated_nested_enum: NEG\nrepeated_nested_enum: 99\nrepeated_foreign_enum: FOREIGN_BAR\n") {
            $0.repeatedNestedEnum = [.foo, .neg, .UNRECOGNIZED(99)]
            $0.repeatedForeignEnum = [.foreignBar]
        },
        .init(name: "explicitly packed", text: "packed_int32: 1\npacked_int32: -1\npacked_sint64: -5\npacked_fixed64: 7\npacked_double: 0.5\npacked_bool: true\npacked_nested_enum: BAZ\n") {
            $0.packedInt32 = [1, -1]
            $0.packedSint64 = [-5]
            $0.packedFixed64 = [7]
            $0.packedDouble = [0.5]
            $0.packedBool = [true]
            $0.packedNestedEnum = [.baz]
        },
        .init(name: "unpacked", text: "unpacked_int32: 1\nunpacked_int32: 2\nunpacked_uint64: 18446744073709551615\nunpacked_sfixed32: -9\nunpacked_float: 0.25\nunpacked_bool: false\nunpacked_nested_enum: BAR\n") {
            $0.unpackedInt32 = [1, 2]
            $0.unpackedUint64 = [.max]
            $0.unpackedSfixed32 = [-9]
            $0.unpackedFloat = [0.25]
            $0.unpackedBool = [false]
            $0.unpackedNestedEnum = [.bar]
        },
    ]

    static let maps: [ReferenceCase] = [
        map("int32", "map_int32_int32 {\n  key: -1\n  value: 2147483647\n}\n") { $0.mapInt32Int32 = [-1: .max] },
        map("int64", "map_int64_int64 {\n  key: -9223372036854775808\n  value: 9223372036854775807\n}\n") {
            $0.mapInt64Int64 = [.min: .max]
        },
        map("uint32", "map_uint32_uint32 {\n  key: 4294967295\n  value: 1\n}\n") { $0.mapUint32Uint32 = [.max: 1] },
        map("uint64", "map_uint64_uint64 {\n  key: 1\n  value: 18446744073709551615\n}\n") { $0.mapUint64Uint64 = [1: .max] },
        map("sint32", "map_sint32_sint32 {\n  key: -2147483648\n  value: -1\n}\n") { $0.mapSint32Sint32 = [.min: -1] },
        map("sint64", "map_sint64_sint64 {\n  key: -1\n  value: -9223372036854775808\n}\n") { $0.mapSint64Sint64 = [-1: .min] },
        map("fixed32", "map_fixed32_fixed32 {\n  key: 1\n  value: 4294967295\n}\n") { $0.mapFixed32Fixed32 = [1: .max] },
        map("fixed64", "map_fixed64_fixed64 {\n  key: 18446744073709551615\n  value: 2\n}\n") { $0.mapFixed64Fixed64 = [.max: 2] },
        map("sfixed32", "map_sfixed32_sfixed32 {\n  key: -5\n  value: 5\n}\n") { $0.mapSfixed32Sfixed32 = [-5: 5] },
        map("sfixed64", "map_sfixed64_sfixed64 {\n  key: 6\n  value: -6\n}\n") { $0.mapSfixed64Sfixed64 = [6: -6] },
        map("float", "map_int32_float {\n  key: 1\n  value: -0\n}\n") { $0.mapInt32Float = [1: -0.0] },
        map("double", "map_int32_double {\n  key: 2\n  value: 1e-300\n}\n") { $0.mapInt32Double = [2: 1e-300] },
        map("bool", "map_bool_bool {\n  key: true\n  value: true\n}\n") { $0.mapBoolBool = [true: true] },
        map("string", "map_string_string {\n  key: \"cl\\303\\251\"\n  value: \"v\"\n}\n") { $0.mapStringString = ["clé": "v"] },
        map("bytes", "map_string_bytes {\n  key: \"b\"\n  value: \"\\000\\001\"\n}\n") { $0.mapStringBytes = ["b": [0, 1]] },
        map("nested message", "map_string_nested_message {\n  key: \"n\"\n  value {\n    a: 4\n  }\n}\n") {
            $0.mapStringNestedMessage = ["n": Nested.with { $0.a = 4 }]
        },
        map("foreign message", "map_string_foreign_message {\n  key: \"f\"\n  value {\n    c: 5\n  }\n}\n") {
            $0.mapStringForeignMessage = ["f": Foreign.with { $0.c = 5 }]
        },
        map("nested enum, unknown value", "map_string_nested_enum {\n  key: \"e\"\n  value: 42\n}\n") {
            $0.mapStringNestedEnum = ["e": .UNRECOGNIZED(42)]
        },
        map("foreign enum", "map_string_foreign_enum {\n  key: \"g\"\n  value: FOREIGN_BAR\n}\n") {
            $0.mapStringForeignEnum = ["g": .foreignBar]
        },
        // protoc writes default keys and values of map entries; protobuf-c leaves them out, which
        // decodes to the same entry.
        .init(name: "map entry with default key and value", text: "map_int32_int32 {\n  key: 0\n  value: 0\n}\n", build: {
            $0.mapInt32Int32 = [0: 0]
        }, canonical: false),
        .init(name: "map entry with an empty message value", text: "map_string_nested_message {\n  key: \"k\"\n  value {\n  }\n}\n") {
            $0.mapStringNestedMessage = ["k": Nested()]
        },
    ]

    static let oneofs: [ReferenceCase] = [
        .init(name: "oneof uint32 zero is present", text: "oneof_uint32: 0\n") { $0.oneofField = .oneofUint32(0) },
        .init(name: "oneof empty string is present", text: "oneof_string: \"\"\n") { $0.oneofField = .oneofString("") },
        .init(name: "oneof bytes", text: "oneof_bytes: \"\\377\"\n") { $0.oneofField = .oneofBytes([0xFF]) },
        .init(name: "oneof bool false", text: "oneof_bool: false\n") { $0.oneofField = .oneofBool(false) },
        .init(name: "oneof uint64 max", text: "oneof_uint64: 18446744073709551615\n") { $0.oneofField = .oneofUint64(.max) },
        .init(name: "oneof float -0", text: "oneof_float: -0\n") { $0.oneofField = .oneofFloat(-0.0) },
        .init(name: "oneof double", text: "oneof_double: -1.5\n") { $0.oneofField = .oneofDouble(-1.5) },
        .init(name: "oneof enum", text: "oneof_enum: NEG\n") { $0.oneofField = .oneofEnum(.neg) },
        .init(name: "oneof null value", text: "oneof_null_value: NULL_VALUE\n") { $0.oneofField = .oneofNullValue(.nullValue) },
        .init(name: "oneof empty message", text: "oneof_nested_message {\n}\n") { $0.oneofField = .oneofNestedMessage(Nested()) },
    ]

    static let wellKnown: [ReferenceCase] = [
        .init(name: "timestamp and duration", text: "optional_duration {\n  seconds: -315576000000\n  nanos: -999999999\n}\noptional_timestamp {\n  seconds: 1767258000\n  nanos: 123000000\n}\n") {
            $0.optionalDuration = Google_Protobuf_Duration.with {
                $0.seconds = -315_576_000_000
                $0.nanos = -999_999_999
            }
            $0.optionalTimestamp = Google_Protobuf_Timestamp.with {
                $0.seconds = 1_767_258_000
                $0.nanos = 123_000_000
            }
        },
        .init(name: "wrappers holding defaults are present", text: "optional_bool_wrapper {\n}\noptional_int64_wrapper {\n  value: -9223372036854775808\n}\noptional_float_wrapper {\n  value: -0\n}\noptional_string_wrapper {\n}\n") {
            $0.optionalBoolWrapper = Google_Protobuf_BoolValue()
            $0.optionalInt64Wrapper = Google_Protobuf_Int64Value.with { $0.value = .min }
            $0.optionalFloatWrapper = Google_Protobuf_FloatValue.with { $0.value = -0.0 }
            $0.optionalStringWrapper = Google_Protobuf_StringValue()
        },
        .init(name: "repeated wrappers", text: "repeated_uint32_wrapper {\n  value: 1\n}\nrepeated_bytes_wrapper {\n  value: \"\\000\"\n}\n") {
            $0.repeatedUint32Wrapper = [Google_Protobuf_UInt32Value.with { $0.value = 1 }]
            $0.repeatedBytesWrapper = [Google_Protobuf_BytesValue.with { $0.value = [0] }]
        },
        .init(name: "field mask", text: "optional_field_mask {\n  paths: \"a.b\"\n  paths: \"c_d\"\n}\n") {
            $0.optionalFieldMask = Google_Protobuf_FieldMask.with { $0.paths = ["a.b", "c_d"] }
        },
        .init(name: "struct, value and list", text: "optional_struct {\n  fields {\n    key: \"l\"\n    value {\n      list_value {\n        values {\n          null_value: NULL_VALUE\n        }\n        values {\n          bool_value: true\n        }\n      }\n    }\n  }\n}\noptional_value {\n  number_value: 2.5\n}\n") {
            var list = Google_Protobuf_ListValue()
            list.values = [
                Google_Protobuf_Value.with { $0.kind = .nullValue(.nullValue) },
                Google_Protobuf_Value.with { $0.kind = .boolValue(true) },
            ]
            $0.optionalStruct = Google_Protobuf_Struct.with {
                $0.fields = ["l": Google_Protobuf_Value.with { $0.kind = .listValue(list) }]
            }
            $0.optionalValue = Google_Protobuf_Value.with { $0.kind = .numberValue(2.5) }
        },
        .init(name: "any", text: "optional_any {\n  type_url: \"type.googleapis.com/protobuf_test_messages.proto3.ForeignMessage\"\n  value: \"\\010\\007\"\n}\n") {
            $0.optionalAny = Google_Protobuf_Any.with {
                $0.typeUrl = "type.googleapis.com/protobuf_test_messages.proto3.ForeignMessage"
                $0.value = [0x08, 0x07]
            }
        },
    ]

    private static func map(_ kind: String, _ text: String, _ build: @escaping @Sendable (inout TestAllTypes) -> Void) -> ReferenceCase {
        ReferenceCase(name: "map of \(kind)", text: text, build: build)
    }
}
