import ClinicAPI
import Foundation
import TestSupport
import InteropService
import Logging
import Platform
import RPCCore
import RPCTransport
import RegistryService
import ServiceHost

/// Certificates made once per test process by the real `Certs/generate.sh` (`TestCertificates`).
enum TestPKI {
    static func folder() async throws -> String { try await generated.value }

    private static let generated = Task {
        try await TestCertificates.generate(label: "clinic-host-tests", platform: ["registry", "testing", "cli"], rogue: []).platform
    }
}

/// A running `ServiceHost` and the task running it.
struct RunningHost: Sendable {
    let host: ServiceHost
    let task: Task<Void, any Error>
    let endpoint: Endpoint

    /// Graceful shutdown (what SIGTERM does), waiting until it has stopped.
    func stop() async {
        host.beginShutdown()
        _ = await task.result
    }

    /// A crash: the process vanishes without deregistering (its connections close).
    func crash() async {
        task.cancel()
        _ = await task.result
    }
}

/// A registry and instances of the interop test service (`clinic.testing.v1.TestService`, whose
/// owner identity is `testing`), each a real `ServiceHost` on loopback with mTLS.
final class HostFixture: Sendable {
    let certificates: String
    let data: String
    let logger: Logger

    init() async throws {
        certificates = try await TestPKI.folder()
        data = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-host-\(UUID().uuidString)").path
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        self.logger = logger
    }

    /// Starts a registry on `port` (0: any).
    func startRegistry(port: Int = 0) async throws -> RunningHost {
        let registry = RegistryService(registrants: ServiceTrust.platformServices.adding("testing"))
        let interceptor = AuthorizationInterceptor(
            verifier: AccessTokenVerifier(keys: VerificationKeySet(keys: [])),
            trust: ServiceTrust.platformServices.adding("testing", "cli"))
        let hosted = HostedService(
            services: [registry], interceptors: [interceptor], background: [{ await registry.run() }],
            draining: { registry.finishWatches() })
        let configuration = ServiceConfiguration(
            serviceName: "registry", dataDirectory: data, port: port, certificatesDirectory: certificates)
        return try await start(ServiceHost(configuration: configuration, hosted: hosted, registry: nil, logger: logger))
    }

    /// Starts instance `id` of the test service, registered at `registry` with a 3 s lease
    /// (short, so a crash is noticed soon; not so short that a loaded machine misses heartbeats).
    func startInstance(_ id: String, registry: Endpoint) async throws -> RunningHost {
        let configuration = ServiceConfiguration(
            serviceName: "testing", instanceID: id, dataDirectory: data, certificatesDirectory: certificates,
            registry: registry, leaseTTL: .seconds(3), shutdownGracePeriod: .seconds(2))
        let registryClient = try RegistryClient(endpoint: registry, identity: configuration.identity, logger: logger)
        let hosted = HostedService(
            services: [InteropTestService(serverID: id)],
            interceptors: [AuthorizationInterceptor(verifier: AccessTokenVerifier(keys: VerificationKeySet(keys: [])))],
            close: { registryClient.shutdown() })
        return try await start(ServiceHost(configuration: configuration, hosted: hosted, registry: registryClient, logger: logger))
    }

    private func start(_ host: ServiceHost) async throws -> RunningHost {
        let task = Task { try await host.run() }
        guard let endpoint = await host.listeningEndpoint() else {
            _ = try await task.value
            throw ServiceHostError(.startup, "the host stopped before listening")
        }
        return RunningHost(host: host, task: task, endpoint: endpoint)
    }

    /// The `cli` identity's view of the registry at `endpoint`.
    func registryClient(_ endpoint: Endpoint) throws -> RegistryClient {
        try RegistryClient(endpoint: endpoint, identity: ServiceIdentity(name: "cli", certificatesDirectory: certificates), logger: logger)
    }

    /// A test-service client resolving through `registry` (as `cli`).
    func testClient(through registry: RegistryClient) throws -> (Clinic_Testing_V1_TestService.Client, ServiceClients) {
        let clients = ServiceClients(
            registry: registry, identity: ServiceIdentity(name: "cli", certificatesDirectory: certificates), logger: logger)
        return (Clinic_Testing_V1_TestService.Client(caller: try clients.caller(for: Clinic_Testing_V1_TestService.descriptor)), clients)
    }

    deinit { try? FileManager.default.removeItem(atPath: data) }
}

/// Which instance answers a call.
func answeringInstance(_ client: Clinic_Testing_V1_TestService.Client) async throws -> String {
    var request = Clinic_Testing_V1_SimpleRequest()
    request.fillServerId = true
    return try await client.unaryCall(request, options: CallOptions(timeout: .seconds(10))).serverId
}

/// Polls `condition` until it holds; the limit is a safety net against a hang, not a timing assertion.
func eventually(_ what: String, limit: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ServiceHostError(.startup, "never happened: \(what)")
}
