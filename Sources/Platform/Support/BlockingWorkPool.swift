import NIOPosix

/// Threads for blocking or CPU-heavy work (scrypt), so it never runs on a NIO event loop or the
/// Swift cooperative pool, where a few hundred milliseconds of hashing would stall every call.
///
/// The thread count also bounds the memory in use: each scrypt derivation holds ~128 MiB.
package final class BlockingWorkPool: Sendable {
    private let threadPool: NIOThreadPool

    /// Starts `threads` threads; call `shutdown()` when done.
    package init(threads: Int) {
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(body)
    }

    /// Stops the threads once running work is done.
    package func shutdown() async {
        try? await threadPool.shutdownGracefully()
    }
}
