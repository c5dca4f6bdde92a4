import Foundation

/// The rules of rotating refresh tokens, as a pure function of what is stored.
///
/// A login opens a session (a token family). Each refresh uses up the presented token and
/// returns the next one. Presenting a used-up token again means it was copied — by an attacker
/// or by the victim whose token was stolen, there is no telling which — so the whole family is
/// revoked and both must log in again (RFC 6819 §5.2.2.3, OAuth 2.0 Security BCP §4.14).
enum RefreshTokenRules {
    /// What to do with a presented refresh token.
    enum Decision: Sendable, Hashable {
        /// Valid: mark it used and issue generation `nextGeneration`, expiring at `nextExpiry`.
        case rotate(nextGeneration: Int, nextExpiry: Date)
        /// Already used: revoke the session (family) and refuse.
        case reuseDetected
        /// Expired, or its session ended or was revoked: refuse.
        case rejected
    }

    /// The decision for `token` of `session` at `now`; `lifetime` is how long an unused token lives.
    static func evaluate(token: RefreshTokenRecord, session: SessionRecord, now: Date, lifetime: Duration) -> Decision {
        if session.revokedAt != nil { return .rejected }
        if token.usedAt != nil { return .reuseDetected }
        guard now < token.expiresAt, now < session.expiresAt else { return .rejected }
        let sliding = now.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        return .rotate(nextGeneration: token.generation + 1, nextExpiry: min(sliding, session.expiresAt))
    }
}
