import ConformanceProtos
import Foundation
import TestSupport
import ProtoRuntime

/// The built `conformance-testee` as a child process, driven the way the official runner drives
/// it: length-prefixed requests on stdin, length-prefixed responses on stdout.
struct TesteeProcess {
    /// What one session produced.
    struct Session {
        /// The response frames, in order.
        var responses: [Conformance_ConformanceResponse]
        /// Bytes after the last complete frame (none when the testee framed everything).
        var trailingBytes: Int
        /// How the process ended: `.exit` with `status`, or `.uncaughtSignal` (a crash).
        var terminationReason: Process.TerminationReason
        var status: Int32
        var standardError: String
    }

    /// Sends `requests` (each serialized and framed), closes stdin, and collects everything the
    /// testee wrote until it exited.
    static func run(_ requests: [Conformance_ConformanceRequest]) async throws -> Session {
        var input: [UInt8] = []
        for request in requests {
            let payload = try request.serializedBytes()
            input += header(payload.count) + payload
        }
        return try await run(rawInput: input)
    }

    /// Sends `input` verbatim (for broken framing), closes stdin, collects the output.
    static func run(rawInput input: [UInt8]) async throws -> Session {
        let result = try await ChildProcess.run(try executable().path, [], input: input)
        let output = result.stdout
        var responses: [Conformance_ConformanceResponse] = []
        var position = 0
        while output.count - position >= 4 {
            let length = output[position..<position + 4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            guard output.count - position - 4 >= length else { break }
            let frame = Array(output[(position + 4)..<(position + 4 + length)])
            responses.append(try Conformance_ConformanceResponse(serializedBytes: frame))
            position += 4 + length
        }
        return Session(
            responses: responses, trailingBytes: output.count - position,
            terminationReason: result.signalled ? .uncaughtSignal : .exit, status: result.status,
            standardError: result.errorText)
    }

    /// The 4-byte little-endian length prefix.
    static func header(_ count: Int) -> [UInt8] {
        [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: UInt32(count) >> $0) }
    }

    /// `conformance-testee` is built next to the test bundle (the test target depends on it).
    private static func executable() throws -> URL {
        try BuiltExecutable.url(named: "conformance-testee")
    }
}

extension Conformance_ConformanceRequest {
    /// A request for TestAllTypesProto3 (or `messageType`).
    static func proto3(
        _ payload: OneOf_Payload,
        output: Conformance_WireFormat,
        category: Conformance_TestCategory = .binaryTest,
        messageType: String = "protobuf_test_messages.proto3.TestAllTypesProto3"
    ) -> Self {
        var request = Self()
        request.payload = payload
        request.requestedOutputFormat = output
        request.testCategory = category
        request.messageType = messageType
        return request
    }
}
