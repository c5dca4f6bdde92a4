import Foundation
import ProtoRuntime
import TestSupport

/// Python's `google.protobuf.json_format` (PyPI `protobuf`, installed by scripts/setup.sh) as the
/// reference for the proto3 JSON mapping, over a descriptor set of the conformance schema and
/// every proto under Protos/.
///
/// One `python3` process answers a batch of requests, so a test pays its start-up once.
enum PythonReference {
    /// One thing to ask the reference.
    struct Request: Encodable {
        var op: String
        var type: String?
        var binary: String?
        var other: String?
        var json: String?
        var seed: Int?
        var defaults: Bool?
        var protoNames: Bool?
        var ignoreUnknown: Bool?

        /// Python's JSON for the binary message `bytes` of `type`.
        static func toJSON(_ type: String, _ bytes: [UInt8], defaults: Bool = false, protoNames: Bool = false) -> Request {
            Request(op: "toJSON", type: type, binary: Data(bytes).base64EncodedString(), defaults: defaults, protoNames: protoNames)
        }

        /// Python's parse of `json` as `type`, answered with the binary encoding or the error.
        static func parse(_ type: String, _ json: String, ignoreUnknown: Bool = false) -> Request {
            Request(op: "parse", type: type, json: json, ignoreUnknown: ignoreUnknown)
        }

        /// A message of `type` with every field set (one member per oneof, chosen by `seed`).
        static func sample(_ type: String, seed: Int) -> Request {
            Request(op: "sample", type: type, seed: seed)
        }

        /// Whether two binary encodings decode to equal messages in Python.
        static func equalBinary(_ type: String, _ lhs: [UInt8], _ rhs: [UInt8]) -> Request {
            Request(
                op: "equalBinary", type: type, binary: Data(lhs).base64EncodedString(),
                other: Data(rhs).base64EncodedString())
        }

        /// Whether two JSON texts hold the same value (booleans distinct from numbers; 1 == 1.0).
        static func sameJSON(_ lhs: String, _ rhs: String) -> Request {
            Request(op: "sameJSON", other: rhs, json: lhs)
        }
    }

    /// The reference's answer; which members are set depends on the request.
    struct Answer: Decodable {
        var json: String?
        var binary: String?
        var other: String?
        var equal: Bool?
        var error: String?

        /// The decoded `binary` member.
        var bytes: [UInt8]? { binary.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } }
    }

    /// Answers `requests` in order.
    static func run(_ requests: [Request]) async throws -> [Answer] {
        struct Job: Encodable {
            var descriptorSet: String
            var requests: [Request]
        }
        let input = try JSONEncoder().encode(Job(descriptorSet: try await descriptorSet.value, requests: requests))
        let output = try await Subprocess.run(["python3", "-c", script], input: [UInt8](input))
        let answers = try JSONDecoder().decode([Answer].self, from: Data(output))
        guard answers.count == requests.count else {
            throw ProtoError(.malformed, "python answered \(answers.count) of \(requests.count) requests")
        }
        return answers
    }

    /// The repository root (this file is Tests/ProtoRuntimeTests/JSON/PythonReference.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `protoc --include_imports --descriptor_set_out` over the conformance schema and Protos/,
    /// written once per test process.
    private static let descriptorSet = Task {
        let protos = repositoryRoot.appendingPathComponent("Protos")
        let conformance = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: protos.path) {
            for case let path as String in walker where path.hasSuffix(".proto") { files.append(path) }
        }
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-json-reference-\(ProcessInfo.processInfo.processIdentifier).desc").path
        _ = try await Subprocess.run(
            ["protoc", "--include_imports", "--descriptor_set_out=\(output)", "-I", protos.path, "-I", conformance.path,
             "-I", "/usr/include", "google/protobuf/test_messages_proto3.proto"] + files.sorted(),
            input: [])
        return output
    }
}

/// Runs a command to completion, feeding `input` on stdin; throws with its stderr on failure.
enum Subprocess {
    static func run(_ arguments: [String], input: [UInt8]) async throws -> [UInt8] {
        let result = try await ChildProcess.run(arguments[0], Array(arguments.dropFirst()), input: input)
        guard result.succeeded else {
            throw ProtoError(
                .unsupported,
                "\(arguments[0]) failed (\(result.status)); run scripts/setup.sh for python3 and the protobuf package: \(result.errorText)")
        }
        return result.stdout
    }
}
