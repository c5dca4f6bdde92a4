import ArgumentParser
import Foundation
import Logging
import RPCTransport
import ServiceHost
import ServiceLifecycle

/// `clinic serve <service>`: one service process (what `clinic up` runs for each instance).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one service process.",
        discussion: """
            Prints `listening: <scheme>://<host>:<port>` on standard output once it accepts connections; \
            logs go to standard error. Stops gracefully on SIGTERM or SIGINT.
            """)

    @Argument(help: "The service: \(ServiceKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var service: ServiceKind

    @Option(help: "The data folder.")
    var data = "./data"

    @Option(help: "Interface to listen on.")
    var host = "127.0.0.1"

    @Option(help: "RPC port to listen on (0: any free port).")
    var port = 0

    @Option(name: .customLong("http-port"), help: "HTTP port of the edge.")
    var httpPort = 8080

    @Option(help: "The certificates folder (default: Certs/generated of the repository).")
    var certs: String?

    @Option(help: "The registry's host:port (required for every service but the registry).")
    var registry: String?

    @Option(name: .customLong("instance-id"), help: "This instance's registry id (default: <service>-1).")
    var instanceID: String?

    @Option(name: .customLong("lease-ttl"), help: "Registry lease length in seconds (heartbeats at a third).")
    var leaseTTL = 15

    @Flag(help: "Run under `clinic up`: stop when standard input closes (the supervisor is gone).")
    var supervised = false

    func validate() throws {
        guard (0...65535).contains(port), (0...65535).contains(httpPort) else { throw ValidationError("ports are 0...65535") }
        guard (1...300).contains(leaseTTL) else { throw ValidationError("--lease-ttl must be 1...300 seconds") }
        if service != .registry, registry.flatMap(Endpoint.init(parsing:)) == nil {
            throw ValidationError("--registry host:port is required for \(service.rawValue)")
        }
    }

    func run() async throws {
        // First, before the service starts its tasks: a handler, and each call it makes, then stay
        // on the event loop whose I/O resumed it (docs/RPC.md, "Where calls run").
        LoopGlobalExecutor.install()
        LogSetup.bootstrap()
        let instanceID = self.instanceID ?? "\(service.rawValue)-1"
        let logger = LogSetup.logger("clinic.\(service.rawValue)", metadata: ["instance": "\(instanceID)"])
        let configuration = ServiceConfiguration(
            serviceName: service.identity, instanceID: instanceID, dataDirectory: Paths.absolute(data), host: host,
            port: port, certificatesDirectory: try Paths.certificates(certs),
            registry: registry.flatMap(Endpoint.init(parsing:)), leaseTTL: .seconds(leaseTTL))
        try configuration.identity.checkFiles()
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let registryClient = try configuration.registry.map {
            try RegistryClient(endpoint: $0, identity: configuration.identity, logger: logger)
        }
        let running: any Service
        let stop: @Sendable () -> Void
        if service == .edge {
            // Safe: validate() made sure every service but the registry has one.
            let clients = ServiceClients(registry: registryClient!, identity: configuration.identity, logger: logger)
            let edge = try EdgeProcess(host: host, port: httpPort, clients: clients, logger: logger) { port in
                Console.out("listening: http://\(host):\(port)")
            }
            running = edge
            stop = { edge.edge.beginGracefulShutdown() }
        } else {
            let hosted = try await ServiceAssembly.hosted(
                service, configuration: configuration, registry: registryClient, logger: logger)
            let serviceHost = ServiceHost(
                configuration: configuration, hosted: hosted, registry: registryClient, logger: logger)
            running = ReportingService(host: serviceHost)
            stop = { serviceHost.beginShutdown() }
        }
        if supervised {
            StandardInputWatch.onEndOfInput(stop)
            // Ctrl-C reaches the whole process group; under `clinic up` the supervisor alone
            // decides the order of shutdown (it sends SIGTERM).
            signal(SIGINT, SIG_IGN)
        }
        let group = ServiceGroup(
            services: [running], gracefulShutdownSignals: supervised ? [.sigterm] : [.sigterm, .sigint],
            cancellationSignals: [], logger: logger)
        try await group.run()
        registryClient?.shutdown()
    }
}

/// Runs a `ServiceHost` and prints its `listening:` line once it accepts connections.
struct ReportingService: Service {
    let host: ServiceHost

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                if let endpoint = await host.listeningEndpoint() { Console.out("listening: rpc://\(endpoint)") }
            }
            try await host.run()
            group.cancelAll()
        }
    }
}

/// Calls back once standard input reaches its end: under `clinic up` the supervisor holds the
/// other end of the pipe, so it closes when the supervisor exits, even killed — and its
/// children stop instead of living on as orphans.
enum StandardInputWatch {
    static func onEndOfInput(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            // A blocking read on a thread of its own (never on the cooperative pool).
            while !FileHandle.standardInput.availableData.isEmpty {}
            body()
        }
        thread.name = "stdin-watch"
        thread.start()
    }
}
