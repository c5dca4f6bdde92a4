import ClinicAPI
import RPCCore
import Synchronization

/// Makes the auth service's CreateAccount fail on demand, before or after the account is made
/// (the second is a lost response: the account exists but the caller hears `unavailable`), and
/// its SetClinicAccess answer `unavailable` without doing anything.
final class AuthFaults: ServerInterceptor {
    enum Mode: Sendable {
        case none
        /// Refuse with `unavailable` without creating anything.
        case unavailableBefore
        /// Create the account, then answer `unavailable`.
        case unavailableAfter
    }

    private let mode = Mutex<Mode>(.none)
    private let calls = Mutex(0)
    private let accessDown = Mutex(false)

    func set(_ newMode: Mode) { mode.withLock { $0 = newMode } }

    /// Whether SetClinicAccess answers `unavailable`.
    func setClinicAccessDown(_ down: Bool) { accessDown.withLock { $0 = down } }

    /// CreateAccount calls seen.
    var createAccountCalls: Int { calls.withLock { $0 } }

    func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        if context.method.fullName == Clinic_Auth_V1_AuthService.Method.SetClinicAccess.descriptor.fullName,
            accessDown.withLock({ $0 })
        {
            throw RPCError(code: .unavailable, message: "auth is down (test)")
        }
        guard context.method.fullName == Clinic_Auth_V1_AuthService.Method.CreateAccount.descriptor.fullName else {
            return try await next(context)
        }
        calls.withLock { $0 += 1 }
        switch mode.withLock({ $0 }) {
        case .none:
            try await next(context)
        case .unavailableBefore:
            throw RPCError(code: .unavailable, message: "auth is down (test)")
        case .unavailableAfter:
            try await next(context)
            throw RPCError(code: .unavailable, message: "the response was lost (test)")
        }
    }
}
