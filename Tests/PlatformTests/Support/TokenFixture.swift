import ClinicTLS
import Foundation
@testable import Platform
import Storage
import Synchronization

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A signing key with an issuer and a verifier that share one test clock.
struct TokenFixture {
    let key: SigningPrivateKey
    let clock = TestClock()
    let settings = TokenSettings()
    let issuer: AccessTokenIssuer
    let verifier: AccessTokenVerifier

    init() throws {
        key = try SigningPrivateKey.generate()
        issuer = AccessTokenIssuer(key: key, settings: settings)
        let clock = self.clock
        verifier = AccessTokenVerifier(keys: VerificationKeySet(keys: [key.publicKey]), settings: settings, now: { clock.now })
    }

    /// A valid token for an account in `roles` (and `tenant`).
    func token(_ roles: Set<Role>, tenant: String? = nil, account: String = "acc_test", session: String = "ses_test") throws -> String {
        try issuer.issue(
            accountID: account, roles: roles, tenant: tenant.map { try TenantID($0) }, sessionID: session, now: clock.now
        ).token.value
    }

    /// A token with hand-made header and claims, signed with `key` (default: the fixture's).
    func forge(header: [String: Any], claims: [String: Any], signWith signer: SigningPrivateKey? = nil) throws -> String {
        let headerText = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])))
        let claimsText = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])))
        let input = headerText + "." + claimsText
        let signature = try (signer ?? key).sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    /// Claims that verify, as a dictionary to change.
    func validClaims(roles: [String] = ["doctor"], tenant: String? = "clinic_a") -> [String: Any] {
        let now = Int64(clock.now.timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": settings.issuer, "sub": "acc_forged", "aud": settings.audience, "iat": now, "nbf": now,
            "exp": now + 600, "jti": "j1", "roles": roles, "sid": "ses_1",
        ]
        if let tenant { claims["tenant"] = tenant }
        return claims
    }

    var validHeader: [String: Any] { ["alg": "EdDSA", "typ": "JWT", "kid": key.publicKey.keyID] }
}
