import Foundation
import TestSupport
import Synchronization

/// The built `clinic` executable run as a child process, with its standard output collected
/// line by line (its standard error, the logs, goes to ours).
final class ClinicProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable; it is set up in init and only read afterwards.
    private let process: Process
    private let collected = LineStore()

    /// Starts `clinic` with `arguments`, writing `input` to its standard input (then closing it).
    init(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardInput = stdin
        try ChildProcess.launch(process)
        self.process = process
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let reader = output.fileHandleForReading
        let collected = self.collected
        let thread = Thread {
            var pending: [UInt8] = []
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending += chunk
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    collected.append(line)
                }
            }
        }
        thread.start()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var pid: Int32 { process.processIdentifier }

    /// Every line printed so far.
    var lines: [String] { collected.lines }

    /// The first line (from the start) that satisfies `match`, waiting for it; nil if the process
    /// exits first or `limit` (a safety net) passes.
    func line(limit: Duration = .seconds(300), where match: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let line = lines.first(where: match) { return line }
            if !process.isRunning {
                // Output may still be in the pipe: give the reader a moment.
                try? await Task.sleep(for: .milliseconds(300))
                return lines.first(where: match)
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Sends `signal`.
    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the exit (off the cooperative pool); the termination status and whether it was a signal.
    func waitForExit() async -> (status: Int32, bySignal: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: (self.process.terminationStatus, self.process.terminationReason == .uncaughtSignal))
            }
        }
    }

    /// Runs `clinic` with `arguments` to completion; its output lines and exit status.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws
        -> (lines: [String], status: Int32)
    {
        let child = try ClinicProcess(arguments, input: input, environment: environment)
        let (status, _) = await child.waitForExit()
        try? await Task.sleep(for: .milliseconds(100))
        return (child.lines, status)
    }

    /// `clinic` is built next to the test bundle (IntegrationTests depends on it).
    private static func executable() throws -> URL {
        try BuiltExecutable.url(named: "clinic")
    }
}

/// A failed step of an integration test.
struct IntegrationError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Whether process `pid` is still alive (a zombie counts as gone: it runs nothing).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    // The state follows the parenthesised command name.
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
    return state != "Z" && state != "X"
}

/// The `pid=` and address fields of a `started:`/`restarted:` line.
struct StartLine {
    var instance: String
    var pid: Int32
    var address: String

    init?(_ line: String) {
        let parts = line.split(separator: " ")
        guard parts.count >= 4, parts[0] == "started:" || parts[0] == "restarted:", parts[2].hasPrefix("pid="),
            let pid = Int32(parts[2].dropFirst(4))
        else { return nil }
        instance = String(parts[1])
        self.pid = pid
        address = String(parts[3])
    }
}

/// Lines read from a child, shared between its reader thread and the test.
final class LineStore: Sendable {
    private let storage = Mutex<[String]>([])

    func append(_ line: String) { storage.withLock { $0.append(line) } }

    var lines: [String] { storage.withLock { $0 } }
}
