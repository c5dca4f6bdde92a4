package import ClinicTLS
package import Foundation
package import Storage

/// A freshly signed access token.
package struct IssuedAccessToken: Sendable {
    /// The compact JWT, for the `authorization: Bearer …` metadata. Secret.
    package let token: Redacted<String>
    /// Its claims.
    package let claims: AccessTokenClaims
}

/// Signs access tokens with the auth service's private key (EdDSA, `kid` = the key's id).
package struct AccessTokenIssuer: Sendable {
    private let key: SigningPrivateKey
    /// The `kid` header of the tokens.
    package let keyID: String
    /// Issuer, audience, lifetime.
    package let settings: TokenSettings

    /// An issuer signing with `key`.
    package init(key: SigningPrivateKey, settings: TokenSettings = TokenSettings()) {
        self.key = key
        self.keyID = key.publicKey.keyID
        self.settings = settings
    }

    /// A token for `accountID` acting in `roles` (never `service`), in `tenant`'s clinic if any,
    /// within login session `sessionID`, valid from `now` for `settings.accessTokenLifetime`.
    package func issue(
        accountID: String, roles: Set<Role>, tenant: TenantID?, sessionID: String, now: Date
    ) throws -> IssuedAccessToken {
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: accountID, aud: settings.audience, iat: issuedAt, nbf: issuedAt,
            exp: issuedAt + settings.accessTokenLifetime.wholeSeconds,
            jti: Base64URL.encode(try SecureRandom.bytes(count: 12)),
            roles: roles.subtracting([.service]).sorted().map(\.rawValue), tenant: tenant?.rawValue, sid: sessionID)
        let header = JWTHeader(alg: SignatureAlgorithm.ed25519.rawValue, typ: "JWT", kid: keyID, crit: nil)
        let token = try CompactJWS.encode(header: header, claims: claims) { try key.sign($0) }
        return IssuedAccessToken(token: Redacted(token), claims: claims)
    }
}
