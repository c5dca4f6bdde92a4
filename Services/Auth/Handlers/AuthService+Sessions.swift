package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage
package import WellKnownTypes

/// A new login session and its first refresh token, made before the transaction that stores it.
struct NewSession: Sendable {
    let session: SessionRecord
    let refreshToken: Redacted<String>
    let refreshRecord: RefreshTokenRecord

    init(accountID: String, now: Date, configuration: AuthConfiguration) throws {
        let sessionEnd = now.addingTimeInterval(TimeInterval(configuration.sessionLifetime.components.seconds))
        let tokenEnd = min(sessionEnd, now.addingTimeInterval(TimeInterval(configuration.refreshTokenLifetime.components.seconds)))
        session = SessionRecord(id: try SecretToken.id(prefix: "ses"), accountID: accountID, createdAt: now, expiresAt: sessionEnd)
        refreshToken = try SecretToken.make(kind: "rt")
        refreshRecord = RefreshTokenRecord(
            tokenHash: SecretToken.hash(refreshToken.value), sessionID: session.id, generation: 1, issuedAt: now,
            expiresAt: tokenEnd)
    }

    func insert(_ db: Connection) throws {
        try SessionStore.insert(session, db)
        try SessionStore.insert(refreshRecord, db)
    }
}

extension AuthService {
    private enum LoginOutcome: Sendable {
        case success(AccountRecord)
        case invalid
        case locked(Date)
    }

    package func login(request: Clinic_Auth_V1_LoginRequest, context: ServerContext) async throws -> Clinic_Auth_V1_LoginResponse {
        let now = configuration.now()
        let emailKey = EmailAddress.key(request.email)
        let password = Redacted(PasswordPolicy.normalize(request.password))
        let found = try await database.read("the account") { db in try AccountStore.find(emailKey: emailKey, db) }
        let candidate = found.flatMap { $0.status == .active && $0.passwordHash != nil ? $0 : nil }
        // Unknown and unusable accounts spend the same scrypt time as a wrong password.
        let matches = try await verifyPassword(password, against: candidate?.passwordHash)
        guard let candidate else { throw RPCError.invalidCredentials }
        let session = try NewSession(accountID: candidate.id, now: now, configuration: configuration)
        let lockout = configuration.lockout
        let outcome: LoginOutcome = try await database.write("the login") { db in
            // Re-read inside the transaction: concurrent attempts count one after the other, and a
            // password changed meanwhile invalidates this check.
            guard var account = try AccountStore.find(id: candidate.id, db), account.status == .active,
                account.passwordHash == candidate.passwordHash
            else { return .invalid }
            // Staff of a deleted clinic get the answer of a wrong password (SetClinicAccess).
            guard try !ClinicAccessStore.isDisabled(account.clinicID, db) else { return .invalid }
            switch lockout.attempt(account.throttle, passwordMatches: matches, now: now) {
            case .accepted:
                account.throttle = LoginThrottle()
                account.lastLoginAt = now
                try AccountStore.update(account, db)
                try session.insert(db)
                return .success(account)
            case .rejected(let throttle):
                account.throttle = throttle
                try AccountStore.update(account, db)
                if throttle.isLocked(at: now) {
                    try AuthNotifications.appendAlert(
                        accountID: account.id, title: "Your account was locked",
                        body: "After \(throttle.failures) failed logins your account is locked for a while. If it was not you, change your password.",
                        now: now, db)
                }
                return .invalid
            case .locked(let until, let passwordMatched):
                return passwordMatched ? .locked(until) : .invalid
            }
        }
        switch outcome {
        case .invalid:
            context.logger.info("login refused", metadata: ["auth.account": "\(candidate.id)"])
            throw RPCError.invalidCredentials
        case .locked(let until):
            throw RPCError.accountLocked(until: until)
        case .success(let account):
            try await rehashIfNeeded(account, password: password)
            context.logger.info("login", metadata: ["auth.account": "\(account.id)", "auth.session": "\(session.session.id)"])
            var response = Clinic_Auth_V1_LoginResponse()
            response.tokens = try tokens(
                for: account, sessionID: session.session.id, refreshToken: session.refreshToken,
                refreshExpiry: session.refreshRecord.expiresAt, now: now)
            response.account = account.proto(at: now)
            return response
        }
    }

    private enum RefreshOutcome: Sendable {
        case rotated(AccountRecord, sessionID: String, expiry: Date)
        case invalid
        case reused(sessionID: String, accountID: String)
    }

    package func refreshToken(
        request: Clinic_Auth_V1_RefreshTokenRequest, context: ServerContext
    ) async throws -> Clinic_Auth_V1_RefreshTokenResponse {
        let now = configuration.now()
        let presented = SecretToken.hash(request.refreshToken)
        let next = try SecretToken.make(kind: "rt")
        let nextHash = SecretToken.hash(next.value)
        let lifetime = configuration.refreshTokenLifetime
        // Decisions that revoke are returned, not thrown: a throw would roll the revocation back.
        let outcome: RefreshOutcome = try await database.write("the session") { db in
            guard let token = try SessionStore.findToken(hash: presented, db),
                let session = try SessionStore.find(id: token.sessionID, db)
            else { return .invalid }
            switch RefreshTokenRules.evaluate(token: token, session: session, now: now, lifetime: lifetime) {
            case .rejected:
                return .invalid
            case .reuseDetected:
                try SessionStore.revoke(id: session.id, reason: "refresh token reused", now: now, db)
                return .reused(sessionID: session.id, accountID: session.accountID)
            case .rotate(let generation, let expiry):
                guard let account = try AccountStore.find(id: session.accountID, db), account.status == .active,
                    try !ClinicAccessStore.isDisabled(account.clinicID, db)
                else {
                    try SessionStore.revoke(id: session.id, reason: "account not active", now: now, db)
                    return .invalid
                }
                try SessionStore.markUsed(hash: presented, now: now, db)
                try SessionStore.insert(
                    RefreshTokenRecord(
                        tokenHash: nextHash, sessionID: session.id, generation: generation, issuedAt: now, expiresAt: expiry),
                    db)
                return .rotated(account, sessionID: session.id, expiry: expiry)
            }
        }
        switch outcome {
        case .invalid:
            throw RPCError.invalidRefreshToken
        case .reused(let sessionID, let accountID):
            context.logger.warning(
                "refresh token reused: session revoked", metadata: ["auth.account": "\(accountID)", "auth.session": "\(sessionID)"])
            throw RPCError.invalidRefreshToken
        case .rotated(let account, let sessionID, let expiry):
            var response = Clinic_Auth_V1_RefreshTokenResponse()
            response.tokens = try tokens(for: account, sessionID: sessionID, refreshToken: next, refreshExpiry: expiry, now: now)
            return response
        }
    }

    package func logout(request: Clinic_Auth_V1_LogoutRequest, context: ServerContext) async throws -> Google_Protobuf_Empty {
        let (principal, accountID) = try callerAccountID(context)
        let now = configuration.now()
        let presented = request.refreshToken.isEmpty ? nil : SecretToken.hash(request.refreshToken)
        let all = request.allSessions
        let currentSession = principal.sessionID
        try await database.write("the session") { db in
            if all {
                try SessionStore.revokeAll(accountID: accountID, reason: "logout everywhere", now: now, db)
                return
            }
            var sessionID = currentSession
            if let presented {
                sessionID = try SessionStore.findToken(hash: presented, db)?.sessionID
            }
            // Only the caller's own sessions: someone else's token is ignored, not revoked.
            guard let sessionID, let session = try SessionStore.find(id: sessionID, db), session.accountID == accountID else {
                return
            }
            try SessionStore.revoke(id: session.id, reason: "logout", now: now, db)
        }
        return Google_Protobuf_Empty()
    }

    /// The access and refresh tokens of a login or refresh.
    func tokens(
        for account: AccountRecord, sessionID: String, refreshToken: Redacted<String>, refreshExpiry: Date, now: Date
    ) throws -> Clinic_Auth_V1_AuthTokens {
        let access = try issuer.issue(
            accountID: account.id, roles: account.roles, tenant: account.tokenTenant, sessionID: sessionID, now: now)
        var tokens = Clinic_Auth_V1_AuthTokens()
        tokens.accessToken = access.token.value
        tokens.tokenType = "Bearer"
        tokens.accessTokenExpireTime = Google_Protobuf_Timestamp(date: access.claims.expiresAt)
        tokens.refreshToken = refreshToken.value
        tokens.refreshTokenExpireTime = Google_Protobuf_Timestamp(date: refreshExpiry)
        return tokens
    }

    /// Stores a new hash when the stored one was made with older parameters (best effort).
    private func rehashIfNeeded(_ account: AccountRecord, password: Redacted<String>) async throws {
        guard let old = account.passwordHash, hasher.needsRehash(old) else { return }
        let new = try await hashPassword(password)
        let id = account.id
        _ = try await database.write("the account") { db in
            try db.execute("UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?", [new, id, old])
        }
    }
}
