package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage

/// AddDoctor: a doctor row in the clinic's database and a login account in the auth service,
/// never one without the other. The same saga as CreateClinic (see ClinicsService+Create.swift):
/// the doctor is inserted as `provisioning` (invisible, and holding its e-mail) and claimed by
/// the attempt, the account is created with an idempotency key kept in the row, then the doctor
/// becomes `active`. A refusal by the auth service deletes the row; an unknown outcome keeps it
/// and releases the claim, and a retry with the same e-mail resumes it with the same key. While
/// an attempt holds the claim, the same e-mail is `already_exists`.
extension DoctorsService {
    package func addDoctor(request: Clinic_Doctors_V1_AddDoctorRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_Doctor {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let draft = try DoctorDraft(request)
        let catalog = try await clinics.specialtyCodes()
        for (index, code) in draft.details.specialtyCodes.enumerated() where !catalog.contains(code) {
            throw DoctorRules.invalid("doctor.specialty_codes[\(index)]", "unknown specialty \(code)")
        }
        let now = configuration.now()
        let (callerKey, requestID) = (caller.description, request.requestId)
        if !requestID.isEmpty {
            let since = now.addingTimeInterval(-24 * 3600)
            let earlier = try await database.read("the doctor") { db -> DoctorRecord? in
                guard let id = try DoctorStore.createdDoctor(caller: callerKey, requestID: requestID, since: since, db) else { return nil }
                return try DoctorStore.find(id: id, db)
            }
            if let earlier, earlier.status != .provisioning { return earlier.proto(staffView: true) }
        }
        let reservation = try await reserve(draft, in: database, callerKey: callerKey, requestID: requestID, now: now)
        let account: Clinic_Auth_V1_Account
        do {
            account = try await accounts.createDoctor(
                draft, clinicID: database.tenant.rawValue, requestID: reservation.record.accountRequestID)
        } catch .refused(let error) {
            let (id, isNew) = (reservation.record.id, reservation.isNew)
            _ = try? await database.write("the doctor") { db in
                if isNew { try DoctorStore.deleteProvisioning(id: id, db) } else { try DoctorStore.releaseClaim(id: id, db) }
            }
            throw error
        } catch .uncertain(let error) {
            let id = reservation.record.id
            _ = try? await database.write("the doctor") { db in try DoctorStore.releaseClaim(id: id, db) }
            context.logger.warning(
                "doctor account outcome unknown; the addition can be resumed",
                metadata: ["doctors.doctor": "\(reservation.record.id)", "rpc.code": "\(error.code)"])
            throw RPCError(code: .unavailable, message: "the doctor's account could not be created yet; retry the same request")
        }
        let active = try await activate(reservation.record, accountID: account.id, in: database, now: configuration.now())
        context.logger.info(
            "doctor added", metadata: ["doctors.doctor": "\(active.id)", "auth.account": "\(account.id)", "auth.by": "\(caller)"])
        return active.proto(staffView: true)
    }

    private func reserve(
        _ draft: DoctorDraft, in database: TenantDatabase, callerKey: String, requestID: String, now: Date
    ) async throws -> (record: DoctorRecord, isNew: Bool) {
        let abandonedBefore = now.addingTimeInterval(-TimeInterval(configuration.abandonedAdditionAge.components.seconds))
        // The auth call, with its retries, ends well within twice its timeout.
        let claimedUntil = now.addingTimeInterval(TimeInterval(2 * configuration.callTimeout.components.seconds + 5))
        let candidate = DoctorRecord(
            id: Self.newDoctorID(), status: .provisioning, accountID: nil, emailKey: draft.emailKey,
            accountRequestID: UUID().uuidString.lowercased(), details: draft.details, createdAt: now, updatedAt: now,
            claimedUntil: claimedUntil)
        return try await database.write("the doctor") { db in
            try DoctorStore.deleteProvisioning(before: abandonedBefore, db)
            var reserved = candidate
            var isNew = true
            if var existing = try DoctorStore.find(emailKey: draft.emailKey, db) {
                guard existing.status == .provisioning else {
                    throw RPCError(code: .alreadyExists, message: "email: doctor \(existing.id) of this clinic has this e-mail")
                }
                guard (existing.claimedUntil ?? .distantPast) <= now else {
                    throw RPCError(code: .alreadyExists, message: "email: a doctor with this e-mail is being added")
                }
                existing.details = draft.details
                existing.updatedAt = now
                existing.claimedUntil = claimedUntil
                try DoctorStore.update(existing, db)
                (reserved, isNew) = (existing, false)
            } else {
                try DoctorStore.insert(candidate, db)
            }
            if !requestID.isEmpty {
                try DoctorStore.recordCreation(caller: callerKey, requestID: requestID, doctorID: reserved.id, now: now, db)
            }
            return (reserved, isNew)
        }
    }

    /// Makes the doctor visible with their account; writes the row again if a racing first
    /// attempt gave up on it meanwhile (the account exists now).
    private func activate(_ reserved: DoctorRecord, accountID: String, in database: TenantDatabase, now: Date) async throws -> DoctorRecord {
        try await database.write("the doctor") { db in
            var record = try DoctorStore.find(id: reserved.id, db) ?? reserved
            guard record.status == .provisioning else { return record }
            let isMissing = try DoctorStore.find(id: reserved.id, db) == nil
            record.status = .active
            record.accountID = accountID
            record.updatedAt = now
            record.claimedUntil = nil
            if isMissing { try DoctorStore.insert(record, db) } else { try DoctorStore.update(record, db) }
            return record
        }
    }

    /// `doc_` and 32 hex digits.
    static func newDoctorID() -> String {
        "doc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
