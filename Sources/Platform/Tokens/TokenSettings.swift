/// What every access token of the platform carries and how strictly it is checked; the auth
/// service issues with these and every service verifies with the same values.
package struct TokenSettings: Sendable, Hashable {
    /// `iss` of every token.
    package var issuer: String
    /// `aud` of every token.
    package var audience: String
    /// How long an access token lives.
    package var accessTokenLifetime: Duration
    /// Clock difference tolerated between issuer and verifier for `exp`, `nbf` and `iat`.
    package var leeway: Duration
    /// Tokens claiming a longer life (`exp - iat`) are refused as malformed.
    package var maxAccessTokenLifetime: Duration

    /// The platform's values: issuer `clinic-auth`, audience `clinic`, 10 minutes, 30 s leeway.
    package init(
        issuer: String = "clinic-auth", audience: String = "clinic", accessTokenLifetime: Duration = .seconds(600),
        leeway: Duration = .seconds(30), maxAccessTokenLifetime: Duration = .seconds(3600)
    ) {
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenLifetime
        self.leeway = leeway
        self.maxAccessTokenLifetime = maxAccessTokenLifetime
    }
}

extension Duration {
    /// Whole seconds, rounded down.
    var wholeSeconds: Int64 { components.seconds }
}
