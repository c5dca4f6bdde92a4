import Foundation
import NIOCore
import NIOPosix

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
    // Before any task exists: from here on every task without a preference runs on NIO's loops.
    guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
        FileHandle.standardError.write(Data("RPCBenchmark: NIO could not become the global executor (it finds the hook in the shared Swift runtime: build without --static-swift-stdlib)\n".utf8))
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
