package import Foundation

/// The claims of an access token (a JWT, see docs/AUTH.md): registered claims plus `roles`,
/// `tenant` and `sid`. Times are whole seconds since 1970 (NumericDate).
package struct AccessTokenClaims: Sendable, Hashable, Codable {
    /// Issuer: the auth service (`clinic-auth`).
    package var iss: String
    /// Subject: the account id.
    package var sub: String
    /// Audience: the platform (`clinic`).
    package var aud: String
    /// Issued at.
    package var iat: Int64
    /// Not before (equal to `iat`).
    package var nbf: Int64
    /// Expires at.
    package var exp: Int64
    /// Token id (random), for audit.
    package var jti: String
    /// Role names (`super_admin`, `clinic_admin`, `doctor`, `patient`).
    package var roles: [String]
    /// The clinic id of a clinic admin or doctor; absent otherwise.
    package var tenant: String?
    /// The login session (refresh-token family) the token was issued in.
    package var sid: String?

    /// Makes claims.
    package init(
        iss: String, sub: String, aud: String, iat: Int64, nbf: Int64, exp: Int64, jti: String, roles: [String],
        tenant: String?, sid: String?
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
        self.jti = jti
        self.roles = roles
        self.tenant = tenant
        self.sid = sid
    }

    /// When the token expires.
    package var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }
}

/// The JOSE header of our tokens.
struct JWTHeader: Codable, Equatable {
    var alg: String
    var typ: String?
    var kid: String?
    var crit: [String]?
}
