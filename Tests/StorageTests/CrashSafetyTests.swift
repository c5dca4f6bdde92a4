import Foundation
import TestSupport
import Synchronization
@testable import Storage
import Testing

/// A child process (`storage-crash-probe`) writes through the real storage stack and is killed
/// with SIGKILL; the file must then hold exactly the committed rows and pass `integrity_check`.
@Suite("Crash safety", .timeLimit(.minutes(2)))
struct CrashSafetyTests {
    // Must match the migrator in Tests/StorageCrashProbe/main.swift.
    static let migrator = Migrator([
        Migration(
            version: 1, name: "items",
            sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, phase TEXT NOT NULL, payload BLOB NOT NULL)")
    ])

    @Test func killedMidTransactionKeepsCommittedRowsOnly() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/crash.sqlite"
            let probe = try Probe(arguments: ["hold", path, "50"])
            #expect(try await probe.readLine() == "committed 50")
            #expect(try await probe.readLine() == "holding")
            // The open transaction has spilled uncommitted pages into the WAL: recovery must skip them.
            let walSize = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            #expect(walSize > 4 << 20)
            try await probe.kill()

            try verifyConsistent(path)
            let connection = try Connection(path: path)
            #expect(try connection.scalar("SELECT count(*) FROM items WHERE phase = 'committed'", as: Int.self) == 50)
            #expect(try connection.scalar("SELECT count(*) FROM items WHERE phase = 'uncommitted'", as: Int.self) == 0)
            let payload = try connection.scalar("SELECT payload FROM items WHERE id = 50", as: [UInt8].self)
            #expect(payload == [UInt8](repeating: 50, count: 512))
            connection.close()
            try await reopenAndWrite(path)
        }
    }

    @Test func killedWhileCommittingKeepsEveryReportedCommit() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/stream.sqlite"
            let probe = try Probe(arguments: ["stream", path])
            var reported = 0
            // Kill at an arbitrary point in a stream of commits (whatever the child is doing then).
            while reported < 300 {
                let line = try await probe.readLine()
                reported = Int(line.split(separator: " ").last ?? "") ?? -1
                #expect(line == "committed \(reported)")
            }
            try await probe.kill()

            try verifyConsistent(path)
            let connection = try Connection(path: path)
            let count = try connection.scalar("SELECT count(*) FROM items", as: Int.self)
            // Every commit the child saw return is there (it may have finished one more unreported).
            #expect(count >= reported)
            #expect(try connection.scalar("SELECT max(id) FROM items", as: Int.self) == count)
            connection.close()
            try await reopenAndWrite(path)
        }
    }

    private func verifyConsistent(_ path: String) throws {
        let connection = try Connection(path: path)
        #expect(try connection.query("PRAGMA integrity_check") { try $0.get(0, as: String.self) } == ["ok"])
        #expect(try connection.query("PRAGMA foreign_key_check").isEmpty)
    }

    private func reopenAndWrite(_ path: String) async throws {
        let database = try await Database.open(
            path: path, migrator: Self.migrator, configuration: TestSupport.configuration, threadPool: TestSupport.threadPool)
        try await database.write { db in
            try db.execute("INSERT INTO items (id, phase, payload) VALUES (100000, 'after', ?)", [[UInt8]()])
        }
        await database.close()
    }
}

/// The crash-probe child process, with line-by-line access to its stdout.
private final class Probe: Sendable {
    private let process: Process
    private let output: FileHandle
    private let buffer = LineBuffer()

    init(arguments: [String]) throws {
        let process = Process()
        process.executableURL = try Probe.executable()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try ChildProcess.launch(process)
        self.process = process
        self.output = pipe.fileHandleForReading
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// The next line the child printed; the blocking read happens off the cooperative pool.
    func readLine() async throws -> String {
        try await offThePool { try self.buffer.nextLine(from: self.output) }
    }

    /// SIGKILL, then wait for the child to be gone.
    func kill() async throws {
        Foundation.kill(process.processIdentifier, SIGKILL)
        try await offThePool { self.process.waitUntilExit() }
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)
    }

    /// `storage-crash-probe` is built next to the test bundle.
    private static func executable() throws -> URL {
        try BuiltExecutable.url(named: "storage-crash-probe")
    }
}

/// Splits a pipe's bytes into lines; used from one dispatch thread at a time.
private final class LineBuffer: Sendable {
    private let pending = Mutex<[UInt8]>([])

    struct EndOfOutput: Error {}

    func nextLine(from handle: FileHandle) throws -> String {
        while true {
            let line = pending.withLock { bytes -> String? in
                guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                let line = String(decoding: bytes[..<newline], as: UTF8.self)
                bytes.removeSubrange(...newline)
                return line
            }
            if let line { return line }
            let chunk = handle.availableData
            guard !chunk.isEmpty else { throw EndOfOutput() }
            pending.withLock { $0 += chunk }
        }
    }
}
