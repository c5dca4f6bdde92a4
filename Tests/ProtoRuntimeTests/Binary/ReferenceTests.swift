import ConformanceProtos
import Foundation
import ProtoRuntime
import Testing

/// Checks our encoding against the reference implementation, `protoc --encode/--decode`.
@Suite("Binary encoding agrees with protoc")
struct ReferenceTests {
    static let type = "protobuf_test_messages.proto3.TestAllTypesProto3"

    @Test("protoc decodes what we encode to the same message")
    func protocDecodesOurBytes() throws {
        let message = Fixtures.everyFieldKind
        let text = try Protoc.run(["--decode=\(Self.type)"], input: try message.serializedBytes())
        let textString = String(decoding: text, as: UTF8.self)
        #expect(textString.contains("optional_int64: 9223372036854775807"))
        #expect(textString.contains("optional_sint64: -9223372036854775808"))
        #expect(textString.contains("optional_nested_enum: BAZ"))
        #expect(textString.contains("repeated_nested_enum: 77"))
        #expect(textString.contains("fieldname1: 1"))
        // Back through protoc's own encoder: the message must survive unchanged.
        let reencoded = try Protoc.run(["--encode=\(Self.type)"], input: text)
        #expect(try TestAllTypes(serializedBytes: reencoded) == message)
    }

    @Test("we decode what protoc encodes")
    func weDecodeProtocBytes() throws {
        let text = """
            optional_int32: -42
            optional_uint64: 18446744073709551615
            optional_string: "h\\303\\251llo"
            optional_bytes: "\\000\\001"
            optional_nested_message { a: 9 }
            repeated_int32: [1, 2, 3]
            unpacked_int32: 4
            unpacked_int32: 5
            map_string_string { key: "k" value: "v" }
            map_int32_int32 { key: -1 value: 1 }
            optional_nested_enum: NEG
            oneof_string: "chosen"
            optional_timestamp { seconds: 1700000000 nanos: 5 }
            """
        let bytes = try Protoc.run(["--encode=\(Self.type)"], input: Array(text.utf8))
        let message = try TestAllTypes(serializedBytes: bytes)
        #expect(message.optionalInt32 == -42)
        #expect(message.optionalUint64 == .max)
        #expect(message.optionalString == "héllo")
        #expect(message.optionalBytes == [0, 1])
        #expect(message.optionalNestedMessage?.a == 9)
        #expect(message.repeatedInt32 == [1, 2, 3])
        #expect(message.unpackedInt32 == [4, 5])
        #expect(message.mapStringString == ["k": "v"])
        #expect(message.mapInt32Int32 == [-1: 1])
        #expect(message.optionalNestedEnum == .neg)
        #expect(message.oneofField == .oneofString("chosen"))
        #expect(message.optionalTimestamp?.seconds == 1_700_000_000)
        #expect(message.optionalTimestamp?.nanos == 5)
    }
}

/// Runs Debian's `protoc` on the conformance schema in `../shared/conformance`.
enum Protoc {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let conformance = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["protoc", "-I", conformance, "-I", "/usr/include"] + arguments
            + ["google/protobuf/test_messages_proto3.proto"]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write on another thread so a large output cannot deadlock against a full input pipe.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProtoError(.malformed, "protoc failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return Array(output)
    }
}
