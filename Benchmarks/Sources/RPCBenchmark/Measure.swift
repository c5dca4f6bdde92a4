import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds (the same clock the C floor uses).
func nowNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Round-trip latencies, pooled over rounds, summarised by exact percentiles of the sorted samples.
struct Latencies {
    private(set) var samples: [UInt64] = []

    mutating func append(contentsOf more: [UInt64]) { samples += more }

    /// The `fraction` percentile (0.5, 0.99) in microseconds, nearest-rank.
    func percentile(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1_000
    }

    var count: Int { samples.count }
}

/// Calls completed and the time they took, summed over rounds.
struct Throughput {
    private(set) var calls = 0
    private(set) var nanoseconds: UInt64 = 0

    mutating func add(calls: Int, nanoseconds: UInt64) {
        self.calls += calls
        self.nanoseconds += nanoseconds
    }

    var callsPerSecond: Double { nanoseconds == 0 ? .nan : Double(calls) * 1e9 / Double(nanoseconds) }
}

/// One stack under test: a sequential call and a way to run many concurrently.
protocol EchoStack: Sendable {
    /// Shown in the table.
    var name: String { get }
    /// One echo call of the given payload size (the message is built once per size).
    func call(size: Int) async throws
    /// `count` sequential calls; each round trip in nanoseconds.
    func sequential(size: Int, count: Int) async throws -> [UInt64]
    /// `count` calls with `inFlight` outstanding at any time.
    func concurrent(size: Int, count: Int, inFlight: Int) async throws -> (elapsed: UInt64, latencies: [UInt64])
    /// Releases connections and servers.
    func shutdown() async
}

extension EchoStack {
    func sequential(size: Int, count: Int) async throws -> [UInt64] {
        try await timedCalls(size: size, count: count)
    }

    /// `count` calls one after another from the current task; each round trip in nanoseconds.
    func timedCalls(size: Int, count: Int) async throws -> [UInt64] {
        var samples = [UInt64](repeating: 0, count: count)
        for index in 0..<count {
            let start = nowNanoseconds()
            try await call(size: size)
            samples[index] = nowNanoseconds() - start
        }
        return samples
    }

    /// `inFlight` tasks take calls from a shared budget until it is spent; the elapsed
    /// nanoseconds and every call's latency.
    func concurrent(size: Int, count: Int, inFlight: Int) async throws -> (elapsed: UInt64, latencies: [UInt64]) {
        let budget = CallBudget(count)
        let start = nowNanoseconds()
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var mine: [UInt64] = []
                    mine.reserveCapacity(count / inFlight + 1)
                    while budget.remaining.subtract(1, ordering: .relaxed).newValue >= 0 {
                        let begin = nowNanoseconds()
                        try await call(size: size)
                        mine.append(nowNanoseconds() - begin)
                    }
                    return mine
                }
            }
            var all: [UInt64] = []
            all.reserveCapacity(count)
            for try await mine in group { all += mine }
            return all
        }
        return (nowNanoseconds() - start, latencies)
    }
}

/// Calls left to make, shared by the tasks of a concurrent run.
final class CallBudget: Sendable {
    let remaining: Atomic<Int>

    init(_ count: Int) { remaining = Atomic(count) }
}
