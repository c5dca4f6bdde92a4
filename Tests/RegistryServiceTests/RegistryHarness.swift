import ClinicAPI
import Foundation
import Platform
import RPCCore
import Synchronization
import WellKnownTypes

@testable import RegistryService

/// A clock tests move by hand: leases expire when the test says so, never by waiting.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    var now: Date { current.withLock { $0 } }

    func advance(_ duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(duration.timeInterval) }
    }
}

/// A registry served over in-process transports, one per caller identity, through the same
/// authorization interceptor the registry process uses.
final class RegistryHarness: Sendable {
    let clock = ManualClock()
    let registry: RegistryService
    private let transports: [String: InProcessTransport]
    private let serving: Task<Void, any Error>

    /// Callers: each platform service used, plus `edge`, `cli` and an anonymous one.
    static let callers = ["auth", "clinics", "billing", "edge", "cli", "anonymous"]

    init() {
        var configuration = RegistryConfiguration()
        let clock = self.clock
        configuration.now = { clock.now }
        configuration.logger.logLevel = .warning
        registry = RegistryService(configuration: configuration)
        var transports: [String: InProcessTransport] = [:]
        for name in Self.callers {
            let identity = name == "anonymous" ? nil : "spiffe://clinic/\(name)"
            transports[name] = InProcessTransport(peer: Peer(address: "in-process", identity: identity))
        }
        self.transports = transports
        let interceptor = AuthorizationInterceptor(
            verifier: AccessTokenVerifier(keys: VerificationKeySet(keys: [])),
            trust: ServiceTrust.platformServices.adding("edge", "cli"))
        let server = RPCServer(
            services: [registry], transports: transports.values.map(\.server), interceptors: [interceptor])
        serving = Task { try await server.serve() }
    }

    deinit { serving.cancel() }

    /// The registry client of caller `name` (one of `callers`).
    func client(_ name: String) -> Clinic_Registry_V1_RegistryService.Client {
        // Safe: tests only ask for the callers made in init.
        Clinic_Registry_V1_RegistryService.Client(caller: RPCClient(transport: transports[name]!.client))
    }

    /// An instance of `service` at 127.0.0.1:`port`.
    static func instance(_ id: String, service: String = "auth", port: Int32 = 7001) -> Clinic_Registry_V1_ServiceInstance {
        Clinic_Registry_V1_ServiceInstance.with {
            $0.instanceId = id
            $0.serviceName = service
            $0.rpcServices = ["clinic.\(service).v1.\(service.capitalized)Service"]
            $0.host = "127.0.0.1"
            $0.port = port
        }
    }

    /// Registers `instance` as caller `caller` (its service by default); returns the lease.
    @discardableResult
    func register(
        _ instance: Clinic_Registry_V1_ServiceInstance, as caller: String? = nil, ttlSeconds: Int64? = nil
    ) async throws -> Clinic_Registry_V1_RegisterInstanceResponse {
        var request = Clinic_Registry_V1_RegisterInstanceRequest()
        request.instance = instance
        if let ttlSeconds { request.ttl = Google_Protobuf_Duration.with { $0.seconds = ttlSeconds } }
        return try await client(caller ?? instance.serviceName).registerInstance(request)
    }

    /// The ids of the healthy instances of `rpcService`, as `caller` resolves them.
    func resolve(_ rpcService: String = "clinic.auth.v1.AuthService", as caller: String = "edge") async throws -> [String] {
        var request = Clinic_Registry_V1_ResolveServiceRequest()
        request.rpcService = rpcService
        return try await client(caller).resolveService(request).instances.map(\.instanceId)
    }

    /// Heartbeat of `lease` as `caller`.
    @discardableResult
    func heartbeat(_ lease: String, as caller: String = "auth", state: Clinic_Registry_V1_ServingState = .serving)
        async throws -> Clinic_Registry_V1_HeartbeatResponse
    {
        var request = Clinic_Registry_V1_HeartbeatRequest()
        request.leaseId = lease
        request.state = state
        return try await client(caller).heartbeat(request)
    }
}

/// The code of the RPC error `body` throws (nil when it does not throw).
func errorCode(_ body: () async throws -> Void) async -> RPCError.Code? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}

/// The RPC error `body` throws.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "\(error)")
    }
}
