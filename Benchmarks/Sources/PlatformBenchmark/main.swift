import Foundation

// The platform benchmarks (`bash Benchmarks/run.sh edge|scale`): against a platform that
// run.sh started with `clinic up` on a temporary data folder, side by side in one run.
do {
    let options = try BenchmarkOptions.parse(CommandLine.arguments)
    let platform = try RunningPlatform(
        edgeURL: options.edgeURL, upLog: options.upLog, certificates: options.certificates, data: options.data)
    switch options.mode {
    case .edge:
        try await EdgeBenchmark(platform: platform, options: options).run()
    case .scale:
        try await ScaleBenchmark(platform: platform, options: options, clinicBinary: options.clinicBinary).run()
    }
} catch {
    FileHandle.standardError.write(Data("platform-bench: error: \(error)\n".utf8))
    exit(1)
}
