import Foundation
import RPCTransport

/// The typed-client counterpart of `wrk`: `connections` mTLS connections, each with one call
/// outstanding at a time (a task per connection calling in a loop), for a fixed time. The same
/// shape as `wrk -c connections`, so the two paths see the same concurrency.
struct DirectLoad {
    /// What a run measured.
    struct Result {
        var requests: Int
        var seconds: Double
        var latencies: [UInt64]
        var failures: Int

        var requestsPerSecond: Double { Double(requests) / seconds }
        var p50Milliseconds: Double { percentileMilliseconds(latencies, 0.50) }
        var p99Milliseconds: Double { percentileMilliseconds(latencies, 0.99) }
    }

    /// Opens `connections` transports with `open` (each connects with one untimed call of
    /// `call`), then calls for `seconds`; each task keeps to its own connection.
    static func run<Client: Sendable>(
        connections: Int, seconds: Int, open: () throws -> (NIOClientTransport, Client),
        call: @escaping @Sendable (Client) async throws -> Void
    ) async throws -> Result {
        var opened: [(NIOClientTransport, Client)] = []
        for _ in 0..<connections { opened.append(try open()) }
        defer { for (transport, _) in opened { transport.beginGracefulShutdown() } }
        for (_, client) in opened { try await call(client) }
        let start = nowNanoseconds()
        let stop = start + UInt64(seconds) * 1_000_000_000
        let perTask = try await withThrowingTaskGroup(of: ([UInt64], Int).self) { group in
            for (_, client) in opened {
                group.addTask {
                    var latencies: [UInt64] = []
                    latencies.reserveCapacity(1 << 16)
                    var failures = 0
                    while true {
                        let begin = nowNanoseconds()
                        guard begin < stop else { break }
                        do {
                            try await call(client)
                            latencies.append(nowNanoseconds() - begin)
                        } catch {
                            failures += 1
                        }
                    }
                    return (latencies, failures)
                }
            }
            var all: [([UInt64], Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let elapsed = Double(nowNanoseconds() - start) / 1e9
        let latencies = perTask.flatMap(\.0)
        return Result(requests: latencies.count, seconds: elapsed, latencies: latencies, failures: perTask.reduce(0) { $0 + $1.1 })
    }
}
