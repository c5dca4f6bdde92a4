package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage

/// CreateClinic: a clinic and its first admin account, in two services, never one without the
/// other.
///
/// 1. The clinic is inserted as `provisioning` (invisible to every reader and to tenant
///    admission), which also reserves its name and address (unique index) and gives it its id.
///    The attempt claims the row for as long as its call to the auth service may take.
/// 2. The auth service creates the admin account for that id, with an idempotency key stored in
///    the row (`account_request_id`).
/// 3. The clinic becomes `active` with the account's id.
///
/// If the auth service refuses (weak password, e-mail taken), the provisioning row is deleted:
/// nothing is left behind. If the outcome is unknown (auth unavailable, timeout), the row stays
/// and the claim is released; a retry (same name, address and admin e-mail) resumes it with the
/// same idempotency key, so the auth service returns the account it may already have made
/// instead of a second one. A crash leaves the claim to expire, then a retry resumes. While an
/// attempt holds the claim, the same request is `already_exists` ("being created"). A creation
/// nobody resumes is forgotten after `abandonedCreationAge`.
extension ClinicsService {
    package func createClinic(request: Clinic_Clinics_V1_CreateClinicRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_CreateClinicResponse {
        let caller = try context.requirePrincipal()
        let draft = try ClinicDraft(request)
        let now = configuration.now()
        let callerKey = caller.description
        let requestID = request.requestId
        if !requestID.isEmpty, let earlier = try await earlierCreation(caller: callerKey, requestID: requestID, now: now),
            earlier.status != .provisioning
        {
            return Self.response(earlier)
        }
        let reservation = try await reserve(draft, callerKey: callerKey, requestID: requestID, now: now)
        let account: Clinic_Auth_V1_Account
        do {
            account = try await accounts.createAdmin(
                draft.admin, clinicID: reservation.record.id, requestID: reservation.record.accountRequestID)
        } catch .refused(let error) {
            // No account exists: the row the attempt created goes; a resumed one is released.
            let (id, isNew) = (reservation.record.id, reservation.isNew)
            _ = try? await database.write("the clinic") { db in
                if isNew { try ClinicStore.deleteProvisioning(id: id, db) } else { try ClinicStore.releaseClaim(id: id, db) }
            }
            throw error
        } catch .uncertain(let error) {
            let id = reservation.record.id
            _ = try? await database.write("the clinic") { db in try ClinicStore.releaseClaim(id: id, db) }
            context.logger.warning(
                "clinic admin account outcome unknown; the creation can be resumed",
                metadata: ["clinics.clinic": "\(id)", "rpc.code": "\(error.code)"])
            throw RPCError(code: .unavailable, message: "the clinic's admin account could not be created yet; retry the same request")
        }
        let active = try await activate(reservation.record, adminAccountID: account.id, now: configuration.now())
        context.logger.info(
            "clinic created", metadata: ["clinics.clinic": "\(active.id)", "auth.account": "\(account.id)", "auth.by": "\(caller)"])
        return Self.response(active)
    }

    /// The clinic row to create the account for, claimed by this attempt: a new provisioning
    /// row, or an earlier one of the same clinic and admin whose attempt is over, to resume.
    private func reserve(_ draft: ClinicDraft, callerKey: String, requestID: String, now: Date) async throws -> (record: ClinicRecord, isNew: Bool) {
        let abandonedBefore = now.addingTimeInterval(-configuration.abandonedCreationAge.timeInterval)
        // The auth call, with its retries, ends well within twice its timeout.
        let claimedUntil = now.addingTimeInterval(2 * configuration.authCallTimeout.timeInterval + 5)
        let candidate = ClinicRecord(
            id: Self.newClinicID(), status: .provisioning, details: draft.details, createdAt: now, updatedAt: now,
            accountRequestID: UUID().uuidString.lowercased(), adminEmailKey: draft.admin.emailKey, claimedUntil: claimedUntil)
        return try await database.write("the clinic") { db in
            if case let (index, code)? = try SpecialtyStore.firstUnknown(draft.details.specialtyCodes, db) {
                throw ClinicRules.invalid("clinic.specialty_codes[\(index)]", "unknown specialty \(code)")
            }
            var reserved = candidate
            var isNew = true
            if var existing = try ClinicStore.find(nameKey: candidate.nameKey, addressKey: candidate.addressKey, db) {
                guard existing.status == .provisioning else { throw Self.duplicate(existing) }
                if existing.adminEmailKey == draft.admin.emailKey {
                    guard (existing.claimedUntil ?? .distantPast) <= now else { throw Self.duplicate(existing) }
                    existing.details = draft.details
                    existing.updatedAt = now
                    existing.claimedUntil = claimedUntil
                    try ClinicStore.update(existing, db)
                    (reserved, isNew) = (existing, false)
                } else {
                    guard existing.createdAt < abandonedBefore else { throw Self.duplicate(existing) }
                    try ClinicStore.deleteProvisioning(id: existing.id, db)
                    try ClinicStore.insert(candidate, db)
                }
            } else {
                try ClinicStore.insert(candidate, db)
            }
            if !requestID.isEmpty {
                try ClinicStore.recordCreation(caller: callerKey, requestID: requestID, clinicID: reserved.id, now: now, db)
            }
            return (reserved, isNew)
        }
    }

    /// Makes the clinic visible with its admin account. If the row vanished meanwhile (a racing
    /// first attempt gave up on it), it is written again, since the account now exists.
    private func activate(_ reserved: ClinicRecord, adminAccountID: String, now: Date) async throws -> ClinicRecord {
        try await database.write("the clinic") { db in
            if var record = try ClinicStore.find(id: reserved.id, db) {
                guard record.status == .provisioning else { return record }
                record.status = .active
                record.adminAccountID = adminAccountID
                record.updatedAt = now
                record.claimedUntil = nil
                try ClinicStore.update(record, db)
                return record
            }
            var record = reserved
            record.status = .active
            record.adminAccountID = adminAccountID
            record.updatedAt = now
            record.claimedUntil = nil
            if let other = try ClinicStore.duplicate(of: record, db) { throw Self.duplicate(other) }
            try ClinicStore.insert(record, db)
            return record
        }
    }

    private func earlierCreation(caller: String, requestID: String, now: Date) async throws -> ClinicRecord? {
        let since = now.addingTimeInterval(-24 * 3600)
        return try await database.read("the clinic") { db in
            guard let id = try ClinicStore.createdClinic(caller: caller, requestID: requestID, since: since, db) else { return nil }
            return try ClinicStore.find(id: id, db)
        }
    }

    /// Forgets creations abandoned for longer than `abandonedCreationAge` (run at start).
    func forgetAbandonedCreations() async throws {
        let cutoff = configuration.now().addingTimeInterval(-configuration.abandonedCreationAge.timeInterval)
        let forgotten = try await database.write("the clinics") { db in
            let stale = try ClinicStore.provisioning(before: cutoff, db)
            for record in stale { try ClinicStore.deleteProvisioning(id: record.id, db) }
            return stale.map(\.id)
        }
        if !forgotten.isEmpty {
            configuration.logger.warning("forgot abandoned clinic creations", metadata: ["clinics.clinics": "\(forgotten)"])
        }
    }

    static func duplicate(_ existing: ClinicRecord) -> RPCError {
        switch existing.status {
        case .deleted:
            RPCError(code: .alreadyExists, message: "clinic: a deleted clinic \(existing.id) has the same name and address; undelete it")
        case .provisioning:
            RPCError(code: .alreadyExists, message: "clinic: a clinic with the same name and address is being created")
        case .active:
            RPCError(code: .alreadyExists, message: "clinic: clinic \(existing.id) has the same name and address")
        }
    }

    static func response(_ record: ClinicRecord) -> Clinic_Clinics_V1_CreateClinicResponse {
        var response = Clinic_Clinics_V1_CreateClinicResponse()
        response.clinic = record.proto
        response.adminAccountId = record.adminAccountID ?? ""
        return response
    }

    /// `cln_` and 32 hex digits: a valid tenant id (file-name safe).
    static func newClinicID() -> String {
        "cln_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
