public import NIOCore

/// Runs Swift tasks on a NIO event loop (a `TaskExecutor` over `EventLoop.execute`).
///
/// The server starts each call's handler task with this executor as its preference, so the
/// handler's nonisolated code runs on the connection's own loop: a received message resumes
/// the handler without a thread hop, and the handler's writes reach the channel without one.
/// A client can do the same for its calls with `withTaskExecutorPreference(executor)`.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `loop` is immutable and event loops are thread-safe.
    /// The loop jobs run on.
    public let loop: any EventLoop

    /// An executor for `loop`.
    public init(loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
