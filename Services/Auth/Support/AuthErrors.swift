import Foundation
import RPCCore

extension RPCError {
    /// The one answer for an unknown e-mail, a wrong password, a deleted or pending account, so
    /// that login cannot be used to find out which e-mails have accounts.
    static let invalidCredentials = RPCError(code: .unauthenticated, message: "the e-mail or password is wrong")
    /// A refresh token that is unknown, expired, revoked or reused.
    static let invalidRefreshToken = RPCError(code: .unauthenticated, message: "the refresh token is invalid or expired; log in again")
    /// A reset or invitation link that is unknown, used or expired.
    static let unusableLink = RPCError(code: .failedPrecondition, message: "the link is invalid, already used or expired")
    /// An account the caller may not see (or that does not exist: the answer is the same).
    static let accountNotFound = RPCError(code: .notFound, message: "account not found")
    /// The request's etag is not the account's current one.
    static let staleEtag = RPCError(code: .aborted, message: "etag: the account changed since it was read; read it again")

    /// A locked account, told only to a caller who proved the password.
    static func accountLocked(until: Date) -> RPCError {
        let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
        return RPCError(
            code: .failedPrecondition,
            message: "the account is locked after repeated failed logins; try again in \(seconds) seconds")
    }
}
