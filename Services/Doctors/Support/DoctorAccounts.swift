import ClinicAPI
import Platform
import RPCCore

/// The doctors service's calls to the auth service: creating and disabling doctor accounts.
struct DoctorAccounts: Sendable {
    let auth: Clinic_Auth_V1_AuthService.Client
    let timeout: Duration

    /// How an account creation ended when it did not succeed (see `AccountCreation.Failure`).
    typealias Failure = AccountCreation.Failure

    /// The creator of doctor accounts, with the auth service's fields named as AddDoctor's.
    private var creation: AccountCreation {
        AccountCreation(auth: auth, timeout: timeout, service: "doctors") { field in
            switch field {
            case "initial_password": "initial_password"
            case "account.email": "email"
            case let other where other.hasPrefix("account.name"): "doctor." + other.dropFirst("account.".count)
            default: nil
            }
        }
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
        return try await creation.create(request)
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
}
