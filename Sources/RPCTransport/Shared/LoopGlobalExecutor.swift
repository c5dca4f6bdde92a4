internal import CConcurrencyHook
internal import NIOPosix

/// Runs Swift's global executor on NIO's event loops, so a task resumed by I/O keeps running on
/// the loop that did the I/O: a call made from there goes out on that loop without a thread hop
/// (docs/RPC.md, "Where calls run").
///
/// A job enqueued from an event loop's thread (of any group) runs on that loop; any other job goes
/// to the next loop of NIO's singleton group. Priorities are not kept. Blocking work must stay off
/// the global executor (the platform runs SQLite and scrypt on thread pools of their own): it
/// would stall a loop's I/O.
///
/// NIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor` finds the
/// runtime's hook with `dlsym`, which a statically linked runtime hides; it keeps a job on a loop
/// only when that loop is in the singleton group, and runs jobs as the loop's serial executor.
public enum LoopGlobalExecutor {
    /// Installs the executor; false when another hook is already installed. Call once, first
    /// thing in a process's entry point.
    @discardableResult
    public static func install() -> Bool {
        clinic_install_loop_enqueue_hook() != 0
    }

    /// The runtime's generic executor (no isolation), for which Swift has no public value: an
    /// executor reference is an identity word and an implementation word, both zero for it.
    fileprivate static let genericExecutor = unsafeBitCast((0, 0), to: UnownedSerialExecutor.self)
}

/// The hook's Swift half (called from CConcurrencyHook for every global job).
@_cdecl("clinic_loop_enqueue")
func loopEnqueue(_ job: UnsafeMutableRawPointer) {
    let job = unsafeBitCast(job, to: UnownedJob.self)
    let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
    // The job runs as on Swift's own pool, on the generic executor. Run as the loop's serial
    // executor (what NIO's `enqueue` does), every call into a nonisolated async function would
    // switch away from it: one more job through the loop's queue each time.
    loop.execute { job.runSynchronously(on: LoopGlobalExecutor.genericExecutor) }
}
