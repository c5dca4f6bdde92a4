/// Times workloads side by side: every sample round runs each workload once, in turn, for a few
/// milliseconds, so load from other processes falls on all of them alike. The figure is the best
/// sample: on a shared machine interference only ever adds time, so the minimum of many short
/// samples is the most repeatable estimate of each workload's own cost (and of their ratios).
struct Harness {
    /// A named operation that runs `iterations` times and returns something to keep it alive.
    struct Workload {
        var message: String
        var operation: String
        var implementation: String
        var run: (_ iterations: Int) -> Int
    }

    var samples = 61
    /// Wall time one sample aims for.
    var sampleNanoseconds: Double = 3_000_000

    /// Best nanoseconds per iteration of each workload over the samples, in the order given.
    func measure(_ workloads: [Workload]) -> [Double] {
        var sink = 0
        // Calibrate: iterations per sample from a warm-up run of each workload.
        let iterations = workloads.map { workload -> Int in
            sink &+= workload.run(10)
            var count = 16
            while true {
                let elapsed = time { sink &+= workload.run(count) }
                if elapsed > sampleNanoseconds / 8 || count > 1 << 26 {
                    return max(1, Int(Double(count) * sampleNanoseconds / max(elapsed, 1)))
                }
                count *= 4
            }
        }
        var perRound = [[Double]](repeating: [], count: workloads.count)
        for _ in 0..<samples {
            for (index, workload) in workloads.enumerated() {
                let elapsed = time { sink &+= workload.run(iterations[index]) }
                perRound[index].append(elapsed / Double(iterations[index]))
            }
        }
        if sink == 42 { print("") }  // keeps the results observable
        return perRound.map { values in values.min() ?? 0 }
    }

    private func time(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    }
}
