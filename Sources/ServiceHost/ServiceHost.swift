import ClinicAPI
import ClinicTLS
package import InteropService
package import Logging
package import RPCCore
package import RPCTransport
import ServiceLifecycle
import Synchronization

/// What a service brings to its process: its RPC services, the interceptors to serve them with
/// (the platform's `AuthorizationInterceptor`), work to run beside them, and what to close at the end.
package struct HostedService: Sendable {
    /// The RPC services (a `HealthService` for them is added by the host).
    package var services: [any RPCService]
    /// Server interceptors, outermost first.
    package var interceptors: [any ServerInterceptor]
    /// Work that runs while the process serves (sweepers, outbox relays); cancelled at the end.
    package var background: [@Sendable () async -> Void]
    /// Runs when a graceful shutdown begins, before calls drain (end long streams).
    package var draining: @Sendable () -> Void
    /// Runs once the server has stopped (close databases, stop thread pools).
    package var close: @Sendable () async -> Void

    /// Makes the parts.
    package init(
        services: [any RPCService], interceptors: [any ServerInterceptor], background: [@Sendable () async -> Void] = [],
        draining: @escaping @Sendable () -> Void = {}, close: @escaping @Sendable () async -> Void = {}
    ) {
        self.services = services
        self.interceptors = interceptors
        self.background = background
        self.draining = draining
        self.close = close
    }
}

/// Runs one service process: binds the mTLS RPC server, serves the service and a
/// `HealthService`, keeps the instance registered with the registry, and on graceful shutdown
/// (SIGTERM/SIGINT through a `ServiceGroup`, or `beginShutdown()`) reports NOT_SERVING,
/// deregisters, drains calls in flight with GOAWAY, then closes the service.
package final class ServiceHost: Service {
    /// The process's settings.
    package let configuration: ServiceConfiguration
    private let hosted: HostedService
    private let registry: RegistryClient?
    private let logger: Logger
    /// Where it listens once bound; nil when it stopped (or failed) before.
    private let listening = Latch<Endpoint?>()
    private let manualShutdown = Latch<Void>()
    /// The health service, once running (tests flip statuses through it).
    package let health: HealthService

    /// A host for `hosted`; `registry` is nil for the registry itself.
    package init(configuration: ServiceConfiguration, hosted: HostedService, registry: RegistryClient?, logger: Logger) {
        self.configuration = configuration
        self.hosted = hosted
        self.registry = registry
        self.logger = logger
        self.health = HealthService(serving: hosted.services.map(\.serviceDescriptor))
    }

    /// Where clients reach this process, once it listens (nil if `run()` ended before).
    package func listeningEndpoint() async -> Endpoint? { await listening.wait() ?? nil }

    /// Starts a graceful shutdown (what SIGTERM does under a `ServiceGroup`).
    package func beginShutdown() { manualShutdown.set(()) }

    package func run() async throws {
        let transport: NIOServerTransport
        do {
            try configuration.identity.checkFiles()
            transport = try await NIOServerTransport.bind(
                host: configuration.host, port: configuration.port, tls: configuration.identity.server,
                settings: configuration.connectionSettings, logger: logger)
        } catch {
            listening.set(nil)
            await hosted.close()
            throw error
        }
        let server = RPCServer(
            services: hosted.services + [health], transports: [transport], interceptors: hosted.interceptors, logger: logger)
        let endpoint = Endpoint(host: configuration.hostForClients, port: transport.port)
        let logger = self.logger
        let draining = Flag()
        let keeper = registry.map { registry in
            LeaseKeeper(
                registry: registry.registry, instance: instance(at: endpoint), ttl: configuration.leaseTTL,
                servingState: { draining.isSet ? .draining : .serving }, logger: logger)
        }
        logger.info("listening", metadata: ["rpc.address": "\(endpoint)"])
        listening.set(endpoint)
        let health = self.health
        let grace = configuration.shutdownGracePeriod
        let manual = manualShutdown
        let background = hosted.background
        let drainingHook = hosted.draining
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let keeper { group.addTask { await keeper.run() } }
                for work in background { group.addTask { await work() } }
                group.addTask {
                    guard await ServiceHost.shutdownRequested(manual) else { return }
                    logger.info("shutting down: draining calls in flight")
                    health.enterShutdown()
                    draining.set()
                    await keeper?.deregister()
                    server.beginGracefulShutdown(gracePeriod: grace)
                    drainingHook()
                }
                defer { group.cancelAll() }
                try await server.serve()
            }
        } catch {
            await hosted.close()
            throw error
        }
        await hosted.close()
        logger.info("stopped")
    }

    /// The registry entry of this process.
    private func instance(at endpoint: Endpoint) -> Clinic_Registry_V1_ServiceInstance {
        var instance = Clinic_Registry_V1_ServiceInstance()
        instance.instanceId = configuration.instanceID
        instance.serviceName = configuration.serviceName
        instance.rpcServices = hosted.services.map(\.serviceDescriptor.fullName)
        instance.host = endpoint.host
        instance.port = Int32(endpoint.port)
        return instance
    }

    /// Waits for a graceful shutdown (signal or `beginShutdown()`); false when cancelled first.
    private static func shutdownRequested(_ manual: Latch<Void>) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await gracefulShutdown()) != nil }
            group.addTask { await manual.wait() != nil }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
    }
}

/// A flag set once, read from any task.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() { value.store(true, ordering: .relaxed) }
}
