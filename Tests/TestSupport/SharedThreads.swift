public import NIOPosix

/// Threads for the blocking work of the services that tests start (SQLite), shared by every
/// harness in the test process: each harness starting pools of its own, never stopped while
/// its servers run, left thousands of idle threads behind and slowed every thread wake-up.
public let sharedStorageThreads: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 8)
    pool.start()
    return pool
}()
