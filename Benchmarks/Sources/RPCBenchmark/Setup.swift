import NIOCore
import Foundation

/// A benchmark failure, with what failed.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// Certificates made for this run by the repository's own `Certs/generate.sh`: a CA, the
/// server identity `interop` and the client identity `cli` (EC P-256), used by every stack.
struct BenchmarkPKI: Sendable {
    let directory: String

    static func make(repositoryRoot: String) throws -> BenchmarkPKI {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-rpc-bench-\(ProcessInfo.processInfo.processIdentifier)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot + "/Certs/generate.sh", directory, "interop", "cli"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("Certs/generate.sh exited with \(process.terminationStatus)")
        }
        return BenchmarkPKI(directory: directory)
    }

    func file(_ name: String) -> String { directory + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// What to run, from the command line.
struct BenchmarkOptions {
    var repositoryRoot = FileManager.default.currentDirectoryPath
    /// Payload sizes of the echo message, in bytes.
    var sizes = [64, 16 * 1024]
    /// Interleaved rounds: each stack runs its share in every round, so load from other
    /// processes falls on all stacks alike.
    var rounds = 5
    /// Sequential calls per stack and size, over all rounds.
    var sequentialCalls = 10_000
    /// Calls with `inFlight` outstanding per stack and size, over all rounds.
    var concurrentCalls = 30_000
    var inFlight = 64
    /// Every RPC call carries this deadline (as services' calls do); nil: none.
    var timeout: Duration? = .seconds(10)
    /// Runs Swift's global executor on NIO's event loops (`LoopGlobalExecutor`), as the
    /// platform's services do: every stack's caller then runs on the loop whose I/O resumed it.
    /// `--default-executor` keeps Swift's own thread pool (a caller hops to the loop and back).
    var nioGlobalExecutor = true
    /// Our stack's sequential caller runs on this loop of NIO's singleton group (a task
    /// executor preference), as a handler calling another service does; nil: the global executor.
    var callerLoop: Int?
    /// Our server and client each on an event loop of its own, with the sequential caller on the
    /// client's loop: the raw floor's shape (one client thread, one server thread), so the
    /// two-thread figure does not depend on which loop accepts the connection.
    var splitLoops = false
    /// Each stack's server and client on a one-thread event loop group of its own, as two
    /// processes would be (the default; callers stay on the global executor). `--shared-group`
    /// puts both on NIO's two-thread singleton group instead, where they may share one thread
    /// depending on which loop accepts the connection.
    var ownLoops = true
    /// The RPC stacks to run (all by default; one alone is for profiling).
    var stacks: Set<String> = ["clinic", "grpc"]
    /// Certificates made beforehand by `Certs/generate.sh DIR interop cli` (for runs under
    /// valgrind, which cannot spawn the script); nil: made for the run and removed after it.
    var certificates: String?
    /// Skips the raw TLS floor (for profiling an RPC stack alone).
    var raw = true

    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var rest = arguments.dropFirst()
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchmarkError("\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws -> Int {
            guard let number = Int(try value(flag)), number > 0 else { throw BenchmarkError("\(flag) needs a positive number") }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--root": options.repositoryRoot = try value(argument)
            case "--rounds": options.rounds = try number(argument)
            case "--sequential": options.sequentialCalls = try number(argument)
            case "--concurrent": options.concurrentCalls = try number(argument)
            case "--in-flight": options.inFlight = try number(argument)
            case "--sizes": options.sizes = try value(argument).split(separator: ",").map {
                guard let size = Int($0), size >= 0 else { throw BenchmarkError("--sizes takes numbers") }
                return size
            }
            case "--no-timeout": options.timeout = nil
            case "--only":
                let only = try value(argument)
                options.stacks = [only]
                options.raw = only == "raw"
            case "--certs": options.certificates = try value(argument)
            case "--nio-executor": options.nioGlobalExecutor = true
            case "--default-executor": options.nioGlobalExecutor = false
            case "--caller-loop":
                guard let index = Int(try value(argument)), (0..<System.coreCount).contains(index) else {
                    throw BenchmarkError("--caller-loop takes a loop index below \(System.coreCount)")
                }
                options.callerLoop = index
            case "--split-loops": options.splitLoops = true
            case "--own-loops": options.ownLoops = true
            case "--shared-group": options.ownLoops = false
            case "--quick":
                options.rounds = 2
                options.sequentialCalls = 1_000
                options.concurrentCalls = 4_000
            default: throw BenchmarkError("unknown argument \(argument)")
            }
        }
        // A caller on one of the singleton group's loops calls over connections on that group.
        if options.callerLoop != nil { options.ownLoops = false }
        return options
    }
}
