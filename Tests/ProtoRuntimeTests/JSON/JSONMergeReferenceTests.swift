import ConformanceProtos
import Foundation
import ProtoRuntime
import Testing
import WellKnownTypes

/// Binary input that gives a message field more than once must decode as the spec says (the
/// occurrences merge; a oneof member set again after another member starts afresh), whichever
/// way it is read: as the Swift type, or straight to JSON from the descriptor. Python's decoder
/// is the reference.
@Suite("Repeated message fields on the wire merge as in Python")
struct JSONMergeReferenceTests {
    typealias Nested = TestAllTypes.NestedMessage

    /// Inputs built by concatenating encodings, which is how the wire format merges.
    static var inputs: [(String, [[UInt8]])] {
        get throws {
            func bytes(_ populate: (inout TestAllTypes) -> Void) throws -> [UInt8] {
                try TestAllTypes.with(populate).serializedBytes()
            }
            let first = try bytes {
                $0.optionalNestedMessage = .with { $0.a = 1; $0.corecursive = .with { $0.optionalInt32 = 1; $0.repeatedInt32 = [1] } }
            }
            let second = try bytes {
                $0.optionalNestedMessage = .with { $0.corecursive = .with { $0.optionalInt64 = 2; $0.repeatedInt32 = [2] } }
            }
            let oneofFirst = try bytes { $0.oneofField = .oneofNestedMessage(.with { $0.a = 1; $0.corecursive = .with { $0.unpackedInt32 = [1] } }) }
            let oneofSecond = try bytes { $0.oneofField = .oneofNestedMessage(.with { $0.corecursive = .with { $0.optionalInt64 = 1; $0.unpackedInt32 = [1] } }) }
            let oneofOther = try bytes { $0.oneofField = .oneofString("other") }
            let deep = try bytes { $0.recursiveMessage = .with { $0.recursiveMessage = .with { $0.optionalInt32 = 1; $0.mapStringString = ["a": "1"] } } }
            let deeper = try bytes { $0.recursiveMessage = .with { $0.recursiveMessage = .with { $0.optionalInt64 = 2; $0.mapStringString = ["b": "2"] } } }
            func anyOf(_ payload: [UInt8]) throws -> [UInt8] {
                try bytes {
                    $0.optionalAny = .with {
                        $0.typeUrl = "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3"
                        $0.value = payload
                    }
                }
            }
            return [
                ("singular message twice, with nested repeated fields", [first, second]),
                ("oneof message twice", [oneofFirst, oneofSecond]),
                ("oneof message, another member, the message again", [oneofFirst, oneofOther, oneofSecond]),
                ("oneof message, then another member", [oneofFirst, oneofSecond, oneofOther]),
                ("recursion merged two levels down", [deep, deeper, deep]),
                ("map entries with the same key: the last wins", [
                    try bytes { $0.mapStringNestedMessage = ["k": .with { $0.a = 1 }] },
                    try bytes { $0.mapStringNestedMessage = ["k": .with { $0.corecursive = .init() }] },
                ]),
                ("repeated messages append", [try bytes { $0.repeatedNestedMessage = [.with { $0.a = 1 }] }, try bytes { $0.repeatedNestedMessage = [.with { $0.a = 2 }] }]),
                ("well-known types merge", [
                    try bytes { $0.optionalStruct = .with { $0.fields = ["a": .with { $0.kind = .numberValue(1) }] }; $0.optionalTimestamp = .with { $0.seconds = 5 } },
                    try bytes { $0.optionalStruct = .with { $0.fields = ["b": .with { $0.kind = .boolValue(true) }] }; $0.optionalTimestamp = .with { $0.nanos = 7 } },
                ]),
                ("an Any payload that repeats a message field", [try anyOf(first + second + oneofFirst + oneofSecond)]),
            ]
        }
    }

    @Test("same JSON as Python, through the descriptor and through the Swift type")
    func mergedLikePython() async throws {
        let type = JSONReferenceTests.type
        let options = JSONEncodingOptions(typeRegistry: JSONReferenceTests.registry)
        let cases = try Self.inputs.map { ($0.0, $0.1.reduce([], +)) }
        var requests: [PythonReference.Request] = []
        var ours: [(String, String)] = []
        for (name, input) in cases {
            let fromDescriptor = String(
                decoding: try ProtoJSON.encode(binary: input, as: TestAllTypes.protoDescriptor, options: options), as: UTF8.self)
            let message = try TestAllTypes(serializedBytes: input)
            ours.append(("\(name), from the descriptor", fromDescriptor))
            ours.append(("\(name), from the Swift type", try message.jsonString(options: options)))
            requests.append(.toJSON(type, input))
            requests.append(.equalBinary(type, input, try message.serializedBytes()))
        }
        let first = try await PythonReference.run(requests)
        var comparisons: [PythonReference.Request] = []
        for (index, (name, _)) in cases.enumerated() {
            #expect(first[2 * index + 1].equal == true, "\(name): the Swift type decoded a different message")
            let theirs = first[2 * index].json ?? "null"
            comparisons.append(.sameJSON(ours[2 * index].1, theirs))
            comparisons.append(.sameJSON(ours[2 * index + 1].1, theirs))
        }
        for ((label, _), answer) in zip(ours, try await PythonReference.run(comparisons)) where answer.equal != true {
            Issue.record("\(label): JSON differs\n ours:   \(answer.json ?? "")\n Python: \(answer.other ?? "")")
        }
    }
}
