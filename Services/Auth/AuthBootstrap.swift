package import ClinicAPI
package import ClinicTLS
import Foundation
package import Platform
import Storage

/// Creates accounts directly in the auth database, without RPC and without a caller: what
/// `clinic admin create --email … --role super-admin` runs to make the first super admin.
///
/// Safe while the auth service runs on the same data folder (SQLite serializes the writers).
/// The same checks as `CreateAccount` apply: role shape, password policy, unique e-mail
/// (`already_exists`), but no caller permissions — whoever can write the data folder already
/// owns the platform.
package enum AuthBootstrap {
    /// Creates an active account with `password` (or, when nil, a pending one with an invitation
    /// in the outbox) and returns it. Throws `RPCError` (`invalid_argument` naming the field,
    /// `already_exists`) or a storage error.
    package static func createAccount(
        dataDirectory: String, email: String, password: String?, roles: Set<Role>,
        name: Clinic_Common_V1_PersonName, clinicID: String? = nil,
        passwordHashing: ScryptParameters = .passwordStorage
    ) async throws -> Clinic_Auth_V1_Account {
        var configuration = AuthConfiguration(dataDirectory: dataDirectory)
        configuration.passwordHashing = passwordHashing
        configuration.hashingThreads = 1
        configuration.storage.logger.logLevel = .warning
        var input = Clinic_Auth_V1_Account()
        input.email = email
        input.name = name
        input.roles = roles.sorted().map(\.proto)
        input.clinicId = clinicID ?? ""
        let service = try await AuthService.start(configuration: configuration)
        do {
            let draft = try AccountDraft(input, password: password ?? "", policy: service.passwordPolicy)
            try AccountRules.checkShape(draft.roles, clinicID: clinicID, field: "account.roles")
            let now = configuration.now()
            let account = try await service.insertAccount(draft, clinicID: clinicID, now: now)
            await service.close()
            return account.proto(at: now)
        } catch {
            await service.close()
            throw error
        }
    }
}
