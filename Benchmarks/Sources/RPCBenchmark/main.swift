import Foundation
import NIOCore
import NIOPosix
import RPCTransport

// The RPC benchmark (docs/BENCHMARKS.md, "RPC"): unary echo over one TLS 1.3 connection on
// loopback, our runtime and grpc-swift-2 side by side in one process, with a plain OpenSSL
// ping-pong as the floor. Run it with `bash Benchmarks/run.sh rpc` (release build).

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions.parse(CommandLine.arguments)
} catch {
    FileHandle.standardError.write(Data("RPCBenchmark: \(error)\n".utf8))
    exit(2)
}
if options.nioGlobalExecutor {
    // Before any task exists, as the platform's services do (`clinic serve`): from here on a task
    // resumed by a loop's I/O runs on that loop, every stack's caller included.
    guard LoopGlobalExecutor.install() else {
        FileHandle.standardError.write(Data("RPCBenchmark: another global executor hook is installed\n".utf8))
        exit(1)
    }
}

let finished = DispatchSemaphore(value: 0)
nonisolated(unsafe) var exitCode: Int32 = 0
// Detached: top-level code is on the main actor, whose thread waits below.
Task.detached {
    do {
        try await runBenchmark(options)
    } catch {
        FileHandle.standardError.write(Data("RPCBenchmark: \(error)\n".utf8))
        exitCode = 1
    }
    finished.signal()
}
finished.wait()
exit(exitCode)
