package import Logging
package import RPCCore
package import RPCTransport
import Synchronization

/// Callers for other services, found through the registry: one `PooledClientTransport` per RPC
/// service, fed by a registry watch, round-robin over its healthy instances, each connection
/// checked to be the owning service's certificate. Wrap a caller in the generated client:
///
/// ```swift
/// let auth = Clinic_Auth_V1_AuthService.Client(caller: try clients.caller(for: Clinic_Auth_V1_AuthService.descriptor))
/// ```
package final class ServiceClients: Sendable {
    private let registry: RegistryClient
    private let identity: ServiceIdentity
    private let settings: RPCConnectionSettings
    private let interceptors: [any ClientInterceptor]
    private let logger: Logger
    private let transports = Mutex<[String: PooledClientTransport]>([:])

    /// Clients presenting `identity`, resolving through `registry`; `interceptors` run on every call.
    package init(
        registry: RegistryClient, identity: ServiceIdentity, settings: RPCConnectionSettings = .default,
        interceptors: [any ClientInterceptor] = [], logger: Logger = Logger(label: "clinic.clients")
    ) {
        self.registry = registry
        self.identity = identity
        self.settings = settings
        self.interceptors = interceptors
        self.logger = logger
    }

    /// A caller of `service` (transports are made once per service and shared).
    package func caller(for service: ServiceDescriptor) throws -> RPCClient {
        RPCClient(transport: try transport(for: service.fullName), interceptors: interceptors)
    }

    /// The pooled transport of `rpcService`.
    package func transport(for rpcService: String) throws -> PooledClientTransport {
        guard let owner = ServiceOwner.of(rpcService) else {
            throw ServiceHostError(.configuration, "\(rpcService) is not a platform service (clinic.<service>.v1.*)")
        }
        return try transports.withLock { transports in
            if let existing = transports[rpcService] { return existing }
            let transport = try PooledClientTransport(
                endpoints: registry.endpoints(of: rpcService), tls: identity.client(calling: owner), settings: settings,
                logger: logger)
            transports[rpcService] = transport
            return transport
        }
    }

    /// Stops every transport (calls in flight finish).
    package func shutdown() {
        let all = transports.withLock { transports in
            defer { transports.removeAll() }
            return Array(transports.values)
        }
        for transport in all { transport.beginGracefulShutdown() }
    }
}
