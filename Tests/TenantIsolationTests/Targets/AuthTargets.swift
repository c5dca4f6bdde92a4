import ClinicAPI

/// Accounts are platform data: no auth method is tenant scoped; each handler limits clinic
/// admins to accounts of their clinic (docs/AUTH.md). The target ids are B's accounts (admin,
/// doctor, patient), one call each.
enum AuthTargets {
    typealias Auth = Clinic_Auth_V1_AuthService.Method

    static let all: [MethodTarget] = [
        MethodTarget(
            Auth.Logout.descriptor,
            [.succeeds([.admin, .doctor, .patient],
                       "ends only the caller's own session: another account's refresh token (here B's admin's) is ignored")],
            message: { #"{"refreshToken": "\#($0.target.admin.refreshToken)"}"# }),
        MethodTarget(
            Auth.ChangePassword.descriptor,
            [.succeeds([.admin, .doctor, .patient], "changes the caller's own password; the request names no other account")],
            message: { #"{"currentPassword": "\#($0.caller.password)", "newPassword": "Brand-New-Horse-Staple-77"}"# }),
        MethodTarget(
            Auth.CreateAccount.descriptor,
            [.succeeds([.admin], "a clinic admin creates accounts in the token's clinic; the output-only account.id must be ignored")],
            message: {
                #"{"account": {"email": "\#($0.freshEmail)", "name": {"givenName": "Cora", "familyName": "Newhire"}, "roles": ["ROLE_DOCTOR"]}, "initialPassword": "Correct-Horse-Battery-42"}"#
            }),
        MethodTarget(Auth.GetAccount.descriptor),
        MethodTarget(
            Auth.UpdateAccount.descriptor, message: { _ in #"{"name": {"givenName": "Renamed", "familyName": "ByClinicA"}}"# }),
        MethodTarget(Auth.DeleteAccount.descriptor),
        MethodTarget(Auth.UndeleteAccount.descriptor),
        MethodTarget(
            Auth.ListAccounts.descriptor,
            [.succeeds([.admin], "lists the accounts of the caller's own clinic")],
            message: { _ in #"{"pageSize": 100, "showDeleted": true}"# }),
        MethodTarget(Auth.SetAccountRoles.descriptor, message: { _ in #"{"roles": ["ROLE_DOCTOR"]}"# }),
        MethodTarget(Auth.GetProfile.descriptor),
        MethodTarget(
            Auth.UpdateProfile.descriptor,
            [.succeeds([.admin, .doctor, .patient], "updates the caller's own profile; the request names no other account")],
            message: { _ in #"{"phone": "+33600000077", "timeZone": "Europe/Paris"}"# }),
    ]

    static let exemptions: [Exemption] = [
        Exemption(Auth.Login.descriptor, .credentials, "exchanges an e-mail and password for tokens; takes no token"),
        Exemption(Auth.RefreshToken.descriptor, .credentials, "exchanges a refresh token (a secret, not an id); takes no token"),
        Exemption(Auth.RequestPasswordReset.descriptor, .credentials, "always answers OK by design; sends a link to the e-mail's owner only"),
        Exemption(Auth.ResetPassword.descriptor, .credentials, "needs the secret link token of the account; takes no token"),
        Exemption(Auth.GetSigningKeys.descriptor, .publicCatalog, "the platform's public token-verification keys"),
        Exemption(Auth.SetClinicAccess.descriptor, .internalOnly, "the clinics service turns a clinic's staff logins off and on (by mTLS identity)"),
    ]
}
