import Foundation
import ServiceHost
import Synchronization

/// One child process of `clinic up`: its standard output read line by line (the `listening:`
/// line), standard error shared with ours (its logs), and standard input a pipe we hold open —
/// the child (`clinic serve --supervised`) stops when it closes, so children never outlive us.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable; it is only touched in init, in `signal` (a pid read,
    // thread-safe) and by Foundation's own termination callback.
    private let process: Process
    private let input: Pipe
    /// The lines the child prints on standard output.
    let lines: AsyncStream<String>
    /// Its exit: "status N" or "signal N", once it has exited.
    let exit = Latch<String>()
    /// Its process id.
    let pid: Int32

    /// Starts `executable` with `arguments`.
    init(executable: URL, arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.standardError
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let exit = self.exit
        process.terminationHandler = { finished in
            let how = finished.terminationReason == .uncaughtSignal ? "signal" : "status"
            exit.set("\(how) \(finished.terminationStatus)")
        }
        try process.run()
        self.process = process
        self.input = input
        self.lines = lines
        self.pid = process.processIdentifier
        let reader = output.fileHandleForReading
        let thread = Thread {
            // Blocking reads on a thread of their own, never on the cooperative pool.
            var pending: [UInt8] = []
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending += chunk
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            continuation.finish()
        }
        thread.name = "child-\(process.processIdentifier)"
        thread.start()
    }

    /// Sends `signal` (SIGTERM: stop gracefully; SIGKILL: now) if it still runs.
    func signal(_ signal: Int32) {
        guard exit.value == nil else { return }
        kill(pid, signal)
    }

    /// The first line starting with `prefix`, without it; nil when output ends first.
    func firstLine(prefixed prefix: String) async -> String? {
        for await line in lines where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Waits for the exit, sending SIGKILL when it takes longer than `timeout` (a safety net).
    @discardableResult
    func waitForExit(killAfter timeout: Duration) async -> String {
        let killer = Task {
            try await Task.sleep(for: timeout)
            signal(SIGKILL)
        }
        defer { killer.cancel() }
        return await exit.wait() ?? "unknown"
    }
}
