import ConformanceProtos
import Foundation
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
    static func run(_ requests: [Conformance_ConformanceRequest]) throws -> Session {
        var input: [UInt8] = []
        for request in requests {
            let payload = try request.serializedBytes()
            input += header(payload.count) + payload
        }
        return try run(rawInput: input)
    }

    /// Sends `input` verbatim (for broken framing), closes stdin, collects the output.
    static func run(rawInput input: [UInt8]) throws -> Session {
        let process = Process()
        process.executableURL = try executable()
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write on another thread: the testee answers while we write, and a full stdout pipe
        // must not deadlock against a full stdin pipe.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorReader = ErrorCollector(stderr.fileHandleForReading)
        let output = [UInt8](stdout.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
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
            terminationReason: process.terminationReason, status: process.terminationStatus,
            standardError: errorReader.text())
    }

    /// The 4-byte little-endian length prefix.
    static func header(_ count: Int) -> [UInt8] {
        [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: UInt32(count) >> $0) }
    }

    /// `conformance-testee` is built next to the test bundle (the test target depends on it).
    private static func executable() throws -> URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [testBinary.deletingLastPathComponent()]
        if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() { candidates.append(bundle) }
        candidates += candidates.map { $0.deletingLastPathComponent() }
        for folder in candidates {
            let url = folder.appendingPathComponent("conformance-testee")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw ProtoError(.unsupported, "conformance-testee not found near \(testBinary.path)")
    }
}

/// Drains stderr on its own thread, so a chatty child cannot block on a full pipe.
private final class ErrorCollector: @unchecked Sendable {
    // @unchecked: `data` is written by the reading thread before `done` is signalled and read after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
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
