package import ClinicAPI
package import Logging
import RPCCore
package import RPCTransport

/// Talks to the registry over mTLS: registration (`LeaseKeeper`), and endpoint sources that keep
/// a `PooledClientTransport` on the healthy instances of an RPC service.
package final class RegistryClient: Sendable {
    /// The typed registry client.
    package let registry: Clinic_Registry_V1_RegistryService.Client
    private let transport: NIOClientTransport
    private let logger: Logger
    private let backoff: ReconnectBackoff

    /// A client of the registry at `endpoint`, presenting `identity`.
    package init(
        endpoint: Endpoint, identity: ServiceIdentity, settings: RPCConnectionSettings = .default,
        backoff: ReconnectBackoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(2)),
        logger: Logger = Logger(label: "clinic.registry.client")
    ) throws {
        transport = try NIOClientTransport(
            host: endpoint.host, port: endpoint.port, tls: identity.client(calling: "registry"), settings: settings,
            backoff: backoff, logger: logger)
        registry = Clinic_Registry_V1_RegistryService.Client(caller: RPCClient(transport: transport))
        self.logger = logger
        self.backoff = backoff
    }

    /// The healthy endpoints of `rpcService` (a full name), from a registry watch kept open
    /// (and reopened after a failure), for a `PooledClientTransport`.
    package func endpoints(of rpcService: String) -> RegistryEndpointSource {
        RegistryEndpointSource(registry: registry, rpcService: rpcService, backoff: backoff, logger: logger)
    }

    /// The healthy instances of `rpcService` now.
    package func resolve(_ rpcService: String, timeout: Duration = .seconds(5)) async throws -> [Clinic_Registry_V1_ServiceInstance] {
        var request = Clinic_Registry_V1_ResolveServiceRequest()
        request.rpcService = rpcService
        return try await registry.resolveService(request, options: CallOptions(timeout: timeout)).instances
    }

    /// Every registered instance (all pages).
    package func listInstances(serviceName: String = "", timeout: Duration = .seconds(5)) async throws
        -> [Clinic_Registry_V1_ServiceInstance]
    {
        var instances: [Clinic_Registry_V1_ServiceInstance] = []
        var request = Clinic_Registry_V1_ListInstancesRequest()
        request.serviceName = serviceName
        request.pageSize = 500
        repeat {
            let page = try await registry.listInstances(request, options: CallOptions(timeout: timeout))
            instances += page.instances
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        return instances
    }

    /// Stops opening calls to the registry (watches end with their connection).
    package func shutdown() {
        transport.beginGracefulShutdown()
    }
}
