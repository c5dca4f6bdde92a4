import AuthService
import ClinicAPI
import Foundation
import Logging
import Platform
import RPCCore
import RPCTransport
import RegistryService
import ServiceHost

/// The composition root: builds each service with its explicit dependencies (storage under the
/// data folder, token verification, typed clients through the registry) for `ServiceHost`.
enum ServiceAssembly {
    /// The parts of `kind`'s process.
    static func hosted(
        _ kind: ServiceKind, configuration: ServiceConfiguration, registry: RegistryClient?, logger: Logger
    ) async throws -> HostedService {
        switch kind {
        case .registry:
            var settings = RegistryConfiguration()
            settings.logger = logger
            let registry = RegistryService(configuration: settings)
            // Every method is internal: callers are services (by certificate); nobody has a token
            // here, so the verifier has no keys. The edge and the `clinic` tool may read.
            let interceptor = AuthorizationInterceptor(
                verifier: AccessTokenVerifier(keys: VerificationKeySet(keys: [])),
                trust: ServiceTrust.platformServices.adding("edge", "cli"))
            return HostedService(
                services: [registry], interceptors: [interceptor], background: [{ await registry.run() }],
                draining: { registry.finishWatches() })
        case .auth:
            var settings = AuthConfiguration(dataDirectory: configuration.dataDirectory)
            settings.logger = logger
            let auth = try await AuthService.start(configuration: settings)
            return HostedService(
                services: [auth], interceptors: [auth.authorizationInterceptor()], close: { await auth.close() })
        case .edge:
            throw CLIError("the edge is not an RPC service; it runs through EdgeProcess")
        }
    }

    /// A verifier of access tokens with the auth service's keys, fetched through the registry
    /// (for services other than auth).
    static func tokenVerifier(clients: ServiceClients) throws -> AccessTokenVerifier {
        let auth = Clinic_Auth_V1_AuthService.Client(caller: try clients.caller(for: Clinic_Auth_V1_AuthService.descriptor))
        return AccessTokenVerifier(keys: VerificationKeySet(source: AuthServiceKeySource(client: auth)))
    }
}
