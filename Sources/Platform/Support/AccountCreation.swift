package import ClinicAPI
import ProtoRuntime
package import RPCCore

/// A service creating a login account through the auth service (the clinics service a clinic's
/// first admin, the doctors service a doctor): one CreateAccount call whose failure says whether
/// an account may exist, with the auth service's field names turned into the caller's own.
package struct AccountCreation: Sendable {
    /// How a creation ended when it did not succeed.
    package enum Failure: Error {
        /// The auth service refused (weak password, e-mail taken...): no account exists. The error
        /// names the caller's request fields.
        case refused(RPCError)
        /// Unknown outcome (unavailable, timeout, internal): the account may exist. Retrying with
        /// the same request id settles it.
        case uncertain(RPCError)
    }

    /// The auth service.
    package let auth: Clinic_Auth_V1_AuthService.Client
    /// How long one call may take.
    package let timeout: Duration
    /// The calling service's name, for the error of a deployment that does not trust it.
    package let service: String
    /// The caller's field for an auth field (`account.email`, `initial_password`...), or nil to
    /// keep the auth service's message as it is.
    package let renaming: @Sendable (String) -> String?

    /// A creator calling `auth` as `service`.
    package init(
        auth: Clinic_Auth_V1_AuthService.Client, timeout: Duration, service: String,
        renaming: @escaping @Sendable (String) -> String?
    ) {
        self.auth = auth
        self.timeout = timeout
        self.service = service
        self.renaming = renaming
    }

    /// Creates the account `request` describes (with its `request_id` as the idempotency key).
    package func create(_ request: Clinic_Auth_V1_CreateAccountRequest) async throws(Failure) -> Clinic_Auth_V1_Account {
        do {
            return try await auth.createAccount(request, options: CallOptions(timeout: timeout))
        } catch let error as RPCError {
            throw classify(error)
        } catch {
            throw .uncertain(RPCError(code: .unavailable, message: "the auth service could not be reached"))
        }
    }

    /// Whether `error` from CreateAccount means no account was made, with fields renamed.
    package func classify(_ error: RPCError) -> Failure {
        switch error.code {
        case .invalidArgument, .alreadyExists, .failedPrecondition, .outOfRange:
            return .refused(renamingFields(error))
        case .permissionDenied, .unauthenticated, .notFound:
            // The auth service does not trust this service's identity: a deployment error.
            return .refused(RPCError(code: .internal, message: "the auth service refused the \(service) service (\(error.code))"))
        default:
            return .uncertain(error)
        }
    }

    private func renamingFields(_ error: RPCError) -> RPCError {
        guard let colon = error.message.range(of: ": ") else { return error }
        let reason = String(error.message[colon.upperBound...])
        guard let renamed = renaming(String(error.message[..<colon.lowerBound])) else { return error }
        if error.code == .invalidArgument {
            return RPCError(invalidArgument: ValidationError(fieldPath: renamed, reason: reason))
        }
        return RPCError(code: error.code, message: "\(renamed): \(reason)")
    }
}
