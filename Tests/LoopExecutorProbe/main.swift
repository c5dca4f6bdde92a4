import Dispatch
import NIOCore
import NIOPosix
import RPCTransport

// Child process for `LoopGlobalExecutorTests`: installs the executor (which a test process
// cannot: Swift Testing runs on the default one), then prints one `name: true|false` line per
// check of where tasks run.

actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}

/// Where a nonisolated async function (the generic executor) runs, called from a loop.
nonisolated func loopOfNonisolatedCall() async -> ObjectIdentifier? {
    MultiThreadedEventLoopGroup.currentEventLoop.map { ObjectIdentifier($0) }
}

func current() -> ObjectIdentifier? { MultiThreadedEventLoopGroup.currentEventLoop.map { ObjectIdentifier($0) } }

print("installed: \(LoopGlobalExecutor.install())")
print("installed twice: \(LoopGlobalExecutor.install())")
let singletonLoops = Set(MultiThreadedEventLoopGroup.singleton.makeIterator().map { ObjectIdentifier($0) })
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loop = group.next()
let finished = DispatchSemaphore(value: 0)
Task.detached {
    print("started on a singleton loop: \(current().map(singletonLoops.contains) ?? false)")
    await withCheckedContinuation { continuation in
        // Resumed later, not at once: resumed before the task has finished suspending, the task
        // simply goes on on its own thread (nothing is enqueued), which is not what is checked here.
        loop.scheduleTask(in: .milliseconds(100)) { continuation.resume() }
    }
    print("resumed on the loop that resumed it: \(current() == ObjectIdentifier(loop))")
    print("nonisolated call on the same loop: \(await loopOfNonisolatedCall() == ObjectIdentifier(loop))")
    let counter = Counter()
    await counter.add()
    print("actor ran: \(await counter.value == 1)")
    print("back on the loop after the actor: \(current() == ObjectIdentifier(loop))")
    let child = await Task { current() == ObjectIdentifier(loop) }.value
    print("a task started from the loop runs on it: \(child)")
    let detached = await withCheckedContinuation { continuation in
        // Enqueued from a thread that is no loop's: it goes to a singleton loop.
        DispatchQueue.global().async { Task.detached { continuation.resume(returning: current().map(singletonLoops.contains) ?? false) } }
    }
    print("a task started off the loops runs on a singleton loop: \(detached)")
    finished.signal()
}
finished.wait()
