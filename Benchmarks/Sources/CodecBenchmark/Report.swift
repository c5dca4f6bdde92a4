/// The side-by-side table: ns/op per implementation and the ratios the issue sets targets on.
struct Report {
    var workloads: [Harness.Workload]
    var nanoseconds: [Double]

    /// Targets: at least this many times faster than swift-protobuf, by operation.
    static let speedupTargets = ["encode": 1.5, "decode": 2.0]
    /// Target: at most this many times the raw protobuf-c time.
    static let floorTarget = 2.0

    func table() -> String {
        var rows: [[String]] = [[
            "message", "op", "ours ns", "swift-protobuf ns", "protobuf-c ns", "vs swift-protobuf", "vs protobuf-c", "targets",
        ]]
        var index = 0
        while index + 2 < workloads.count {
            let ours = nanoseconds[index], theirs = nanoseconds[index + 1], floor = nanoseconds[index + 2]
            let operation = workloads[index].operation
            let speedup = theirs / ours, overFloor = ours / floor
            let met = speedup >= (Self.speedupTargets[operation] ?? 1) && overFloor <= Self.floorTarget
            rows.append([
                workloads[index].message, operation, Self.format(ours), Self.format(theirs), Self.format(floor),
                String(format: "%.2fx faster", speedup), String(format: "%.2fx", overFloor), met ? "met" : "MISSED",
            ])
            index += 3
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { column, cell in
                column < 2 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        lines.append("")
        lines.append("Targets: encode >= 1.5x and decode >= 2x faster than swift-protobuf; within 2x of protobuf-c.")
        lines.append("Best of \(Harness().samples) interleaved samples per cell; protobuf-c = get_packed_size + pack, unpack + free_unpacked, in C.")
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }
}
