import Foundation

/// Runs blocking work (a child process, a pipe read, a semaphore) on a thread of its own and
/// awaits it.
///
/// Swift Testing runs every test of a process on the cooperative pool, which has one thread per
/// core: two on CI. A test that blocks one of them (`waitUntilExit`, `readDataToEndOfFile`,
/// `DispatchSemaphore.wait`) stalls every other test's tasks, and their timeouts then fail
/// at random.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
