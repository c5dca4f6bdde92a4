import Foundation
import ProtoRuntime
import TestSupport

/// Runs Debian's `protoc`, the reference implementation of the binary encoding, as a process.
enum Protoc {
    /// A schema protoc can load: the include roots and the file that declares the type.
    struct Schema: Sendable {
        var includes: [String]
        var file: String

        /// The conformance schema in `../shared/conformance` (TestAllTypesProto3 and friends).
        static let conformance = Schema(
            includes: [repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance").path],
            file: "google/protobuf/test_messages_proto3.proto")

        /// A platform proto under `Protos/`.
        static func platform(_ file: String) -> Schema {
            Schema(includes: [repositoryRoot.appendingPathComponent("Protos").path], file: file)
        }
    }

    static let allTypes = "protobuf_test_messages.proto3.TestAllTypesProto3"

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The text format protoc prints for the binary message `bytes` of `type`.
    static func decode(_ bytes: [UInt8], type: String = allTypes, schema: Schema = .conformance) async throws -> String {
        String(decoding: try await run(["--decode=\(type)"], input: bytes, schema: schema), as: UTF8.self)
    }

    /// The binary encoding protoc writes for the text-format message `text` of `type`.
    static func encode(_ text: String, type: String = allTypes, schema: Schema = .conformance) async throws -> [UInt8] {
        try await run(["--encode=\(type)"], input: Array(text.utf8), schema: schema)
    }

    static func run(_ arguments: [String], input: [UInt8], schema: Schema = .conformance) async throws -> [UInt8] {
        let includes = schema.includes.flatMap { ["-I", $0] } + ["-I", "/usr/include"]
        let result = try await ChildProcess.run("protoc", includes + arguments + [schema.file], input: input)
        guard result.succeeded else { throw ProtoError(.malformed, "protoc failed: \(result.errorText)") }
        return result.stdout
    }
}
