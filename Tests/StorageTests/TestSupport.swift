import Foundation
import NIOPosix
import Storage
import Testing

/// Shared fixtures for the storage tests.
enum TestSupport {
    /// One pool for every test that opens a `Database` directly. Four threads so a test can keep
    /// one blocked inside a transaction while others run; never shut down (a static lives as long
    /// as the test process).
    static let threadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Defaults, with logging turned down so test output shows test results.
    static let configuration: StorageConfiguration = {
        var configuration = StorageConfiguration()
        configuration.logger.logLevel = .error
        return configuration
    }()

    /// A schema most tests share.
    static let patientsMigrator = Migrator([
        Migration(
            version: 1, name: "patients",
            sql: """
                CREATE TABLE patients (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    email TEXT UNIQUE
                );
                """)
    ])
}

/// A fresh directory under the system temporary folder, removed after `body` (even when it throws).
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("storage-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Opens a database at `<directory>/<name>` with `migrator`, runs `body`, and closes it.
@discardableResult
func withDatabase<T>(
    in directory: String,
    named name: String = "test.sqlite",
    migrator: Migrator = TestSupport.patientsMigrator,
    configuration: StorageConfiguration = TestSupport.configuration,
    _ body: (Database) async throws -> T
) async throws -> T {
    let database = try await Database.open(
        path: directory + "/" + name, migrator: migrator, configuration: configuration,
        threadPool: TestSupport.threadPool)
    do {
        let result = try await body(database)
        await database.close()
        return result
    } catch {
        await database.close()
        throw error
    }
}

/// Expects `body` to throw a `StorageError` with `code`, and returns it.
@discardableResult
func expectStorageError(
    _ code: StorageError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> StorageError? {
    do {
        try await body()
        Issue.record("expected a StorageError \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StorageError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a StorageError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A one-shot signal from a storage thread to an async test, and a gate the storage thread blocks
/// on until the test opens it. Lets a test hold a transaction open at a known point.
final class Checkpoint: Sendable {
    private let reachedStream: AsyncStream<Void>
    private let reachedContinuation: AsyncStream<Void>.Continuation
    private let gate = DispatchSemaphore(value: 0)

    init() {
        (reachedStream, reachedContinuation) = AsyncStream<Void>.makeStream()
    }

    /// Called on the storage thread: reports arrival, then blocks until `open()`.
    func arriveAndWait() {
        reachedContinuation.yield()
        gate.wait()
    }

    /// Waits (suspending, not blocking) until a storage thread has arrived.
    func reached() async {
        for await _ in reachedStream { return }
    }

    /// Lets the blocked storage thread go on.
    func open() {
        gate.signal()
    }
}
