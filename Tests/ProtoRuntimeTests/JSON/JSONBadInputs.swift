import ProtoRuntime
import Testing

/// JSON that no proto3 JSON parser may accept as a TestAllTypesProto3, with the error our
/// parser must give: its code and, where a field is at fault, the field's path.
enum JSONBadInputs {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var code: ProtoError.Code
        var fieldPath: String?

        var testDescription: String { name }
    }

    static let anyURL = "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3"

    /// Text that is not JSON, or JSON the mapping forbids (duplicates).
    static let invalidJSON: [Case] = [
        Case(name: "trailing comma", json: #"{"optionalInt32": 1,}"#, code: .invalidJSON),
        Case(name: "unterminated string", json: #"{"optionalString": "abc}"#, code: .invalidJSON),
        Case(name: "comment", json: #"{/* no */}"#, code: .invalidJSON),
        Case(name: "single quotes", json: #"{'optionalInt32': 1}"#, code: .invalidJSON),
        Case(name: "bare NaN", json: #"{"optionalDouble": NaN}"#, code: .invalidJSON),
        Case(name: "leading zero", json: #"{"optionalInt32": 01}"#, code: .invalidJSON),
        Case(name: "trailing garbage", json: #"{} x"#, code: .invalidJSON),
        Case(name: "empty text", json: "", code: .invalidJSON),
        Case(name: "unescaped control character", json: "{\"optionalString\": \"a\u{1}b\"}", code: .invalidJSON),
        Case(name: "unpaired surrogate", json: #"{"optionalString": "\ud800"}"#, code: .invalidJSON),
        Case(name: "duplicate key", json: #"{"optionalInt32": 1, "optionalInt32": 2}"#, code: .invalidJSON),
        Case(name: "one field by both names", json: #"{"optionalInt32": 1, "optional_int32": 2}"#, code: .invalidJSON, fieldPath: "optional_int32"),
        Case(name: "two members of a oneof", json: #"{"oneofUint32": 1, "oneofString": "x"}"#, code: .invalidJSON, fieldPath: "oneofString"),
    ]

    /// Values of the wrong JSON type or form for their field.
    static let wrongTypes: [Case] = [
        Case(name: "array at the top", json: "[]", code: .invalidValue),
        Case(name: "string for int32", json: #"{"optionalInt32": "abc"}"#, code: .invalidValue, fieldPath: "optionalInt32"),
        Case(name: "bool for int64", json: #"{"optionalInt64": true}"#, code: .invalidValue, fieldPath: "optionalInt64"),
        Case(name: "fraction for int32", json: #"{"optionalInt32": 1.5}"#, code: .invalidValue, fieldPath: "optionalInt32"),
        Case(name: "number for string", json: #"{"optionalString": 1}"#, code: .invalidValue, fieldPath: "optionalString"),
        Case(name: "number for bool", json: #"{"optionalBool": 1}"#, code: .invalidValue, fieldPath: "optionalBool"),
        Case(name: "string for bool", json: #"{"optionalBool": "true"}"#, code: .invalidValue, fieldPath: "optionalBool"),
        Case(name: "object for repeated", json: #"{"repeatedInt32": {}}"#, code: .invalidValue, fieldPath: "repeatedInt32"),
        Case(name: "null in repeated", json: #"{"repeatedInt32": [1, null]}"#, code: .invalidValue, fieldPath: "repeatedInt32[1]"),
        Case(name: "number for message", json: #"{"optionalNestedMessage": 1}"#, code: .invalidValue, fieldPath: "optionalNestedMessage"),
        Case(name: "array for map", json: #"{"mapStringString": []}"#, code: .invalidValue, fieldPath: "mapStringString"),
        Case(name: "bad bool map key", json: #"{"mapBoolBool": {"yes": true}}"#, code: .invalidValue, fieldPath: "mapBoolBool[yes]"),
        Case(name: "timestamp with a space", json: #"{"optionalTimestamp": "2000-01-01 00:00:00Z"}"#, code: .invalidValue, fieldPath: "optionalTimestamp"),
        Case(name: "timestamp after 9999", json: #"{"optionalTimestamp": "10000-01-01T00:00:00Z"}"#, code: .invalidValue, fieldPath: "optionalTimestamp"),
        Case(name: "duration without unit", json: #"{"optionalDuration": "1.5"}"#, code: .invalidValue, fieldPath: "optionalDuration"),
        Case(name: "duration out of range", json: #"{"optionalDuration": "315576000001s"}"#, code: .invalidValue, fieldPath: "optionalDuration"),
        Case(name: "field mask with underscore", json: #"{"optionalFieldMask": "foo_bar"}"#, code: .invalidValue, fieldPath: "optionalFieldMask"),
        Case(name: "array for Struct", json: #"{"optionalStruct": []}"#, code: .invalidValue, fieldPath: "optionalStruct"),
        Case(name: "string for a wrapper of int32", json: #"{"optionalInt32Wrapper": "x"}"#, code: .invalidValue, fieldPath: "optionalInt32Wrapper"),
        Case(name: "Any without @type", json: #"{"optionalAny": {"optionalInt32": 1}}"#, code: .invalidValue, fieldPath: "optionalAny"),
        Case(name: "Any of an unknown type", json: #"{"optionalAny": {"@type": "type.googleapis.com/no.Such"}}"#, code: .unknownType, fieldPath: "optionalAny.@type"),
    ]

    /// Members that name no field; the error names the field, with its path.
    static let unknownFields: [Case] = [
        Case(name: "unknown field", json: #"{"noSuchField": 1}"#, code: .unknownField, fieldPath: "noSuchField"),
        Case(name: "unknown field in a message field", json: #"{"optionalNestedMessage": {"b": 1}}"#, code: .unknownField, fieldPath: "optionalNestedMessage.b"),
        Case(name: "unknown field in a repeated message", json: #"{"repeatedNestedMessage": [{}, {"zz": 1}]}"#, code: .unknownField, fieldPath: "repeatedNestedMessage[1].zz"),
        Case(name: "unknown field in a map value", json: #"{"mapStringNestedMessage": {"k": {"zz": 1}}}"#, code: .unknownField, fieldPath: "mapStringNestedMessage[k].zz"),
        Case(name: "unknown field in an Any payload", json: #"{"optionalAny": {"@type": "\#(anyURL)", "zz": 1}}"#, code: .unknownField, fieldPath: "optionalAny.zz"),
        Case(name: "JSON name in the wrong case", json: #"{"OptionalInt32": 1}"#, code: .unknownField, fieldPath: "OptionalInt32"),
    ]

    /// Numbers outside their field's range.
    static let overflows: [Case] = [
        Case(name: "int32 overflow", json: #"{"optionalInt32": 2147483648}"#, code: .invalidValue, fieldPath: "optionalInt32"),
        Case(name: "int32 underflow", json: #"{"optionalInt32": "-2147483649"}"#, code: .invalidValue, fieldPath: "optionalInt32"),
        Case(name: "int64 overflow", json: #"{"optionalInt64": "9223372036854775808"}"#, code: .invalidValue, fieldPath: "optionalInt64"),
        Case(name: "int64 underflow", json: #"{"optionalInt64": -9223372036854775809}"#, code: .invalidValue, fieldPath: "optionalInt64"),
        Case(name: "int64 overflow with exponent", json: #"{"optionalSint64": 1e19}"#, code: .invalidValue, fieldPath: "optionalSint64"),
        Case(name: "uint64 overflow", json: #"{"optionalUint64": "18446744073709551616"}"#, code: .invalidValue, fieldPath: "optionalUint64"),
        Case(name: "negative uint32", json: #"{"optionalUint32": -1}"#, code: .invalidValue, fieldPath: "optionalUint32"),
        Case(name: "negative uint64", json: #"{"optionalFixed64": "-1"}"#, code: .invalidValue, fieldPath: "optionalFixed64"),
        Case(name: "int64 map key overflow", json: #"{"mapInt64Int64": {"9223372036854775808": 1}}"#, code: .invalidValue, fieldPath: "mapInt64Int64[9223372036854775808]"),
        Case(name: "repeated int64 overflow", json: #"{"repeatedInt64": ["1", "9223372036854775808"]}"#, code: .invalidValue, fieldPath: "repeatedInt64[1]"),
        Case(name: "Int64Value overflow", json: #"{"optionalInt64Wrapper": "9223372036854775808"}"#, code: .invalidValue, fieldPath: "optionalInt64Wrapper"),
        Case(name: "float overflow", json: #"{"optionalFloat": 3.5e38}"#, code: .invalidValue, fieldPath: "optionalFloat"),
        Case(name: "double overflow", json: #"{"optionalDouble": 1e309}"#, code: .invalidValue, fieldPath: "optionalDouble"),
    ]

    /// Bytes fields holding text that is not base64.
    static let invalidBase64: [Case] = [
        Case(name: "character outside base64", json: #"{"optionalBytes": "ab!d"}"#, code: .invalidValue, fieldPath: "optionalBytes"),
        Case(name: "one character left over", json: #"{"optionalBytes": "abcde"}"#, code: .invalidValue, fieldPath: "optionalBytes"),
        Case(name: "padding in the middle", json: #"{"optionalBytes": "ab=cdefg"}"#, code: .invalidValue, fieldPath: "optionalBytes"),
        Case(name: "invalid base64 in repeated", json: #"{"repeatedBytes": ["AA==", "*"]}"#, code: .invalidValue, fieldPath: "repeatedBytes[1]"),
        Case(name: "number for bytes", json: #"{"optionalBytes": 12}"#, code: .invalidValue, fieldPath: "optionalBytes"),
    ]

    /// Enum values the enum does not declare by that name, or numbers that are no int32.
    static let invalidEnums: [Case] = [
        Case(name: "unknown enum name", json: #"{"optionalNestedEnum": "NOT_A_VALUE"}"#, code: .invalidValue, fieldPath: "optionalNestedEnum"),
        Case(name: "enum name in the wrong case", json: #"{"optionalNestedEnum": "foo"}"#, code: .invalidValue, fieldPath: "optionalNestedEnum"),
        Case(name: "unknown name in a repeated enum", json: #"{"repeatedNestedEnum": ["FOO", "NOPE"]}"#, code: .invalidValue, fieldPath: "repeatedNestedEnum[1]"),
        Case(name: "unknown name in an enum map value", json: #"{"mapStringNestedEnum": {"k": "NOPE"}}"#, code: .invalidValue, fieldPath: "mapStringNestedEnum[k]"),
        Case(name: "enum number beyond int32", json: #"{"optionalForeignEnum": 2147483648}"#, code: .invalidValue, fieldPath: "optionalForeignEnum"),
        Case(name: "fractional enum number", json: #"{"optionalNestedEnum": 1.5}"#, code: .invalidValue, fieldPath: "optionalNestedEnum"),
        Case(name: "bool for enum", json: #"{"optionalNestedEnum": true}"#, code: .invalidValue, fieldPath: "optionalNestedEnum"),
    ]

    /// Every case.
    static let all = invalidJSON + wrongTypes + unknownFields + overflows + invalidBase64 + invalidEnums
}
