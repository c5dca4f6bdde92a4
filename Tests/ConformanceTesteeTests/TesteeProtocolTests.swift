import ConformanceProtos
import Foundation
import ProtoRuntime
import Testing
import WellKnownTypes

typealias TestAllTypes = ProtobufTestMessages_Proto3_TestAllTypesProto3

/// Drives the built testee through its stdin/stdout protocol with hand-made requests, one process
/// per test, as the official runner does.
@Suite("Conformance testee over stdin/stdout")
struct TesteeProtocolTests {
    static let proto3 = "protobuf_test_messages.proto3.TestAllTypesProto3"

    /// A message with scalars, strings, bytes, a nested message, repeated, map, oneof and
    /// well-known fields.
    static var sample: TestAllTypes {
        var message = TestAllTypes()
        message.optionalInt32 = -7
        message.optionalInt64 = .max
        message.optionalUint64 = .max
        message.optionalDouble = 0.1
        message.optionalString = "Zoë 😀"
        message.optionalBytes = [0, 1, 0xFF]
        message.optionalNestedMessage = .with { $0.a = 42 }
        message.optionalNestedEnum = .neg
        message.repeatedInt32 = [1, -2, 3]
        message.repeatedString = ["a", ""]
        message.mapStringString = ["k": "v", "clé": "välue"]
        message.mapInt32Int32 = [-1: 1]
        message.oneofField = .oneofString("chosen")
        message.optionalTimestamp = .with { $0.seconds = 1_700_000_000; $0.nanos = 5_000_000 }
        message.optionalDuration = .with { $0.seconds = -3; $0.nanos = -500_000_000 }
        message.optionalInt32Wrapper = .with { $0.value = 0 }
        return message
    }

    @Test("the FailureSet request gets an empty FailureSet")
    func failureSet() async throws {
        let request = Conformance_ConformanceRequest.proto3(
            .protobufPayload([]), output: .protobuf, category: .unspecifiedTest, messageType: "conformance.FailureSet")
        let session = try await TesteeProcess.run([request])
        try #require(session.responses.count == 1)
        guard case .protobufPayload(let bytes)? = session.responses[0].result else {
            Issue.record("expected a protobuf payload, got \(String(describing: session.responses[0].result))")
            return
        }
        #expect(try Conformance_FailureSet(serializedBytes: bytes).failure.isEmpty)
        #expect(session.terminationReason == .exit && session.status == 0)
    }

    @Test("binary in, binary out: the same message")
    func binaryRoundTrip() async throws {
        let bytes = try Self.sample.serializedBytes()
        let session = try await TesteeProcess.run([.proto3(.protobufPayload(bytes), output: .protobuf)])
        guard case .protobufPayload(let output)? = session.responses.first?.result else {
            Issue.record("expected a protobuf payload, got \(String(describing: session.responses.first?.result))")
            return
        }
        #expect(try TestAllTypes(serializedBytes: output) == Self.sample)
    }

    @Test("JSON in, JSON out, and binary in, JSON out: the same message")
    func jsonRoundTrip() async throws {
        let json = try Self.sample.jsonString()
        let session = try await TesteeProcess.run([
            .proto3(.jsonPayload(json), output: .json, category: .jsonTest),
            .proto3(.protobufPayload(try Self.sample.serializedBytes()), output: .json),
            .proto3(.jsonPayload(json), output: .protobuf, category: .jsonTest),
        ])
        try #require(session.responses.count == 3)
        for response in session.responses.prefix(2) {
            guard case .jsonPayload(let output)? = response.result else {
                Issue.record("expected a JSON payload, got \(String(describing: response.result))")
                continue
            }
            #expect(try TestAllTypes(jsonString: output) == Self.sample)
            #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? NSDictionary
                == JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary)
        }
        guard case .protobufPayload(let bytes)? = session.responses[2].result else {
            Issue.record("expected a protobuf payload, got \(String(describing: session.responses[2].result))")
            return
        }
        #expect(try TestAllTypes(serializedBytes: bytes) == Self.sample)
    }

    @Test("input that does not parse gets parse_error")
    func parseErrors() async throws {
        let session = try await TesteeProcess.run([
            // A length-delimited field whose length runs past the end.
            .proto3(.protobufPayload([0x92, 0x01, 0x10, 0x08]), output: .protobuf),
            .proto3(.jsonPayload("{\"optionalInt32\": 1,}"), output: .json, category: .jsonTest),
            .proto3(.jsonPayload("{\"optionalInt32\": \"abc\"}"), output: .protobuf, category: .jsonTest),
            .proto3(.jsonPayload("{\"noSuchField\": 1}"), output: .json, category: .jsonTest),
        ])
        try #require(session.responses.count == 4)
        for response in session.responses {
            guard case .parseError(let message)? = response.result else {
                Issue.record("expected parse_error, got \(String(describing: response.result))")
                continue
            }
            #expect(!message.isEmpty)
        }
        if case .parseError(let message)? = session.responses[3].result {
            #expect(message.contains("noSuchField"))
        }
    }

    @Test("JSON_IGNORE_UNKNOWN_PARSING_TEST skips unknown fields and enum names")
    func ignoreUnknown() async throws {
        let json = #"{"optionalInt32": 5, "unknownName": {"deep": [1, 2]}, "optionalNestedEnum": "NO_SUCH_VALUE"}"#
        let session = try await TesteeProcess.run([
            .proto3(.jsonPayload(json), output: .json, category: .jsonIgnoreUnknownParsingTest),
            .proto3(.jsonPayload(json), output: .json, category: .jsonTest),
        ])
        try #require(session.responses.count == 2)
        #expect(session.responses[0].result == .jsonPayload(#"{"optionalInt32":5}"#))
        guard case .parseError? = session.responses[1].result else {
            Issue.record("expected parse_error without the ignore category, got \(String(describing: session.responses[1].result))")
            return
        }
    }

    @Test("an unknown message type gets runtime_error; proto2 and text format are skipped")
    func unsupportedRequests() async throws {
        let session = try await TesteeProcess.run([
            .proto3(.protobufPayload([]), output: .protobuf, messageType: "no.such.Message"),
            .proto3(.protobufPayload([]), output: .protobuf, messageType: "protobuf_test_messages.proto2.TestAllTypesProto2"),
            .proto3(.textPayload("optional_int32: 1"), output: .protobuf, category: .textFormatTest),
            .proto3(.protobufPayload([]), output: .textFormat, category: .textFormatTest),
            .proto3(.jspbPayload("[]"), output: .protobuf, category: .jspbTest),
        ])
        try #require(session.responses.count == 5)
        guard case .runtimeError(let message)? = session.responses[0].result else {
            Issue.record("expected runtime_error, got \(String(describing: session.responses[0].result))")
            return
        }
        #expect(message.contains("no.such.Message"))
        for response in session.responses.dropFirst() {
            guard case .skipped? = response.result else {
                Issue.record("expected skipped, got \(String(describing: response.result))")
                continue
            }
        }
    }

    @Test("a value JSON cannot express gets serialize_error")
    func serializeError() async throws {
        // A Duration beyond ±10,000 years is valid on the wire but has no JSON form.
        var message = TestAllTypes()
        message.optionalDuration = .with { $0.seconds = 315_576_000_001 }
        let session = try await TesteeProcess.run([.proto3(.protobufPayload(try message.serializedBytes()), output: .json)])
        guard case .serializeError? = session.responses.first?.result else {
            Issue.record("expected serialize_error, got \(String(describing: session.responses.first?.result))")
            return
        }
    }

    @Test("Any holding the test message and a well-known type, through the type registry")
    func anyWithRegistry() async throws {
        let json = #"""
            {"optionalAny": {"@type": "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3",
                             "optionalInt32": 12345, "optionalAny": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1.500s"}}}
            """#
        let session = try await TesteeProcess.run([.proto3(.jsonPayload(json), output: .json, category: .jsonTest)])
        guard case .jsonPayload(let output)? = session.responses.first?.result else {
            Issue.record("expected a JSON payload, got \(String(describing: session.responses.first?.result))")
            return
        }
        // The input is in canonical form (3 fraction digits), so the output equals it as a value.
        let expected = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
        #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? NSDictionary == expected)
    }

    @Test("a oneof message given twice on the wire is merged, as the spec requires")
    func oneofMessageMerge() async throws {
        // oneof_nested_message { corecursive { optional_int32: 1 unpacked_int32: 1 } } followed by
        // oneof_nested_message { corecursive { optional_int64: 1 unpacked_int32: 1 } }.
        let first = try TestAllTypes.with { $0.oneofField = .oneofNestedMessage(.with { $0.corecursive = .with { $0.optionalInt32 = 1; $0.unpackedInt32 = [1] } }) }.serializedBytes()
        let second = try TestAllTypes.with { $0.oneofField = .oneofNestedMessage(.with { $0.corecursive = .with { $0.optionalInt64 = 1; $0.unpackedInt32 = [1] } }) }.serializedBytes()
        let session = try await TesteeProcess.run([.proto3(.protobufPayload(first + second), output: .protobuf)])
        guard case .protobufPayload(let output)? = session.responses.first?.result else {
            Issue.record("expected a protobuf payload, got \(String(describing: session.responses.first?.result))")
            return
        }
        let merged = try TestAllTypes(serializedBytes: output)
        guard case .oneofNestedMessage(let nested)? = merged.oneofField else {
            Issue.record("oneof lost: \(merged.oneofField.map { "\($0)" } ?? "nil")")
            return
        }
        #expect(nested.corecursive?.optionalInt32 == 1)
        #expect(nested.corecursive?.optionalInt64 == 1)
        #expect(nested.corecursive?.unpackedInt32 == [1, 1])
    }

    @Test("many requests in one session, then a clean exit at end of input")
    func manyRequests() async throws {
        let bytes = try Self.sample.serializedBytes()
        let requests = (0..<200).map { index in
            index.isMultiple(of: 2)
                ? Conformance_ConformanceRequest.proto3(.protobufPayload(bytes), output: .protobuf)
                : .proto3(.protobufPayload([0xFF]), output: .json)
        }
        let session = try await TesteeProcess.run(requests)
        #expect(session.responses.count == 200)
        #expect(session.trailingBytes == 0)
        #expect(session.terminationReason == .exit && session.status == 0)
    }

    @Test("broken framing ends the session with an error status, never a crash")
    func brokenFraming() async throws {
        let valid = try Conformance_ConformanceRequest.proto3(.protobufPayload([]), output: .protobuf).serializedBytes()
        let cases: [[UInt8]] = [
            [0x05, 0x00],  // input ends inside the header
            TesteeProcess.header(100) + [1, 2, 3],  // inside the payload
            TesteeProcess.header(0x7FFF_FFFF) + [0, 0],  // inside an oversized frame
            TesteeProcess.header(valid.count) + valid + [0x01],  // a good frame, then a broken one
        ]
        for input in cases {
            let session = try await TesteeProcess.run(rawInput: input)
            #expect(session.terminationReason == .exit)
            #expect(session.status == 1)
            #expect(session.standardError.contains("conformance-testee:"))
            #expect(session.trailingBytes == 0)
        }
    }

    @Test("a request that is not a ConformanceRequest gets runtime_error")
    func undecodableRequest() async throws {
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF]
        let session = try await TesteeProcess.run(rawInput: TesteeProcess.header(garbage.count) + garbage)
        guard case .runtimeError? = session.responses.first?.result else {
            Issue.record("expected runtime_error, got \(String(describing: session.responses.first?.result))")
            return
        }
        #expect(session.status == 0)
    }

    @Test("random and mutated payloads get an answer each, and the testee never crashes")
    func hostilePayloads() async throws {
        var random = SplitMix64(seed: 0x5EED)
        let valid = try Self.sample.serializedBytes()
        let json = Array(try Self.sample.jsonString().utf8)
        var requests: [Conformance_ConformanceRequest] = []
        for index in 0..<600 {
            var bytes: [UInt8]
            switch index % 3 {
            case 0: bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: bytes = valid
            default: bytes = json
            }
            if index % 3 != 0 {
                // Flip, drop or duplicate a few bytes of a valid encoding.
                for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                    let position = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(bytes[position], at: position)
                    }
                }
            }
            let output: Conformance_WireFormat = random.next() % 2 == 0 ? .protobuf : .json
            if index % 3 == 2 {
                // Mutated JSON may no longer be UTF-8; the request carries it as a string, which
                // protobuf-c cannot hold with NUL in it.
                let text = String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                requests.append(.proto3(.jsonPayload(text), output: output, category: .jsonTest))
            } else {
                requests.append(.proto3(.protobufPayload(bytes), output: output))
            }
        }
        let session = try await TesteeProcess.run(requests)
        #expect(session.responses.count == requests.count)
        #expect(session.terminationReason == .exit && session.status == 0, "\(session.standardError)")
        for response in session.responses {
            if case .runtimeError(let message)? = response.result { Issue.record("runtime_error: \(message)") }
        }
    }
}
