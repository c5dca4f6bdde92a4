import ClinicTLS
package import Foundation
import Storage

/// Checks access tokens locally: signature with a key from `keys`, algorithm pinned to EdDSA,
/// issuer, audience and times; turns a valid token into a `Principal`.
package struct AccessTokenVerifier: Sendable {
    private let keys: VerificationKeySet
    /// Expected issuer and audience, leeway.
    package let settings: TokenSettings
    private let now: @Sendable () -> Date

    /// A verifier taking keys from `keys`, with `now` as the clock (tests move it).
    package init(keys: VerificationKeySet, settings: TokenSettings = TokenSettings(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.keys = keys
        self.settings = settings
        self.now = now
    }

    /// The principal `token` names, or the reason it is refused.
    package func verify(_ token: String) async throws(TokenError) -> Principal {
        let jws = try CompactJWS(parsing: token)
        try Self.checkHeader(jws.header)
        // checkHeader made sure there is a kid.
        let key = try await keys.key(id: jws.header.kid ?? "")
        return try Self.verify(jws, key: key, settings: settings, now: now())
    }

    /// The pure part, for a parsed token and its key.
    static func verify(_ jws: CompactJWS, key: SigningPublicKey, settings: TokenSettings, now: Date) throws(TokenError) -> Principal {
        guard key.verify(jws.signature, for: jws.signingInput) else {
            throw TokenError(.badSignature, "token signature does not verify")
        }
        let claims: AccessTokenClaims
        do {
            claims = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(jws.payloadBytes))
        } catch {
            throw TokenError(.malformed, "token claims are missing or mistyped")
        }
        try checkClaims(claims, settings: settings, now: now)
        return try principal(from: claims)
    }

    /// Only our algorithm, no `crit` extensions we do not understand, and a key id.
    static func checkHeader(_ header: JWTHeader) throws(TokenError) {
        // Pinned: the header never chooses how it is verified (no `none`, no HS256 with the public key).
        guard header.alg == SignatureAlgorithm.ed25519.rawValue else {
            throw TokenError(.unsupportedAlgorithm, "token algorithm is not EdDSA")
        }
        guard header.crit == nil else { throw TokenError(.unsupportedAlgorithm, "token has critical header extensions") }
        guard header.typ == nil || header.typ == "JWT" || header.typ == "at+jwt" else {
            throw TokenError(.malformed, "token type is not JWT")
        }
        guard let kid = header.kid, !kid.isEmpty, kid.utf8.count <= 64 else {
            throw TokenError(.malformed, "token has no key id")
        }
    }

    static func checkClaims(_ claims: AccessTokenClaims, settings: TokenSettings, now: Date) throws(TokenError) {
        guard claims.iss == settings.issuer else { throw TokenError(.wrongIssuer, "token issuer is not \(settings.issuer)") }
        guard claims.aud == settings.audience else { throw TokenError(.wrongAudience, "token audience is not \(settings.audience)") }
        let current = Int64(now.timeIntervalSince1970.rounded(.down))
        let leeway = settings.leeway.wholeSeconds
        guard claims.exp > claims.iat, claims.exp - claims.iat <= settings.maxAccessTokenLifetime.wholeSeconds else {
            throw TokenError(.malformed, "token lifetime is not plausible")
        }
        guard current < claims.exp + leeway else { throw TokenError(.expired, "token has expired") }
        guard claims.nbf <= current + leeway, claims.iat <= current + leeway else {
            throw TokenError(.notYetValid, "token is not valid yet")
        }
    }

    static func principal(from claims: AccessTokenClaims) throws(TokenError) -> Principal {
        guard !claims.sub.isEmpty, claims.sub.utf8.count <= 64 else { throw TokenError(.malformed, "token has no subject") }
        // Unknown role names (from a newer issuer) are ignored; `service` is never a token role.
        let roles = Set(claims.roles.compactMap(Role.init(rawValue:))).subtracting([.service])
        guard !roles.isEmpty else { throw TokenError(.malformed, "token has no roles") }
        var tenant: TenantID?
        if let claimed = claims.tenant {
            do {
                tenant = try TenantID(claimed)
            } catch {
                throw TokenError(.malformed, "token tenant is not a valid id")
            }
        }
        return Principal(accountID: claims.sub, roles: roles, tenant: tenant, sessionID: claims.sid)
    }
}
