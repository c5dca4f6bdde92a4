import Foundation

/// What one stack measured for one payload size and one mode.
struct Measurement {
    var throughput = Throughput()
    var latencies = Latencies()
}

/// Every measurement of the run, and the table with ratios and targets.
struct Report {
    enum Mode: Hashable, CustomStringConvertible {
        case sequential
        case concurrent(Int)

        var description: String {
            switch self {
            case .sequential: "1"
            case .concurrent(let inFlight): "\(inFlight)"
            }
        }
    }

    struct Key: Hashable {
        var size: Int
        var mode: Mode
        var stack: String
    }

    static let raw = "raw TLS"
    static let grpc = "grpc-swift-2"
    static let ours = "clinic"

    private(set) var measurements: [Key: Measurement] = [:]

    mutating func record(_ size: Int, _ mode: Mode, _ stack: String, calls: Int, nanoseconds: UInt64, latencies: [UInt64]) {
        let key = Key(size: size, mode: mode, stack: stack)
        var measurement = measurements[key] ?? Measurement()
        measurement.throughput.add(calls: calls, nanoseconds: nanoseconds)
        measurement.latencies.append(contentsOf: latencies)
        measurements[key] = measurement
    }

    /// The markdown table, then the targets with PASS or MISS.
    func render(sizes: [Int], inFlight: Int) -> String {
        var lines: [String] = []
        lines.append(
            "| payload | in flight | raw TLS calls/s | raw p50 µs | raw p99 µs | grpc-swift-2 calls/s | grpc p50 µs | grpc p99 µs "
                + "| clinic calls/s | clinic p50 µs | clinic p99 µs | calls/s clinic÷grpc | p50 clinic÷raw | p99 clinic÷grpc |")
        lines.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        var targets: [String] = []
        for size in sizes {
            for mode in [Mode.sequential, .concurrent(inFlight)] {
                let raw = measurements[Key(size: size, mode: mode, stack: Self.raw)] ?? Measurement()
                let grpc = measurements[Key(size: size, mode: mode, stack: Self.grpc)] ?? Measurement()
                let ours = measurements[Key(size: size, mode: mode, stack: Self.ours)] ?? Measurement()
                let speedup = ours.throughput.callsPerSecond / grpc.throughput.callsPerSecond
                let p50VersusRaw = ours.latencies.percentile(0.5) / raw.latencies.percentile(0.5)
                let p99VersusGRPC = ours.latencies.percentile(0.99) / grpc.latencies.percentile(0.99)
                var row = "| \(Self.bytes(size)) | \(mode) "
                for measurement in [raw, grpc, ours] {
                    row += "| \(Self.rate(measurement.throughput.callsPerSecond)) "
                    row += "| \(Self.micros(measurement.latencies, 0.5)) | \(Self.micros(measurement.latencies, 0.99)) "
                }
                row += "| \(Self.ratio(speedup)) | \(mode == .sequential ? Self.ratio(p50VersusRaw) : "") | \(Self.ratio(p99VersusGRPC)) |"
                lines.append(row)
                let label = "\(Self.bytes(size)), \(mode) in flight"
                switch mode {
                case .sequential:
                    targets.append(Self.check(p50VersusRaw <= 3, "\(label): p50 clinic÷raw \(Self.ratio(p50VersusRaw)) ≤ 3x"))
                case .concurrent:
                    targets.append(Self.check(speedup >= 5, "\(label): calls/s clinic÷grpc \(Self.ratio(speedup)) ≥ 5x"))
                }
                targets.append(Self.check(p99VersusGRPC < 1, "\(label): p99 clinic÷grpc \(Self.ratio(p99VersusGRPC)) < 1"))
            }
        }
        return (lines + [""] + targets).joined(separator: "\n")
    }

    private static func check(_ met: Bool, _ text: String) -> String { (met ? "PASS  " : "MISS  ") + text }

    private static func bytes(_ size: Int) -> String { size >= 1024 && size % 1024 == 0 ? "\(size / 1024) KiB" : "\(size) B" }

    private static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let rounded = Int(value.rounded())
        var digits = String(rounded)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped
    }

    private static func micros(_ latencies: Latencies, _ fraction: Double) -> String {
        guard latencies.count > 0 else { return "—" }
        let value = latencies.percentile(fraction)
        return value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    private static func ratio(_ value: Double) -> String { value.isFinite ? String(format: "%.2fx", value) : "—" }
}
