import ClinicAPI
import Platform
import RPCCore

/// The clinics service's calls to the auth service: creating a clinic's first admin account, and
/// turning the clinic's staff logins off and on when it is deleted and undeleted.
struct AdminAccounts: Sendable {
    let auth: Clinic_Auth_V1_AuthService.Client
    let timeout: Duration

    /// How an account creation ended when it did not succeed (see `AccountCreation.Failure`).
    typealias Failure = AccountCreation.Failure

    /// The creator of admin accounts, with the auth service's fields (`account.email`,
    /// `initial_password`) named as CreateClinic's (`first_admin.email`).
    private var creation: AccountCreation {
        AccountCreation(auth: auth, timeout: timeout, service: "clinics") { field in
            if field == "initial_password" { return "first_admin.initial_password" }
            if field.hasPrefix("account.") { return "first_admin." + field.dropFirst("account.".count) }
            return nil
        }
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
        return try await creation.create(request)
    }

    /// Whether `error` from CreateAccount means no account was made, with CreateClinic's field names.
    func classify(_ error: RPCError) -> Failure { creation.classify(error) }

    /// Turns the logins of `clinicID`'s staff on or off; `generation` (the clinic's version at the
    /// change) lets the auth service ignore an older change arriving late. Idempotent.
    func setStaffAccess(clinicID: String, enabled: Bool, generation: Int64) async throws {
        var request = Clinic_Auth_V1_SetClinicAccessRequest()
        request.clinicId = clinicID
        request.enabled = enabled
        request.generation = generation
        _ = try await auth.setClinicAccess(request, options: CallOptions(timeout: timeout))
    }
}
