package import ClinicAPI
import ClinicTLS
import RPCCore

/// The auth service's `GetSigningKeys` RPC (public, idempotent): how services on any host get the
/// verification keys. Fetched once, cached for the answer's `max_age`, fetched again when a
/// token names an unknown `kid` (see `VerificationKeySet`).
package struct AuthServiceKeySource: VerificationKeySource {
    private let client: Clinic_Auth_V1_AuthService.Client
    private let timeout: Duration

    /// A source calling the auth service through `client`.
    package init(client: Clinic_Auth_V1_AuthService.Client, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    package func fetchKeys() async throws -> VerificationKeys {
        let response = try await client.getSigningKeys(
            Clinic_Auth_V1_GetSigningKeysRequest(), options: CallOptions(timeout: timeout))
        // Only our algorithm: a key of another kind in the answer is skipped, not trusted.
        let keys = response.keys.filter { $0.algorithm == .ed25519 }.compactMap {
            try? SigningPublicKey(derRepresentation: $0.publicKeyDer)
        }
        let maxAge = response.maxAge.map { Duration.seconds($0.seconds) } ?? .seconds(300)
        return VerificationKeys(keys: keys, maxAge: min(max(maxAge, .seconds(10)), .seconds(24 * 3600)))
    }
}
