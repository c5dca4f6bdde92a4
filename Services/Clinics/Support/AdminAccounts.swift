import ClinicAPI
import ProtoRuntime
import RPCCore

/// The clinics service's calls to the auth service: creating a clinic's first admin account, and
/// turning the clinic's staff logins off and on when it is deleted and undeleted.
struct AdminAccounts: Sendable {
    let auth: Clinic_Auth_V1_AuthService.Client
    let timeout: Duration

    /// How an account creation ended when it did not succeed.
    enum Failure: Error {
        /// The auth service refused (bad password, e-mail taken...): no account exists. The error
        /// names the request's fields (`first_admin.email`).
        case refused(RPCError)
        /// Unknown outcome (unavailable, timeout, internal): the account may exist. Retrying
        /// with the same request id settles it.
        case uncertain(RPCError)
    }

    /// Creates the clinic admin account of `clinicID` for `invite`. `requestID` is the auth
    /// service's idempotency key: the same id returns the same account on a retry.
    func createAdmin(_ invite: AdminInvite, clinicID: String, requestID: String) async throws(Failure) -> Clinic_Auth_V1_Account {
        var account = Clinic_Auth_V1_Account()
        account.email = invite.email
        account.name = invite.name
        account.roles = [.clinicAdmin]
        account.clinicId = clinicID
        var request = Clinic_Auth_V1_CreateAccountRequest()
        request.account = account
        request.initialPassword = invite.initialPassword
        request.requestId = requestID
        do {
            return try await auth.createAccount(request, options: CallOptions(timeout: timeout))
        } catch let error as RPCError {
            throw Self.classify(error)
        } catch {
            throw .uncertain(RPCError(code: .unavailable, message: "the auth service could not be reached"))
        }
    }

    /// Turns the logins of `clinicID`'s staff on or off; `generation` (the clinic's version at the
    /// change) lets the auth service ignore an older change arriving late. Idempotent.
    func setStaffAccess(clinicID: String, enabled: Bool, generation: Int64) async throws {
        var request = Clinic_Auth_V1_SetClinicAccessRequest()
        request.clinicId = clinicID
        request.enabled = enabled
        request.generation = generation
        _ = try await auth.setClinicAccess(request, options: CallOptions(timeout: timeout))
    }

    /// Whether `error` from CreateAccount means no account was made, with the auth service's
    /// field names (`account.email`, `initial_password`) turned into ours (`first_admin.email`).
    static func classify(_ error: RPCError) -> Failure {
        switch error.code {
        case .invalidArgument, .alreadyExists, .failedPrecondition, .outOfRange:
            return .refused(renamingFields(error))
        case .permissionDenied, .unauthenticated, .notFound:
            // The auth service does not trust this service's identity: a deployment error.
            return .refused(RPCError(code: .internal, message: "the auth service refused the clinics service (\(error.code))"))
        default:
            return .uncertain(error)
        }
    }

    private static func renamingFields(_ error: RPCError) -> RPCError {
        guard let colon = error.message.range(of: ": ") else { return error }
        let field = String(error.message[..<colon.lowerBound])
        let reason = String(error.message[colon.upperBound...])
        let renamed: String
        if field == "initial_password" {
            renamed = "first_admin.initial_password"
        } else if field.hasPrefix("account.") {
            renamed = "first_admin." + field.dropFirst("account.".count)
        } else {
            return error
        }
        if error.code == .invalidArgument {
            return RPCError(invalidArgument: ValidationError(fieldPath: renamed, reason: reason))
        }
        return RPCError(code: error.code, message: "\(renamed): \(reason)")
    }
}
