public import NIOCore
import Synchronization

/// Runs Swift tasks on a NIO event loop (a `TaskExecutor` over `EventLoop.execute`).
///
/// The server starts each call's handler task with this executor as its preference, so the
/// handler's nonisolated code runs on the connection's own loop: a received message resumes
/// the handler without a thread hop, and the handler's writes reach the channel without one.
///
/// Use `EventLoopTaskExecutor.shared(for:)`: one instance per loop means a task that already
/// prefers a loop (a handler) and then calls through a connection on the same loop does not
/// switch executors at all (the runtime compares executors by identity).
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `loop` is immutable and event loops are thread-safe.
    /// The loop jobs run on.
    public let loop: any EventLoop

    /// An executor for `loop` (prefer `shared(for:)`).
    public init(loop: any EventLoop) {
        self.loop = loop
    }

    private static let instances = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// The one executor of `loop` (made on first use; event loops live as long as their group).
    public static func shared(for loop: any EventLoop) -> EventLoopTaskExecutor {
        instances.withLock { instances in
            if let executor = instances[ObjectIdentifier(loop)], executor.loop === loop { return executor }
            let executor = EventLoopTaskExecutor(loop: loop)
            instances[ObjectIdentifier(loop)] = executor
            return executor
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
