package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage

extension ClinicsService {
    package func getClinic(request: Clinic_Clinics_V1_GetClinicRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_Clinic {
        let id = request.clinicId
        guard let record = try await database.read("the clinic", { db in try ClinicStore.find(id: id, db) }),
            ClinicAccess.canRead(context.principal, record)
        else { throw RPCError.clinicNotFound }
        return record.proto
    }

    package func updateClinic(request: Clinic_Clinics_V1_UpdateClinicRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_Clinic {
        let caller = try context.requirePrincipal()
        let update = try ClinicUpdate(request)
        let updated = try await modify(request.clinicId, caller: caller, etag: request.etag, now: configuration.now()) { db, record in
            try ClinicAccess.checkUpdate(caller, record)
            if let codes = update.newSpecialtyCodes, case let (index, code)? = try SpecialtyStore.firstUnknown(codes, db) {
                throw ClinicRules.invalid("specialty_codes.codes[\(index)]", "unknown specialty \(code)")
            }
            record.details = update.apply(to: record.details)
            if let other = try ClinicStore.duplicate(of: record, db) { throw Self.duplicate(other) }
        }
        context.logger.info("clinic updated", metadata: ["clinics.clinic": "\(updated.id)", "auth.by": "\(caller)"])
        return updated.proto
    }

    package func deleteClinic(request: Clinic_Clinics_V1_DeleteClinicRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_Clinic {
        let caller = try context.requirePrincipal()
        let now = configuration.now()
        let deleted: ClinicRecord
        do {
            deleted = try await modify(request.clinicId, caller: caller, etag: request.etag, now: now) { _, record in
                // Deleting a deleted clinic changes nothing (as for accounts); one whose staff logins
                // are still on is finished below.
                guard record.status == .active else { return }
                record.status = .deleted
                record.deletedAt = now
                record.accessPending = true
            }
        } catch let error as RPCError where error == .staleClinicEtag {
            // The repeat of a deletion that answered `unavailable` carries the etag from before
            // it: finish that deletion rather than refuse it.
            let id = request.clinicId
            guard let pending = try await database.read("the clinic", { db in try ClinicStore.find(id: id, db) }),
                pending.status == .deleted, pending.accessPending
            else { throw error }
            deleted = pending
        }
        context.logger.info("clinic deleted", metadata: ["clinics.clinic": "\(deleted.id)", "auth.by": "\(caller)"])
        try await applyStaffAccess(deleted, logger: context.logger)
        return deleted.proto
    }

    package func undeleteClinic(request: Clinic_Clinics_V1_UndeleteClinicRequest, context: ServerContext) async throws -> Clinic_Clinics_V1_Clinic {
        let caller = try context.requirePrincipal()
        let restored = try await modify(request.clinicId, caller: caller, etag: "", now: configuration.now()) { db, record in
            guard record.status == .deleted else {
                // An undelete whose staff logins are not back on yet is finished below.
                if record.status == .active, record.accessPending { return }
                throw RPCError(code: .failedPrecondition, message: "the clinic is not deleted")
            }
            record.status = .active
            record.deletedAt = nil
            record.accessPending = true
        }
        context.logger.info("clinic undeleted", metadata: ["clinics.clinic": "\(restored.id)", "auth.by": "\(caller)"])
        try await applyStaffAccess(restored, logger: context.logger)
        return restored.proto
    }

    /// Loads clinic `id` in a write transaction, checks the caller may see it (else `not_found`)
    /// and the etag (else `aborted`), applies `change`, and stores it with a new version when it
    /// changed anything.
    func modify(
        _ id: String, caller: Principal, etag: String, now: Date,
        _ change: @escaping @Sendable (Connection, inout ClinicRecord) throws -> Void
    ) async throws -> ClinicRecord {
        try await database.write("the clinic") { db in
            guard var record = try ClinicStore.find(id: id, db), ClinicAccess.canRead(caller, record) else {
                throw RPCError.clinicNotFound
            }
            guard etag.isEmpty || etag == record.etag else { throw RPCError.staleClinicEtag }
            let before = record
            try change(db, &record)
            guard record != before else { return record }
            record.version += 1
            record.updatedAt = now
            try ClinicStore.update(record, db)
            return record
        }
    }
}
