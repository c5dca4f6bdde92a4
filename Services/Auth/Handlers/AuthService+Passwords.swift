package import ClinicAPI
import Foundation
import Logging
import Platform
import ProtoRuntime
package import RPCCore
import Storage
package import WellKnownTypes

extension AuthService {
    package func requestPasswordReset(
        request: Clinic_Auth_V1_RequestPasswordResetRequest, context: ServerContext
    ) async throws -> Google_Protobuf_Empty {
        let now = configuration.now()
        let emailKey = EmailAddress.key(request.email)
        let token = try SecretToken.make(kind: "pr")
        let lifetime = configuration.resetTokenLifetime
        let (limit, baseURL) = (configuration.resetRequestsPerHour, configuration.publicBaseURL)
        // The answer is the same whether or not the e-mail has an account (no enumeration).
        try await database.write("the reset request") { db in
            guard let account = try AccountStore.find(emailKey: emailKey, db), account.status != .disabled else { return }
            let recent = try ResetTokenStore.countCreated(accountID: account.id, since: now.addingTimeInterval(-3600), db)
            guard recent < limit else { return }
            try ResetTokenStore.insert(
                ResetTokenRecord(
                    tokenHash: SecretToken.hash(token.value), accountID: account.id, purpose: .reset, createdAt: now,
                    expiresAt: now.addingTimeInterval(TimeInterval(lifetime.components.seconds))),
                db)
            let message = AuthNotifications.link(
                purpose: .reset, accountID: account.id, token: token, baseURL: baseURL, validFor: lifetime)
            try AuthOutboxStore.append(kind: message.kind, accountID: account.id, notification: message.notification, now: now, db)
        }
        return Google_Protobuf_Empty()
    }

    package func resetPassword(
        request: Clinic_Auth_V1_ResetPasswordRequest, context: ServerContext
    ) async throws -> Google_Protobuf_Empty {
        let now = configuration.now()
        let password = Redacted(PasswordPolicy.normalize(request.newPassword))
        try passwordPolicy.check(password.value, field: "new_password", email: nil)
        let tokenHash = SecretToken.hash(request.resetToken)
        let found: (ResetTokenRecord, AccountRecord)? = try await database.read("the reset link") { db in
            guard let token = try ResetTokenStore.find(hash: tokenHash, db),
                let account = try AccountStore.find(id: token.accountID, db)
            else { return nil }
            return (token, account)
        }
        guard let (token, account) = found, token.isUsable(at: now), account.status != .disabled else {
            throw RPCError.unusableLink
        }
        try passwordPolicy.check(password.value, field: "new_password", email: account.email)
        let newHash = try await hashPassword(password)
        let accountID = account.id
        let done: Bool = try await database.write("the password") { db in
            // Checked again inside the transaction: two uses of one link race, only one wins.
            guard let token = try ResetTokenStore.find(hash: tokenHash, db), token.isUsable(at: now),
                var account = try AccountStore.find(id: accountID, db), account.status != .disabled
            else { return false }
            try ResetTokenStore.invalidateAll(accountID: account.id, now: now, db)
            account.passwordHash = newHash
            if account.status == .pending { account.status = .active }
            account.emailVerified = true
            account.throttle = LoginThrottle()
            account.updatedAt = now
            account.version += 1
            try AccountStore.update(account, db)
            try SessionStore.revokeAll(accountID: account.id, reason: "password reset", now: now, db)
            return true
        }
        guard done else { throw RPCError.unusableLink }
        context.logger.info("password reset", metadata: ["auth.account": "\(accountID)"])
        return Google_Protobuf_Empty()
    }

    package func changePassword(
        request: Clinic_Auth_V1_ChangePasswordRequest, context: ServerContext
    ) async throws -> Google_Protobuf_Empty {
        let (principal, accountID) = try callerAccountID(context)
        let now = configuration.now()
        let current = Redacted(PasswordPolicy.normalize(request.currentPassword))
        let new = Redacted(PasswordPolicy.normalize(request.newPassword))
        guard let account = try await database.read("the account", { db in try AccountStore.find(id: accountID, db) }),
            account.status == .active, let oldHash = account.passwordHash
        else { throw RPCError(code: .failedPrecondition, message: "the account is not active") }
        try passwordPolicy.check(new.value, field: "new_password", email: account.email)
        guard new.value != current.value else {
            throw RPCError(invalidArgument: ValidationError(fieldPath: "new_password", reason: "must differ from the current password"))
        }
        let matches = try await verifyPassword(current, against: oldHash)
        let lockout = configuration.lockout
        // A wrong current password counts as a failed login (the lockout applies).
        let verdict: LockoutPolicy.Outcome = try await database.write("the account") { db in
            guard var account = try AccountStore.find(id: accountID, db) else { return .rejected(LoginThrottle()) }
            let outcome = lockout.attempt(account.throttle, passwordMatches: matches, now: now)
            if case .rejected(let throttle) = outcome {
                account.throttle = throttle
                try AccountStore.update(account, db)
            }
            return outcome
        }
        switch verdict {
        case .rejected:
            throw RPCError(code: .permissionDenied, message: "current_password: is wrong")
        case .locked(let until, let matched):
            throw matched ? RPCError.accountLocked(until: until) : RPCError(code: .permissionDenied, message: "current_password: is wrong")
        case .accepted:
            break
        }
        let newHash = try await hashPassword(new)
        let keep = principal.sessionID
        try await database.write("the password") { db in
            guard var account = try AccountStore.find(id: accountID, db), account.passwordHash == oldHash else {
                throw RPCError(code: .aborted, message: "the password changed meanwhile; try again")
            }
            account.passwordHash = newHash
            account.throttle = LoginThrottle()
            account.updatedAt = now
            account.version += 1
            try AccountStore.update(account, db)
            try ResetTokenStore.invalidateAll(accountID: accountID, now: now, db)
            try SessionStore.revokeAll(accountID: accountID, keeping: keep, reason: "password changed", now: now, db)
            try AuthNotifications.appendAlert(
                accountID: accountID, title: "Your password was changed",
                body: "The password of your account was changed and your other sessions were ended. If it was not you, reset your password now.",
                now: now, db)
        }
        context.logger.info("password changed", metadata: ["auth.account": "\(accountID)"])
        return Google_Protobuf_Empty()
    }
}
