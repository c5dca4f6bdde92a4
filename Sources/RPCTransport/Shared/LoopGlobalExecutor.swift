internal import CConcurrencyHook
public import NIOPosix

/// Runs Swift's global executor on NIO's event loops, so a task resumed by I/O keeps running on
/// the loop that did the I/O: a call made from there goes out on that loop without a thread hop
/// (docs/RPC.md, "Where calls run").
///
/// A job enqueued from an event loop's thread (of any group) runs on that loop; any other job goes
/// to the next loop of `group`. Priorities are not kept. Blocking work must stay off the global
/// executor (the platform runs SQLite and scrypt on thread pools of their own), since it would
/// stall a loop's I/O.
///
/// NIO's own `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor` finds the
/// runtime's hook with `dlsym`, which a statically linked runtime hides, and keeps jobs on a loop
/// only when it belongs to the singleton group.
public enum LoopGlobalExecutor {
    private typealias Hook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the executor; false when another hook is already installed. Call once, first
    /// thing in a process's entry point.
    @discardableResult
    public static func install() -> Bool {
        let hook: Hook = { job, _ in
            let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
            loop.executor.enqueue(job)
        }
        return clinic_install_enqueue_global_hook(unsafeBitCast(hook, to: UnsafeMutableRawPointer.self)) != 0
    }
}
