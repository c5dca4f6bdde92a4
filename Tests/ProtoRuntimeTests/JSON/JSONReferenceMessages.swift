import ConformanceProtos
import ProtoRuntime
import WellKnownTypes

/// TestAllTypesProto3 messages covering every field kind and well-known type, with the edge
/// values where JSON mappings tend to disagree. Each case sets a few related fields so a
/// disagreement points at its cause.
enum JSONReferenceMessages {
    typealias Value = Google_Protobuf_Value

    /// (name, message) pairs compared with the reference, both directions.
    static var cases: [(String, TestAllTypes)] {
        var cases: [(String, TestAllTypes)] = [
            ("empty", TestAllTypes()),
            ("every field kind", Fixtures.everyFieldKind),
            ("integer extremes", integers),
            ("floating point edges", floats),
            ("string escapes and unicode", strings),
            ("bytes and base64 padding", bytes),
            ("enums: known, aliased, negative, unknown", enums),
            ("wrappers: defaults and values", wrappers),
            ("timestamps and durations", times),
            ("field masks", TestAllTypes.with {
                $0.optionalFieldMask = .with { $0.paths = ["foo_bar.baz_qux", "a", "x.y_z"] }
                $0.repeatedFieldmask = [.init(), .with { $0.paths = ["single"] }]
            }),
            ("struct, value and list value", structs),
            ("any holding messages and well-known types", anys),
            ("maps with every key type", maps),
            ("unusual JSON names", names),
            ("deep recursion", deep(levels: 30)),
        ]
        cases += oneofs.map { name, value in ("oneof \(name)", TestAllTypes.with { $0.oneofField = value }) }
        return cases
    }

    /// Values that compare unequal to themselves (NaN), so only the JSON texts are compared.
    static var jsonOnlyCases: [(String, TestAllTypes)] {
        [
            ("NaN", TestAllTypes.with {
                $0.optionalFloat = .nan
                $0.optionalDouble = .nan
                $0.repeatedDouble = [.nan, 1]
                $0.mapInt32Double = [1: .nan]
                $0.optionalDoubleWrapper = .with { $0.value = .nan }
            }),
        ]
    }

    static var integers: TestAllTypes {
        TestAllTypes.with {
            $0.optionalInt32 = .min
            $0.optionalInt64 = .min
            $0.optionalUint32 = .max
            $0.optionalUint64 = .max
            $0.optionalSint32 = .max
            $0.optionalSint64 = .max
            $0.optionalFixed32 = .max
            $0.optionalFixed64 = .max
            $0.optionalSfixed32 = .min
            $0.optionalSfixed64 = .min
            $0.repeatedInt64 = [0, 1, -1, 9_007_199_254_740_993, .max, .min]
            $0.repeatedUint64 = [0, 1 << 63, .max]
            $0.packedSint32 = [.min, -1, 0, 1, .max]
            $0.unpackedFixed64 = [0, .max]
        }
    }

    static var floats: TestAllTypes {
        TestAllTypes.with {
            $0.optionalFloat = 0.1
            $0.optionalDouble = 0.1
            $0.repeatedFloat = [
                // Not ±greatestFiniteMagnitude: Python rejects its own JSON for it (see JSONReferenceTests).
                .leastNonzeroMagnitude, .leastNormalMagnitude, 3.4028e38, -3.4028e38,
                .infinity, -.infinity, 1e-10, 16_777_216, 1.0, -0.0,
            ]
            $0.repeatedDouble = [
                .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3.0, 1e21, 1e-7, 123_456_789.125, 9_007_199_254_740_992,
                -0.0, .infinity, -.infinity, 100,
            ]
            $0.mapInt32Float = [1: .leastNonzeroMagnitude, 2: -7.5]
            $0.mapInt32Double = [1: .leastNonzeroMagnitude, 2: -1e308]
            $0.optionalFloatWrapper = .with { $0.value = .infinity }
        }
    }

    static var strings: TestAllTypes {
        let control = String(String.UnicodeScalarView((1..<0x20).compactMap(Unicode.Scalar.init) + ["\u{7F}"]))
        return TestAllTypes.with {
            $0.optionalString = "quote \" backslash \\ slash / tab \t newline \n </script> \u{2028}\u{2029}"
            $0.repeatedString = [control, "é", "e\u{301}", "😀👍🏽", "\u{FEFF}bom", "中文", "", String(repeating: "x", count: 5000)]
            $0.mapStringString = ["\u{1}key\"": "\\value\u{7F}", "ключ": "значение"]
            $0.optionalStringWrapper = .with { $0.value = "wrapped \"" }
        }
    }

    static var bytes: TestAllTypes {
        TestAllTypes.with {
            $0.optionalBytes = (0...255).map { UInt8($0) }
            $0.repeatedBytes = [[], [0], [0, 1], [0, 1, 2], [0xFB, 0xFF], [0xFF, 0xFE, 0xFD, 0xFC]]
            $0.mapStringBytes = ["a": [0x3E, 0x3F], "": []]
            $0.optionalBytesWrapper = .with { $0.value = [0xFB, 0xEF, 0xBE] }
        }
    }

    static var enums: TestAllTypes {
        TestAllTypes.with {
            $0.optionalNestedEnum = .neg
            $0.optionalForeignEnum = .foreignBaz
            $0.optionalAliasedEnum = .aliasBaz
            $0.repeatedNestedEnum = [.foo, .bar, .baz, .neg, .UNRECOGNIZED(12_345), .UNRECOGNIZED(-5)]
            $0.repeatedForeignEnum = [.foreignFoo, .UNRECOGNIZED(99)]
            $0.mapStringNestedEnum = ["a": .foo, "b": .UNRECOGNIZED(7)]
            $0.optionalNullValue = .nullValue
        }
    }

    static var wrappers: TestAllTypes {
        TestAllTypes.with {
            $0.optionalBoolWrapper = .with { $0.value = false }
            $0.optionalInt32Wrapper = .with { $0.value = 0 }
            $0.optionalInt64Wrapper = .with { $0.value = 0 }
            $0.optionalUint32Wrapper = .with { $0.value = .max }
            $0.optionalUint64Wrapper = .with { $0.value = .max }
            $0.optionalFloatWrapper = .with { $0.value = 0 }
            $0.optionalDoubleWrapper = .with { $0.value = -2.5 }
            $0.optionalStringWrapper = .with { $0.value = "" }
            $0.optionalBytesWrapper = .with { $0.value = [] }
            $0.repeatedBoolWrapper = [.with { $0.value = true }, .init()]
            $0.repeatedInt32Wrapper = [.with { $0.value = .min }]
            $0.repeatedInt64Wrapper = [.with { $0.value = .min }, .init()]
            $0.repeatedUint32Wrapper = [.with { $0.value = 1 }]
            $0.repeatedUint64Wrapper = [.with { $0.value = .max }]
            $0.repeatedFloatWrapper = [.with { $0.value = 0.5 }]
            $0.repeatedDoubleWrapper = [.with { $0.value = 1e100 }]
            $0.repeatedStringWrapper = [.with { $0.value = "s" }, .init()]
            $0.repeatedBytesWrapper = [.with { $0.value = [1, 2, 3, 4] }]
        }
    }

    static var times: TestAllTypes {
        func timestamp(_ seconds: Int64, _ nanos: Int32) -> Google_Protobuf_Timestamp {
            .with { $0.seconds = seconds; $0.nanos = nanos }
        }
        func duration(_ seconds: Int64, _ nanos: Int32) -> Google_Protobuf_Duration {
            .with { $0.seconds = seconds; $0.nanos = nanos }
        }
        return TestAllTypes.with {
            $0.optionalTimestamp = timestamp(0, 0)
            $0.repeatedTimestamp = [
                timestamp(-62_135_596_800, 0), timestamp(253_402_300_799, 999_999_999), timestamp(1_700_000_000, 1),
                timestamp(1_700_000_000, 1000), timestamp(1_700_000_000, 1_000_000), timestamp(-1, 999_999_999),
                timestamp(951_782_400, 0),  // 2000-02-29
            ]
            $0.optionalDuration = duration(0, 0)
            $0.repeatedDuration = [
                duration(-1, -500_000_000), duration(0, -1), duration(0, 1), duration(315_576_000_000, 0),
                duration(-315_576_000_000, -999_999_999), duration(3600, 10_000), duration(1, 0),
            ]
        }
    }

    static var structs: TestAllTypes {
        let list = Google_Protobuf_ListValue.with {
            $0.values = [
                Value.with { $0.kind = .numberValue(1) }, Value.with { $0.kind = .stringValue("two") },
                Value.with { $0.kind = .nullValue(.nullValue) }, Value.with { $0.kind = .boolValue(false) },
                Value.with { $0.kind = .listValue(.init()) }, Value.with { $0.kind = .structValue(.init()) },
            ]
        }
        let nested = Google_Protobuf_Struct.with {
            $0.fields = [
                "list": Value.with { $0.kind = .listValue(list) }, "number": Value.with { $0.kind = .numberValue(-0.5) },
                "null": Value.with { $0.kind = .nullValue(.nullValue) }, "": Value.with { $0.kind = .stringValue("empty key") },
            ]
        }
        return TestAllTypes.with {
            $0.optionalStruct = .with { $0.fields = ["nested": Value.with { $0.kind = .structValue(nested) }] }
            $0.optionalValue = Value.with { $0.kind = .listValue(list) }
            $0.repeatedStruct = [.init(), nested]
            $0.repeatedValue = [
                Value.with { $0.kind = .nullValue(.nullValue) }, Value.with { $0.kind = .numberValue(1e300) },
                Value.with { $0.kind = .stringValue("") }, Value.with { $0.kind = .boolValue(true) },
                Value.with { $0.kind = .structValue(nested) }, Value.with { $0.kind = .listValue(list) },
            ]
            $0.repeatedListValue = [.init(), list]
        }
    }

    static var anys: TestAllTypes {
        func any<M: ProtoMessage>(_ message: M, _ name: String) -> Google_Protobuf_Any {
            .with {
                $0.typeUrl = "type.googleapis.com/\(name)"
                $0.value = (try? message.serializedBytes()) ?? []
            }
        }
        let inner = TestAllTypes.with {
            $0.optionalInt32 = 5
            $0.optionalAny = any(Google_Protobuf_Duration.with { $0.seconds = 2 }, "google.protobuf.Duration")
        }
        return TestAllTypes.with {
            $0.optionalAny = any(inner, "protobuf_test_messages.proto3.TestAllTypesProto3")
            $0.repeatedAny = [
                any(Google_Protobuf_Timestamp.with { $0.seconds = 86_400 }, "google.protobuf.Timestamp"),
                any(Google_Protobuf_FieldMask.with { $0.paths = ["a_b"] }, "google.protobuf.FieldMask"),
                any(Google_Protobuf_Struct.with { $0.fields = ["k": Value.with { $0.kind = .boolValue(true) }] }, "google.protobuf.Struct"),
                any(Value.with { $0.kind = .stringValue("v") }, "google.protobuf.Value"),
                any(Google_Protobuf_ListValue(), "google.protobuf.ListValue"),
                any(Google_Protobuf_Int32Value.with { $0.value = 7 }, "google.protobuf.Int32Value"),
                any(Google_Protobuf_Empty(), "google.protobuf.Empty"),
                any(any(Google_Protobuf_UInt64Value.with { $0.value = .max }, "google.protobuf.UInt64Value"), "google.protobuf.Any"),
                any(ProtobufTestMessages_Proto3_ForeignMessage.with { $0.c = -1 }, "protobuf_test_messages.proto3.ForeignMessage"),
                any(TestAllTypes(), "protobuf_test_messages.proto3.TestAllTypesProto3"),
                Google_Protobuf_Any(),
            ]
        }
    }

    static var maps: TestAllTypes {
        TestAllTypes.with {
            $0.mapInt32Int32 = [0: 0, .min: .max, -1: 1]
            $0.mapInt64Int64 = [.min: .max, 0: -1]
            $0.mapUint32Uint32 = [.max: 1, 0: 0]
            $0.mapUint64Uint64 = [.max: .max, 0: 1]
            $0.mapSint32Sint32 = [.min: 0]
            $0.mapSint64Sint64 = [.max: .min]
            $0.mapFixed32Fixed32 = [.max: 0]
            $0.mapFixed64Fixed64 = [.max: 1]
            $0.mapSfixed32Sfixed32 = [.min: -1]
            $0.mapSfixed64Sfixed64 = [.min: 2]
            $0.mapBoolBool = [true: true, false: false]
            $0.mapStringNestedMessage = ["empty": .init(), "set": .with { $0.a = 3 }]
            $0.mapStringForeignMessage = ["f": .with { $0.c = 4 }]
            $0.mapStringForeignEnum = ["e": .foreignBar]
        }
    }

    static var names: TestAllTypes {
        TestAllTypes.with {
            $0.fieldname1 = 1; $0.fieldName2 = 2; $0.fieldName3 = 3; $0.fieldName4 = 4
            $0.field0name5 = 5; $0.field0Name6 = 6; $0.fieldName7 = 7; $0.fieldName8 = 8
            $0.fieldName9 = 9; $0.fieldName10 = 10; $0.fIELDNAME11 = 11; $0.fIELDName12 = 12
            $0.fieldName13 = 13; $0.fieldName14 = 14; $0.fieldName15 = 15; $0.fieldName16 = 16
            $0.fieldName17 = 17; $0.fieldName18 = 18
        }
    }

    static var oneofs: [(String, TestAllTypes.OneOf_OneofField)] {
        [
            ("uint32 zero", .oneofUint32(0)), ("uint32", .oneofUint32(.max)), ("empty message", .oneofNestedMessage(.init())),
            ("message", .oneofNestedMessage(.with { $0.a = -1 })), ("empty string", .oneofString("")),
            ("empty bytes", .oneofBytes([])), ("bool false", .oneofBool(false)), ("uint64 zero", .oneofUint64(0)),
            ("float zero", .oneofFloat(0)), ("double", .oneofDouble(-1e-300)), ("enum zero", .oneofEnum(.foo)),
            ("null value", .oneofNullValue(.nullValue)),
        ]
    }

    static func deep(levels: Int) -> TestAllTypes {
        var message = TestAllTypes.with { $0.optionalString = "bottom" }
        for level in 0..<levels {
            let inner = message
            message = TestAllTypes.with {
                $0.recursiveMessage = inner
                $0.optionalInt32 = Int32(level)
            }
        }
        return message
    }
}
