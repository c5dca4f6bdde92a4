import ClinicAPI
import Edge
import InteropService
import Logging
import RPCCore
import ServiceHost
import ServiceLifecycle

/// The edge's process: the JSON/HTTP server in front of every RPC service, calling each through
/// a pooled transport fed by the registry (presenting the `edge` certificate). Its own
/// `clinic.health.v1.HealthService` is answered in-process, so `GET /v1/health` says whether
/// the edge itself is up.
struct EdgeProcess: Service {
    let edge: EdgeServer
    let clients: ServiceClients
    let health: HealthService
    let healthServer: RPCServer
    let onListening: @Sendable (Int) -> Void
    let logger: Logger

    /// An edge listening on `host:port`, reaching services through `clients`.
    init(host: String, port: Int, clients: ServiceClients, logger: Logger, onListening: @escaping @Sendable (Int) -> Void)
        throws
    {
        let local = InProcessTransport()
        let health = HealthService(serving: [])
        let healthServer = RPCServer(services: [health], transports: [local.server], logger: logger)
        let localHealth = RPCClient(transport: local.client)
        let healthName = Clinic_Health_V1_HealthService.descriptor
        edge = try EdgeServer(configuration: EdgeConfiguration(host: host, port: port), logger: logger) { service in
            if service == healthName { return localHealth }
            do {
                return try clients.caller(for: service)
            } catch {
                // Not a platform service name: every call to it answers unavailable.
                return UnreachableCaller(service: service)
            }
        }
        self.clients = clients
        self.health = health
        self.healthServer = healthServer
        self.onListening = onListening
        self.logger = logger
    }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await healthServer.serve() }
            group.addTask {
                let port = try await edge.listeningPort()
                onListening(port)
            }
            try await withGracefulShutdownHandler {
                try await edge.run()
            } onGracefulShutdown: {
                health.enterShutdown()
                edge.beginGracefulShutdown()
            }
            healthServer.beginGracefulShutdown(gracePeriod: .zero)
            group.cancelAll()
        }
        clients.shutdown()
    }
}

/// The caller for a service the edge cannot route to.
struct UnreachableCaller: RPCCaller {
    let service: ServiceDescriptor

    private var error: RPCError { RPCError(code: .unavailable, message: "\(service) is not served by this platform") }

    func unary<Input, Output>(request: Input, method: MethodDescriptor, options: CallOptions) async throws -> Output {
        throw error
    }

    func serverStreaming<Input, Output, Result>(
        request: Input, method: MethodDescriptor, options: CallOptions,
        onResponse: @escaping @Sendable (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result { throw error }

    func clientStreaming<Input, Output>(
        method: MethodDescriptor, options: CallOptions, requestProducer: @escaping @Sendable (RPCWriter<Input>) async throws -> Void
    ) async throws -> Output { throw error }

    func bidirectionalStreaming<Input, Output, Result>(
        method: MethodDescriptor, options: CallOptions, requestProducer: @escaping @Sendable (RPCWriter<Input>) async throws -> Void,
        onResponse: @escaping @Sendable (RPCAsyncSequence<Output>) async throws -> Result
    ) async throws -> Result { throw error }
}
