package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage
import WellKnownTypes

extension AuthService {
    package func getProfile(request: Clinic_Auth_V1_GetProfileRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Profile {
        let caller = try context.requirePrincipal()
        let id = try resolve(request.accountId, caller: caller)
        guard let owner = try await database.read("the profile", { db in try AccountStore.find(id: id, db) }) else {
            throw RPCError.accountNotFound
        }
        var patientLinked = false
        if caller.has(.patient), owner.roles.contains(.doctor), let clinicID = owner.clinicID,
            let accountID = caller.accountID, let links = configuration.patientLinks, let tenant = try? TenantID(clinicID)
        {
            patientLinked = try await links(accountID, tenant)
        }
        guard let view = AccountRules.profileView(caller, owner, patientLinked: patientLinked) else {
            throw RPCError.accountNotFound
        }
        return owner.profile(view: view)
    }

    package func updateProfile(request: Clinic_Auth_V1_UpdateProfileRequest, context: ServerContext) async throws -> Clinic_Auth_V1_Profile {
        let (_, accountID) = try callerAccountID(context)
        if let name = request.name { try AccountDraft.checkName(name, field: "name") }
        let now = configuration.now()
        let updated = try await database.write("the profile") { db in
            guard var account = try AccountStore.find(id: accountID, db), account.status != .disabled else {
                throw RPCError.accountNotFound
            }
            let before = account
            if let name = request.name { account.setName(name) }
            if let phone = request.phone { account.phone = phone }
            if let language = request.languageCode { account.languageCode = language }
            if let timeZone = request.timeZone { account.timeZone = timeZone }
            if account != before {
                account.updatedAt = now
                account.version += 1
                try AccountStore.update(account, db)
            }
            return account
        }
        return updated.profile(view: .full)
    }

    package func getSigningKeys(
        request: Clinic_Auth_V1_GetSigningKeysRequest, context: ServerContext
    ) async throws -> Clinic_Auth_V1_GetSigningKeysResponse {
        var key = Clinic_Auth_V1_SigningKey()
        key.keyId = signingKey.publicKey.keyID
        key.algorithm = .ed25519
        key.publicKeyDer = signingKey.publicKey.derRepresentation
        key.state = .active
        var response = Clinic_Auth_V1_GetSigningKeysResponse()
        response.keys = [key]
        response.maxAge = Google_Protobuf_Duration(duration: .seconds(3600))
        return response
    }
}
