public import Foundation

/// A child process run to completion without blocking the cooperative pool (see `offThePool`),
/// its standard input fed and its output read on threads of their own, so no pipe can fill up
/// and deadlock.
public enum ChildProcess {
    /// What a finished process left.
    public struct Output: Sendable {
        public var status: Int32
        /// Killed by a signal (then `status` is the signal's number).
        public var signalled: Bool
        public var stdout: [UInt8]
        public var stderr: [UInt8]

        /// Exited with status 0.
        public var succeeded: Bool { status == 0 && !signalled }
        /// Standard error as text (for a failure's message).
        public var errorText: String { String(decoding: stderr, as: UTF8.self) }
        /// Standard output as text.
        public var outputText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` (found on PATH when not a path), feeding `input`.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil
    ) async throws -> Output {
        try await offThePool { try runBlocking(executable, arguments, input: input, environment: environment) }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], input: [UInt8], environment: [String: String]?
    ) throws -> Output {
        ignoreBrokenPipes()
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try launch(process)
        let errors = ThreadResult<Data>()
        Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }.start()
        Thread {
            // A process that exits before reading all its input makes this write fail (EPIPE).
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, stdout: Array(output), stderr: Array(errors.wait()))
    }

    /// Starts `process`, one launch at a time in this test process: Foundation's `Process.run()`
    /// on Linux crashes (a bad `memmove` inside it) when several threads launch at once. Waiting
    /// for the children is still concurrent.
    public static func launch(_ process: Process) throws {
        launching.lock()
        defer { launching.unlock() }
        try process.run()
    }

    private static let launching = NSLock()

    /// A child that dies before reading its input must fail the write, not kill the test process.
    private static func ignoreBrokenPipes() {
        #if canImport(Glibc)
        signal(SIGPIPE, SIG_IGN)
        #endif
    }
}

/// A value produced by another thread, waited for once.
private final class ThreadResult<Value: Sendable>: @unchecked Sendable {
    // Unchecked: `value` is written before `ready` is signalled and read only after the wait.
    private var value: Value?
    private let ready = DispatchSemaphore(value: 0)

    func set(_ newValue: Value) {
        value = newValue
        ready.signal()
    }

    func wait() -> Value {
        ready.wait()
        // Force-unwrap: `set` stored it before signalling.
        return value!
    }
}
