import ArgumentParser
import Foundation
import ServiceHost
import ServiceLifecycle

/// `clinic up`: the whole platform on this machine.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the registry, every service and the edge as child processes.",
        discussion: """
            Prints where each process listens, then `ready: http://127.0.0.1:<port>` once every process \
            is healthy and registered. Restarts a process that crashes. Ctrl-C or SIGTERM stops \
            everything: the edge, then the services, then the registry.
            """)

    @Option(help: "The data folder (SQLite files, signing keys).")
    var data = "./data"

    @Option(name: .customLong("http-port"), help: "Port of the JSON edge.")
    var httpPort = 8080

    @Option(name: .customLong("http-host"), help: "Interface of the JSON edge.")
    var httpHost = "127.0.0.1"

    @Option(help: "Interface the RPC services listen on.")
    var host = "127.0.0.1"

    @Option(help: "Instances of each service (the registry and the edge run once).")
    var replicas = 1

    @Option(help: "The certificates folder (default: Certs/generated of the repository; made when missing).")
    var certs: String?

    @Option(name: .customLong("lease-ttl"), help: "Registry lease length in seconds (a dead instance is dropped after it).")
    var leaseTTL = 6

    @Flag(inversion: .prefixedNo, help: "Seed demo data into an empty data folder.")
    var demo = true

    func validate() throws {
        guard (1...16).contains(replicas) else { throw ValidationError("--replicas must be 1...16") }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0...65535") }
        guard (1...300).contains(leaseTTL) else { throw ValidationError("--lease-ttl must be 1...300 seconds") }
    }

    func run() async throws {
        LogSetup.bootstrap()
        let logger = LogSetup.logger("clinic.up")
        let certificates = try Paths.certificates(certs)
        if !CertificateRecipe.complete(certificates, names: CertificateRecipe.identities) {
            try CertificateRecipe.make(in: certificates, names: CertificateRecipe.identities)
        }
        let data = Paths.absolute(self.data)
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try DataFolderLock.acquire(data)
        let plan = PlatformPlan(
            data: data, certificates: certificates, host: host, httpHost: httpHost, httpPort: httpPort, replicas: replicas,
            leaseTTL: leaseTTL, demo: demo)
        let group = ServiceGroup(
            services: [Supervisor(plan: plan, logger: logger)], gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [], logger: logger)
        try await group.run()
    }
}

/// One `clinic up` per data folder: a second one would run a second registry and overwrite
/// `run/up.json`. An exclusive `flock` on `<data>/run/up.lock`, held for the life of the process
/// (the kernel drops it however the process ends, so a crash leaves no stale lock).
enum DataFolderLock {
    nonisolated(unsafe) private static var descriptor: Int32 = -1

    static func acquire(_ data: String) throws {
        let folder = data + "/run"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(folder + "/up.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("cannot open \(folder)/up.lock") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            let pid = RunState.read(data: data).map { " (pid \($0.pid))" } ?? ""
            throw CLIError("another `clinic up` is running on \(data)\(pid)")
        }
        descriptor = fd
    }
}
