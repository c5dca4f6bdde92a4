import Foundation

/// Progress on stderr, so stdout is only the table.
func progress(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Starts the three stacks, warms each up, runs the interleaved rounds and prints the table.
func runBenchmark(_ options: BenchmarkOptions) async throws {
    progress("making certificates")
    let pki = try options.certificates.map(BenchmarkPKI.init(directory:)) ?? BenchmarkPKI.make(repositoryRoot: options.repositoryRoot)
    defer { if options.certificates == nil { pki.remove() } }
    progress("starting the raw TLS pair, our server and client, grpc-swift-2's server and client")
    let raw = try RawTLSStack(pki: pki)
    defer { raw.close() }
    let ours = try await ClinicStack.start(
        pki: pki, sizes: options.sizes, timeout: options.timeout, callerLoop: options.callerLoop, splitLoops: options.splitLoops,
        ownLoops: options.ownLoops)
    let grpc = try await GRPCStack.start(pki: pki, sizes: options.sizes, timeout: options.timeout, ownLoops: options.ownLoops)
    let stacks: [(name: String, stack: any EchoStack)] = [(Report.ours, ours as any EchoStack), (Report.grpc, grpc)]
        .filter { options.stacks.contains($0.name == Report.ours ? "clinic" : "grpc") }
    var report = Report()
    let inFlight = options.inFlight
    let sequentialPerRound = max(1, options.sequentialCalls / options.rounds)
    let concurrentPerRound = max(inFlight, options.concurrentCalls / options.rounds)

    for size in options.sizes {
        let messageBytes = try ClinicStack.encodedSize(payload: size)
        progress("payload \(size) B (messages of \(messageBytes) B): warming up")
        if options.raw {
            _ = try raw.sequential(messageBytes: messageBytes, count: 1_000)
            _ = try raw.pipelined(messageBytes: messageBytes, count: 2_000, depth: inFlight)
        }
        for (_, stack) in stacks {
            _ = try await stack.sequential(size: size, count: min(1_000, sequentialPerRound))
            _ = try await stack.concurrent(size: size, count: 4 * inFlight * 8, inFlight: inFlight)
        }
        for round in 1...options.rounds {
            progress("payload \(size) B: round \(round) of \(options.rounds)")
            if options.raw {
                let samples = try raw.sequential(messageBytes: messageBytes, count: sequentialPerRound)
                report.record(size, .sequential, Report.raw, calls: samples.count, nanoseconds: samples.reduce(0, +), latencies: samples)
                let elapsed = try raw.pipelined(messageBytes: messageBytes, count: concurrentPerRound, depth: inFlight)
                report.record(size, .concurrent(inFlight), Report.raw, calls: concurrentPerRound, nanoseconds: elapsed, latencies: [])
            }
            // Alternate the order so that neither RPC stack always runs right after the other.
            for (name, stack) in round % 2 == 1 ? stacks : stacks.reversed() {
                let start = nowNanoseconds()
                let samples = try await stack.sequential(size: size, count: sequentialPerRound)
                report.record(size, .sequential, name, calls: samples.count, nanoseconds: nowNanoseconds() - start, latencies: samples)
                let (elapsed, latencies) = try await stack.concurrent(size: size, count: concurrentPerRound, inFlight: inFlight)
                report.record(size, .concurrent(inFlight), name, calls: latencies.count, nanoseconds: elapsed, latencies: latencies)
            }
        }
    }
    await ours.shutdown()
    await grpc.shutdown()

    var executor = options.nioGlobalExecutor ? "NIO event loops as Swift's global executor" : "Swift's default global executor"
    if let loop = options.callerLoop { executor += "; our sequential caller on NIO loop \(loop)" }
    if options.splitLoops { executor += "; our server and client on a loop each, the sequential caller on the client's" }
    if options.ownLoops { executor += "; each stack's server and client on a loop of its own (as in two processes), callers on the global executor" }
    let deadline = options.timeout.map { "a \($0) deadline on every call" } ?? "no deadline"
    print("RPC unary echo: one TLS 1.3 (mTLS) connection on loopback, \(ProcessInfo.processInfo.activeProcessorCount) cores, "
        + "\(executor), \(deadline); raw TLS cipher \(raw.cipher)")
    print("sequential: \(sequentialPerRound * options.rounds) calls per stack and size; \(inFlight) in flight: "
        + "\(concurrentPerRound * options.rounds) calls; \(options.rounds) interleaved rounds; latencies in µs")
    print("")
    print(report.render(sizes: options.sizes, inFlight: inFlight))
}
