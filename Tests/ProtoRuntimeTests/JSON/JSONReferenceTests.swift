import ClinicAPI
import ConformanceProtos
import Foundation
import ProtoRuntime
import RPCCore
import Testing

/// Our proto3 JSON mapping against Python's `google.protobuf.json_format`: the same messages give
/// the same JSON values (compared parsed, not as text), each side parses what the other writes
/// back to the same message, and both reject the same bad input.
@Suite("JSON mapping agrees with Python's json_format")
struct JSONReferenceTests {
    static let type = "protobuf_test_messages.proto3.TestAllTypesProto3"
    static let registry = TypeRegistry([TestAllTypes.protoDescriptor])

    /// Encoding options paired with Python's flags of the same meaning.
    struct Variant {
        var name: String
        var options: JSONEncodingOptions
        var defaults: Bool
        var protoNames: Bool
    }

    static let variants = [
        Variant(name: "default", options: JSONEncodingOptions(typeRegistry: registry), defaults: false, protoNames: false),
        Variant(
            name: "defaults, proto names",
            options: JSONEncodingOptions(emitDefaultValues: true, useProtoFieldNames: true, typeRegistry: registry),
            defaults: true, protoNames: true),
    ]

    @Test("TestAllTypesProto3: same JSON, and each side reads the other's")
    func testAllTypesAgree() async throws {
        struct Prepared {
            var name: String
            var message: TestAllTypes
            var binary: [UInt8]
            var ours: String
            var variant: Variant
        }
        var prepared: [Prepared] = []
        for (name, message) in JSONReferenceMessages.cases {
            for variant in Self.variants {
                prepared.append(Prepared(
                    name: "\(name) (\(variant.name))", message: message, binary: try message.serializedBytes(),
                    ours: try message.jsonString(options: variant.options), variant: variant))
            }
        }
        let first = try await PythonReference.run(prepared.flatMap { item in
            [
                .toJSON(Self.type, item.binary, defaults: item.variant.defaults, protoNames: item.variant.protoNames),
                .parse(Self.type, item.ours),
            ]
        })
        var comparisons: [PythonReference.Request] = []
        for (index, item) in prepared.enumerated() {
            let theirs = first[2 * index], theirParse = first[2 * index + 1]
            guard let theirJSON = theirs.json else {
                Issue.record("\(item.name): Python cannot write it: \(theirs.error ?? "?")")
                comparisons.append(.sameJSON("null", "null"))
                continue
            }
            comparisons.append(.sameJSON(item.ours, theirJSON))
            // Our parser reads Python's JSON back to the same message.
            do {
                let back = try TestAllTypes(jsonString: theirJSON, options: JSONDecodingOptions(typeRegistry: Self.registry))
                #expect(back == item.message, "\(item.name): our parse of Python's \(theirJSON)")
            } catch {
                Issue.record("\(item.name): we reject Python's \(theirJSON): \(error)")
            }
            // Python reads our JSON back to the same message.
            if let bytes = theirParse.bytes {
                #expect(try TestAllTypes(serializedBytes: bytes) == item.message, "\(item.name): Python's parse of our \(item.ours)")
            } else {
                Issue.record("\(item.name): Python rejects our \(item.ours): \(theirParse.error ?? "?")")
            }
        }
        for (item, answer) in zip(prepared, try await PythonReference.run(comparisons)) where answer.equal != true {
            Issue.record("\(item.name): JSON differs\n ours:   \(answer.json ?? "")\n Python: \(answer.other ?? "")")
        }
    }

    @Test("values equal only as text (NaN): same JSON")
    func nanAgrees() async throws {
        let cases = try JSONReferenceMessages.jsonOnlyCases.map { ($0.0, try $0.1.serializedBytes(), try $0.1.jsonString()) }
        let theirs = try await PythonReference.run(cases.map { .toJSON(Self.type, $0.1) })
        let same = try await PythonReference.run(zip(cases, theirs).map { .sameJSON($0.0.2, $0.1.json ?? "null") })
        for (item, answer) in zip(cases, same) {
            #expect(answer.equal == true, "\(item.0): ours \(item.2), Python \(answer.other ?? "")")
        }
        // And both read NaN back from the other's text.
        let back = try TestAllTypes(jsonString: theirs[0].json ?? "{}")
        #expect(back.optionalDouble.isNaN && back.optionalFloat.isNaN && back.mapInt32Double[1]?.isNaN == true)
    }

    @Test("every platform message, filled by the reference: same JSON, and each side reads the other's")
    func platformMessagesAgree() async throws {
        let topTypes = ClinicAPICatalog.services.flatMap(\.methods).flatMap { [$0.input, $0.output] }
        var swiftTypes: [String: any ProtoMessage.Type] = [:]
        for type in topTypes { swiftTypes[type.protoDescriptor.fullName] = type }
        let registry = TypeRegistry(topTypes.map { $0.protoDescriptor })
        let descriptors = registry.fullNames.compactMap(registry.descriptor(named:)).filter { !$0.isMapEntry }
        #expect(descriptors.count > 100, "only \(descriptors.count) platform message types found")
        let encoding = JSONEncodingOptions(typeRegistry: registry)
        let decoding = JSONDecodingOptions(typeRegistry: registry)

        struct Sample {
            var name: String
            var descriptor: MessageDescriptor
            var binary: [UInt8]
            var theirs: String
        }
        let requests = descriptors.flatMap { descriptor in
            (0..<2).map { PythonReference.Request.sample(descriptor.fullName, seed: $0) }
        }
        var samples: [Sample] = []
        for (request, answer) in zip(requests, try await PythonReference.run(requests)) {
            guard let binary = answer.bytes, let theirs = answer.json else {
                Issue.record("\(request.type ?? ""): Python could not build a sample: \(answer.error ?? "?")")
                continue
            }
            // Force-unwrap: every request above names a type of the registry.
            samples.append(Sample(name: request.type!, descriptor: registry.descriptor(named: request.type!)!, binary: binary, theirs: theirs))
        }

        #expect(samples.count == 2 * descriptors.count)

        var second: [PythonReference.Request] = []
        var labels: [String] = []
        for sample in samples {
            do {
                let ours = String(decoding: try ProtoJSON.encode(binary: sample.binary, as: sample.descriptor, options: encoding), as: UTF8.self)
                second.append(.sameJSON(ours, sample.theirs))
                labels.append("\(sample.name): JSON written from the descriptor")
                var parse = PythonReference.Request.parse(sample.name, ours)
                // Kept with the request so the answer can be compared with this very sample.
                parse.other = Data(sample.binary).base64EncodedString()
                second.append(parse)
                labels.append("\(sample.name): Python's parse of our JSON")
                let ourParse = try ProtoJSON.decode(json: Array(sample.theirs.utf8), as: sample.descriptor, options: decoding)
                second.append(.equalBinary(sample.name, sample.binary, ourParse))
                labels.append("\(sample.name): our parse of Python's JSON")
                if let type = swiftTypes[sample.name] {
                    // The generated Swift type takes the same path users take.
                    let message = try type.init(serializedBytes: sample.binary, limits: .default)
                    second.append(.sameJSON(try message.jsonString(options: encoding), sample.theirs))
                    labels.append("\(sample.name): JSON written from the Swift type")
                }
            } catch {
                Issue.record("\(sample.name): \(error) on Python's \(sample.theirs)")
            }
        }
        var third: [PythonReference.Request] = []
        var thirdLabels: [String] = []
        for ((request, answer), label) in zip(zip(second, try await PythonReference.run(second)), labels) {
            switch request.op {
            case "parse":
                if let bytes = answer.bytes {
                    // Force-unwrap: parse requests above carry their sample's type and binary.
                    let original = [UInt8](Data(base64Encoded: request.other!)!)
                    third.append(.equalBinary(request.type!, original, bytes))
                    thirdLabels.append(label)
                } else {
                    Issue.record("\(label): rejected: \(answer.error ?? "?")")
                }
            case "sameJSON" where answer.equal != true:
                Issue.record("\(label) differs\n ours:   \(answer.json ?? "")\n Python: \(answer.other ?? "")")
            case "equalBinary" where answer.equal != true:
                Issue.record("\(label) is a different message: \(answer.error ?? "")")
            default:
                break
            }
        }
        for (answer, label) in zip(try await PythonReference.run(third), thirdLabels) where answer.equal != true {
            Issue.record("\(label) is a different message: \(answer.error ?? "")")
        }
    }

    /// JSON that is not in canonical form but that every parser must accept.
    static let acceptedInputs: [String] = [
        #"{"optionalInt32": "12", "optionalInt64": 12, "optionalUint64": "18446744073709551615", "optionalSint64": "-0"}"#,
        #"{"optionalInt32": 1e2, "optionalUint32": 4294967295.0, "optionalFixed64": 1.5e3, "optionalInt64": -2E+1}"#,
        #"{"optional_int32": 5, "optional_nested_message": {"a": 1}, "repeated_string": ["x"]}"#,
        #"{"optionalFloat": "Infinity", "optionalDouble": "-Infinity", "repeatedDouble": ["NaN", "1.5", "1e-3", 2]}"#,
        #"{"optionalFloat": 3.4028e38, "optionalDouble": 1.7976931348623157e308, "repeatedFloat": [1e-45, -0.0, 1.4013e-45]}"#,
        #"{"optionalBool": true, "optionalString": null, "optionalNestedMessage": null, "repeatedInt32": null, "mapStringString": null, "optionalInt32Wrapper": null}"#,
        #"{"optionalNestedEnum": 2, "repeatedNestedEnum": [1, "BAZ", -1, 77], "optionalAliasedEnum": "MOO"}"#,
        #"{"optionalBytes": "-_8", "repeatedBytes": ["AQID", "AQI=", "AQI", "+/+/", "_-_-"]}"#,
        #"{"optionalTimestamp": "1970-01-01T01:00:00+01:00", "repeatedTimestamp": ["2000-01-01T00:00:00.5Z", "2000-01-01T00:00:00.123456Z", "1999-12-31T23:59:59.999999999-08:00"]}"#,
        #"{"optionalDuration": "1.5s", "repeatedDuration": ["-0.000000001s", "3s", "0.1s", "-5.000001s"]}"#,
        #"{"optionalFieldMask": "fooBar,baz.quxQuux", "repeatedFieldmask": ["", "a"]}"#,
        #"{"optionalString": "\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"}"#,
        #"{"optionalValue": null, "repeatedValue": [null, 1, "s", true, {}, []]}"#,
        #"{"optionalAny": {"optionalInt32": 3, "@type": "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3"}}"#,
        #"{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Struct", "value": {"a": [1, {"b": null}]}}}"#,
        #"{"optionalAny": {}}"#,
        #"{"optionalNullValue": null, "repeatedListValue": [[1, [2, []]]]}"#,
        #"{"mapInt32Int32": {"-1": 2}, "mapBoolBool": {"true": false, "false": true}, "mapUint64Uint64": {"18446744073709551615": "1"}}"#,
        #"{"optionalStringWrapper": "", "repeatedInt32Wrapper": [1, "2"], "optionalBytesWrapper": "AA=="}"#,
        " \n\t{ \"optionalInt32\" : 1 , \"oneofString\" : \"\" } \r\n",
        #"{"oneofUint32": null, "oneofString": "set"}"#,
        #"{"FIELDNAME11": 11, "FIELDName12": 12, "FieldName13": 13, "Field_name18__": 18, "fieldName17": null}"#,
    ]

    @Test("non-canonical JSON both sides accept: the same message")
    func acceptedInputsAgree() async throws {
        let answers = try await PythonReference.run(Self.acceptedInputs.map { .parse(Self.type, $0) })
        let options = JSONDecodingOptions(typeRegistry: Self.registry)
        for (json, answer) in zip(Self.acceptedInputs, answers) {
            guard let bytes = answer.bytes else {
                Issue.record("Python rejects \(json): \(answer.error ?? "?")")
                continue
            }
            let theirs = try TestAllTypes(serializedBytes: bytes)
            do {
                let ours = try TestAllTypes(jsonString: json, options: options)
                // NaN never equals itself; then compare the encodings, which are deterministic here.
                let sameEncoding = try ours.serializedBytes() == theirs.serializedBytes()
                #expect(ours == theirs || sameEncoding, "\(json)")
            } catch {
                Issue.record("we reject \(json): \(error)")
            }
        }
    }

    /// Bad input that Python's parser lets through, and why we reject it anyway.
    static let pythonIsLenient: [String: String] = [
        // The conformance suite's FieldNameDuplicateDifferentCasing tests (Recommended) require it.
        "one field by both names": "the same field given twice",
        // A message is a JSON object; Python ignores a top-level array.
        "array at the top": "not an object",
        // Python's base64 decoder drops characters outside the alphabet.
        "character outside base64": "not base64", "padding in the middle": "not base64",
        "invalid base64 in repeated": "not base64",
        // An enum is a name or an integer; Python truncates 1.5 and reads true as 1.
        "fractional enum number": "not an integer", "bool for enum": "not a name or integer",
    ]

    @Test("bad JSON: both sides reject it (where Python is not more lenient)")
    func rejectedInputsAgree() async throws {
        let answers = try await PythonReference.run(JSONBadInputs.all.map { .parse(Self.type, $0.json) })
        for (bad, answer) in zip(JSONBadInputs.all, answers) {
            if Self.pythonIsLenient[bad.name] == nil {
                #expect(answer.error != nil, "\(bad.name): Python accepts \(bad.json)")
            }
            #expect(throws: ProtoError.self, "\(bad.name)") {
                try TestAllTypes(jsonString: bad.json, options: JSONDecodingOptions(typeRegistry: Self.registry))
            }
        }
    }

    @Test("the largest float: we read back the shortest form both sides write; Python rejects it")
    func largestFloat() async throws {
        let message = TestAllTypes.with {
            $0.optionalFloat = .greatestFiniteMagnitude
            $0.repeatedFloat = [-.greatestFiniteMagnitude]
        }
        let answers = try await PythonReference.run([.toJSON(Self.type, try message.serializedBytes())])
        let theirs = try #require(answers.first?.json)
        let ours = try message.jsonString()
        #expect(theirs.contains("3.4028235e+38") && ours.contains("3.4028235e+38"), "ours \(ours), Python \(theirs)")
        #expect(try TestAllTypes(jsonString: theirs) == message)
        #expect(try TestAllTypes(jsonString: ours) == message)
        // Python compares the text's double with FLT_MAX instead of rounding to float first, so it
        // rejects its own output; the conformance suite only requires 3.402823e+38 to parse.
        let pythonParse = try await PythonReference.run([.parse(Self.type, theirs)])
        #expect(pythonParse.first?.error?.contains("Float value too large") == true)
        // Text that rounds beyond the largest float is still out of range.
        #expect(throws: ProtoError.self) { try TestAllTypes(jsonString: #"{"optionalFloat": 3.4028236e38}"#) }
    }

    @Test("integers written with exponents keep every digit (Python goes through a double)")
    func exactIntegers() async throws {
        let message = try TestAllTypes(jsonString: #"{"optionalFixed64": 1.8446744073709551615e19, "optionalInt64": 9.223372036854775807e18}"#)
        #expect(message.optionalFixed64 == .max)
        #expect(message.optionalInt64 == .max)
    }
}
