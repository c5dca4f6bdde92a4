import ClinicAPI
import ProtoRuntime
import RPCCore

/// The doctors service's calls to the auth service: creating and disabling doctor accounts.
struct DoctorAccounts: Sendable {
    let auth: Clinic_Auth_V1_AuthService.Client
    let timeout: Duration

    /// How an account creation ended when it did not succeed.
    enum Failure: Error {
        /// The auth service refused (e-mail taken, weak password...): no account exists. The
        /// error names the request's fields (`email`, `initial_password`).
        case refused(RPCError)
        /// Unknown outcome: the account may exist; retrying with the same request id settles it.
        case uncertain(RPCError)
    }

    /// Creates the doctor account of `clinicID`; `requestID` makes retries return the same account.
    func createDoctor(_ draft: DoctorDraft, clinicID: String, requestID: String) async throws(Failure) -> Clinic_Auth_V1_Account {
        var account = Clinic_Auth_V1_Account()
        account.email = draft.email
        account.name = draft.details.name
        account.roles = [.doctor]
        account.clinicId = clinicID
        var request = Clinic_Auth_V1_CreateAccountRequest()
        request.account = account
        request.initialPassword = draft.initialPassword
        request.requestId = requestID
        do {
            return try await auth.createAccount(request, options: CallOptions(timeout: timeout))
        } catch let error as RPCError {
            throw Self.classify(error)
        } catch {
            throw .uncertain(RPCError(code: .unavailable, message: "the auth service could not be reached"))
        }
    }

    /// Disables (soft-deletes) account `id`: its sessions end and it can no longer log in. An
    /// account already gone counts as done.
    func disable(accountID: String) async throws {
        var request = Clinic_Auth_V1_DeleteAccountRequest()
        request.accountId = accountID
        do {
            _ = try await auth.deleteAccount(request, options: CallOptions(timeout: timeout))
        } catch let error as RPCError where error.code == .notFound {
            return
        } catch let error as RPCError {
            throw RPCError(
                code: .unavailable,
                message: "the doctor is removed but their account could not be disabled yet (\(error.code)); retry the removal")
        }
    }

    /// Whether `error` from CreateAccount means no account was made, with the auth service's
    /// field names (`account.email`, `initial_password`) turned into AddDoctor's.
    static func classify(_ error: RPCError) -> Failure {
        switch error.code {
        case .invalidArgument, .alreadyExists, .failedPrecondition, .outOfRange:
            return .refused(renamingFields(error))
        case .permissionDenied, .unauthenticated, .notFound:
            return .refused(RPCError(code: .internal, message: "the auth service refused the doctors service (\(error.code))"))
        default:
            return .uncertain(error)
        }
    }

    private static func renamingFields(_ error: RPCError) -> RPCError {
        guard let colon = error.message.range(of: ": ") else { return error }
        let field = String(error.message[..<colon.lowerBound])
        let reason = String(error.message[colon.upperBound...])
        let renamed: String
        switch field {
        case "initial_password": renamed = "initial_password"
        case "account.email": renamed = "email"
        case let other where other.hasPrefix("account.name"): renamed = "doctor." + other.dropFirst("account.".count)
        default: return error
        }
        if error.code == .invalidArgument {
            return RPCError(invalidArgument: ValidationError(fieldPath: renamed, reason: reason))
        }
        return RPCError(code: error.code, message: "\(renamed): \(reason)")
    }
}
