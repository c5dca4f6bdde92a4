import Foundation

/// What to run, from the command line (`run.sh` passes the platform's coordinates).
struct BenchmarkOptions {
    enum Mode: String { case edge, scale }

    var mode: Mode = .edge
    /// The running platform: its edge URL, the file `clinic up` printed to, certificates, data.
    var edgeURL = ""
    var upLog = ""
    var certificates = ""
    var data = ""
    /// The `clinic` executable (for `clinic seed-history`).
    var clinicBinary = ""
    /// Where scripts and the seed plan go.
    var scratch = NSTemporaryDirectory()
    /// Timed seconds per path and round, warm-up seconds, rounds.
    var seconds = 10
    var warmup = 3
    var rounds = 4
    /// Edge benchmark: connections (wrk -c and the typed client's connections) and wrk threads.
    var connections = 16
    var threads = 2
    /// Scale check: the connection counts to measure at, and the data.
    var scaleConnections = [1, 8]
    var doctors = 50
    var patients = 200
    var appointments = 200_000
    /// Books every n-th free slot of the coming 14 days (0: none).
    var futureEvery = 4

    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var rest = arguments.dropFirst()
        guard let mode = rest.popFirst().flatMap(Mode.init(rawValue:)) else {
            throw BenchmarkError("usage: PlatformBenchmark edge|scale --edge URL --up-log FILE --certs DIR --data DIR [options]")
        }
        options.mode = mode
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchmarkError("\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws -> Int {
            guard let number = Int(try value(flag)), number >= 0 else { throw BenchmarkError("\(flag) needs a number") }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--edge": options.edgeURL = try value(argument)
            case "--up-log": options.upLog = try value(argument)
            case "--certs": options.certificates = try value(argument)
            case "--data": options.data = try value(argument)
            case "--clinic": options.clinicBinary = try value(argument)
            case "--scratch": options.scratch = try value(argument)
            case "--seconds": options.seconds = max(1, try number(argument))
            case "--warmup": options.warmup = max(1, try number(argument))
            case "--rounds": options.rounds = max(1, try number(argument))
            case "--connections":
                let counts = try value(argument).split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                guard !counts.isEmpty else { throw BenchmarkError("--connections takes positive numbers") }
                options.connections = counts[0]
                options.scaleConnections = counts
            case "--threads": options.threads = max(1, try number(argument))
            case "--doctors": options.doctors = max(1, try number(argument))
            case "--patients": options.patients = max(1, try number(argument))
            case "--appointments": options.appointments = max(1, try number(argument))
            case "--future-every": options.futureEvery = try number(argument)
            case "--quick":
                options.seconds = 3
                options.warmup = 1
                options.rounds = 2
            default: throw BenchmarkError("unknown argument \(argument)")
            }
        }
        for (flag, given) in [("--edge", options.edgeURL), ("--up-log", options.upLog), ("--certs", options.certificates), ("--data", options.data)]
        where given.isEmpty {
            throw BenchmarkError("\(flag) is required")
        }
        if options.mode == .scale, options.clinicBinary.isEmpty { throw BenchmarkError("--clinic is required for scale") }
        return options
    }
}
