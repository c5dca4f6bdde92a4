package import ClinicAPI
import ClinicTLS
import Foundation
import Platform
import ProtoRuntime
package import RPCCore
import Storage

extension PatientsService {
    package func signUpPatient(
        request: Clinic_Patients_V1_SignUpPatientRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_SignUpPatientResponse {
        let now = now()
        let name = try RequestCheck.name(request.name, field: "name")
        let birthDate = try RequestCheck.birthDate(request.birthDate, field: "birth_date", today: now)
        let sex = try PatientDraft.sex(request.sex, field: "sex")
        let email = request.email.trimmingCharacters(in: .whitespacesAndNewlines)
        let terms = request.acceptedTermsVersion.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !terms.isEmpty else { throw RequestCheck.invalid("accepted_terms_version", "is required") }
        // An anonymous caller has no identity: the e-mail scopes the idempotency key.
        let (callerKey, requestID) = (TextKeys.email(email), request.requestId)
        if let earlier = try await storage.readPlatform("the sign-up", { db in
            try RequestIDs.find(
                Clinic_Patients_V1_SignUpPatientResponse.self, scope: "SignUpPatient", caller: callerKey, requestID: requestID,
                now: now, db)
        }) {
            return earlier
        }

        var account = Clinic_Auth_V1_Account()
        account.email = email
        account.name = name
        account.roles = [.patient]
        var create = Clinic_Auth_V1_CreateAccountRequest()
        create.account = account
        create.initialPassword = request.password
        // The same key makes the auth service return the same account on a retry. It is derived
        // from the e-mail too: the auth service scopes keys by caller (this service), so a raw
        // client key replayed with another e-mail must not return someone else's account.
        create.requestId = Self.accountRequestID(email: callerKey, requestID: requestID)
        let created: Clinic_Auth_V1_Account
        do {
            created = try await auth.createAccount(create)
        } catch let error as RPCError {
            throw Self.signUpError(error)
        }

        let profile = ProfileRecord(
            accountID: created.id, email: email, name: name, birthDate: birthDate, sex: sex, phone: request.phone,
            languageCode: request.languageCode, address: nil, nationalID: nil, acceptedTermsVersion: terms, createdAt: now,
            updatedAt: now, version: 1)
        do {
            return try await storage.writePlatform("the patient profile") { db in
                try ProfileStore.insertIfAbsent(profile, db)
                var response = Clinic_Patients_V1_SignUpPatientResponse()
                response.accountId = created.id
                response.profile = (try ProfileStore.find(accountID: created.id, db) ?? profile).proto
                try RequestIDs.record(response, scope: "SignUpPatient", caller: callerKey, requestID: requestID, now: now, db)
                return response
            }
        } catch {
            // Without a request id a retry cannot find this account again: take it back.
            if requestID.isEmpty { await deleteAccount(created.id) }
            throw error
        }
    }

    package func getPatientProfile(
        request: Clinic_Patients_V1_GetPatientProfileRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_PatientProfile {
        let accountID = try Self.patientAccount(context)
        guard let profile = try await storage.readPlatform("the profile", { db in try ProfileStore.find(accountID: accountID, db) })
        else { throw RPCError.profileNotFound }
        return profile.proto
    }

    package func updatePatientProfile(
        request: Clinic_Patients_V1_UpdatePatientProfileRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_PatientProfile {
        let caller = try context.requirePrincipal()
        let accountID = try Self.patientAccount(context)
        let now = now()
        let name = try request.name.map { _ in try RequestCheck.name(request.name, field: "name") }
        let birthDate = try request.birthDate.map { _ in try RequestCheck.birthDate(request.birthDate, field: "birth_date", today: now) }
        let sex = try request.sex.map { try PatientDraft.sex($0, field: "sex") }
        let nationalID = try PatientDraft.nationalID(request.nationalId, field: "national_id")
        let actor = caller.actor(for: context.method)
        let correlationID = Self.correlationID(context)
        return try await storage.writePlatform("the profile") { db in
            guard var profile = try ProfileStore.find(accountID: accountID, db) else { throw RPCError.profileNotFound }
            let before = profile
            if let name { profile.name = name }
            if let birthDate { profile.birthDate = birthDate }
            if let sex { profile.sex = sex }
            if let phone = request.phone { profile.phone = phone }
            if let address = request.address { profile.address = address }
            if let nationalID { profile.nationalID = nationalID }
            guard profile != before else { return profile.proto }
            profile.updatedAt = now
            profile.version += 1
            try ProfileStore.update(profile, db)
            var changed = Clinic_Events_V1_PatientProfileChanged()
            changed.accountId = accountID
            try PatientsOutbox.append(
                .patientProfileChanged(changed), eventType: "clinic.events.v1.PatientProfileChanged", clinicID: "",
                actor: actor, correlationID: correlationID, now: now, db)
            return profile.proto
        }
    }

    package func listPatientClinics(
        request: Clinic_Patients_V1_ListPatientClinicsRequest, context: ServerContext
    ) async throws -> Clinic_Patients_V1_ListPatientClinicsResponse {
        let caller = try context.requirePrincipal()
        let accountID: String
        if caller.kind == .service {
            guard !request.accountId.isEmpty else { throw RequestCheck.invalid("account_id", "is required for services") }
            accountID = request.accountId
        } else {
            accountID = try Self.patientAccount(context)
            guard request.accountId.isEmpty || request.accountId == accountID else {
                throw RPCError(code: .permissionDenied, message: "account_id: patients list their own clinics only")
            }
        }
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<LinkCursor>.decode(request.pageToken, scope: scope)
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 100)
        let links = try await storage.readPlatform("the clinic links") { db in
            try LinkStore.list(accountID: accountID, after: after, limit: pageSize + 1, db)
        }
        let page = Page(links, size: pageSize, scope: scope, cursor: LinkCursor.init)
        var response = Clinic_Patients_V1_ListPatientClinicsResponse()
        response.links = page.items.map(\.proto)
        response.nextPageToken = page.nextToken
        return response
    }

    // MARK: Steps

    /// The calling patient's account id.
    static func patientAccount(_ context: ServerContext) throws(RPCError) -> String {
        let caller = try context.requirePrincipal()
        guard caller.actsAsPatient, let accountID = caller.accountID else {
            throw RPCError(code: .permissionDenied, message: "only patient accounts have a patient profile")
        }
        return accountID
    }

    /// The auth request id of a sign-up: a UUID made of the SHA-256 of the folded e-mail and the
    /// client's request id (empty without one).
    static func accountRequestID(email: String, requestID: String) -> String {
        guard !requestID.isEmpty else { return "" }
        var bytes = Array(Digest.sha256("patients.signup\u{1F}\(email)\u{1F}\(requestID)").prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4 layout, as FORMAT_UUID expects
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.map(String.init).joined(separator: "-")
    }

    /// Our answer for a failed account creation: a taken e-mail is `already_exists`, a refused
    /// password `invalid_argument` on `password`, anything else the auth service's trouble.
    static func signUpError(_ error: RPCError) -> RPCError {
        switch error.code {
        case .alreadyExists:
            return RPCError(code: .alreadyExists, message: "email: an account with this e-mail already exists")
        case .invalidArgument:
            // The auth service names its own field (initial_password, account.email); say ours.
            let reason = error.message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
            let field = error.message.hasPrefix("account.email") ? "email" : "password"
            return RequestCheck.invalid(field, reason ?? "is not accepted")
        case .unavailable, .deadlineExceeded:
            return RPCError(code: error.code, message: "accounts cannot be created right now; retry")
        default:
            return RPCError(code: .internal, message: "the patient account could not be created (\(error.code))")
        }
    }

    /// Takes back an account whose profile could not be stored (best effort: logged when it fails).
    private func deleteAccount(_ accountID: String) async {
        var request = Clinic_Auth_V1_DeleteAccountRequest()
        request.accountId = accountID
        do {
            _ = try await auth.deleteAccount(request)
        } catch {
            logger.error("could not take back a patient account after a failed sign-up", metadata: ["auth.account": "\(accountID)"])
        }
    }
}

extension RPCError {
    /// The calling patient has no profile (an account made without SignUpPatient).
    static let profileNotFound = RPCError(code: .notFound, message: "no patient profile for this account; sign up as a patient first")
}
