import Foundation
import ProtoRuntime

#if canImport(Glibc)
import Glibc
#endif

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
    static func decode(_ bytes: [UInt8], type: String = allTypes, schema: Schema = .conformance) throws -> String {
        String(decoding: try run(["--decode=\(type)"], input: bytes, schema: schema), as: UTF8.self)
    }

    /// The binary encoding protoc writes for the text-format message `text` of `type`.
    static func encode(_ text: String, type: String = allTypes, schema: Schema = .conformance) throws -> [UInt8] {
        try run(["--encode=\(type)"], input: Array(text.utf8), schema: schema)
    }

    /// A protoc that fails exits before reading all its input; writing on must not kill the test
    /// process with SIGPIPE (the write fails with EPIPE instead, and the exit status tells why).
    private static let ignoreBrokenPipes: Void = {
        #if canImport(Glibc)
        signal(SIGPIPE, SIG_IGN)
        #endif
    }()

    static func run(_ arguments: [String], input: [UInt8], schema: Schema = .conformance) throws -> [UInt8] {
        _ = ignoreBrokenPipes
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["protoc"] + schema.includes.flatMap { ["-I", $0] } + ["-I", "/usr/include"]
            + arguments + [schema.file]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Feed stdin and drain stderr on other threads, so no pipe can fill up and deadlock.
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorCollector()
        let reader = Thread { errors.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errors.wait()
        guard process.terminationStatus == 0 else {
            throw ProtoError(.malformed, "protoc failed: \(String(decoding: errors.data, as: UTF8.self))")
        }
        return Array(output)
    }

    /// stderr of a protoc run, read on its own thread.
    private final class ErrorCollector: @unchecked Sendable {
        // Unchecked: written once by the reader thread before `done` is signalled, read after `wait()`.
        var data = Data() { didSet { done.signal() } }
        private let done = DispatchSemaphore(value: 0)

        func wait() { done.wait() }
    }
}
