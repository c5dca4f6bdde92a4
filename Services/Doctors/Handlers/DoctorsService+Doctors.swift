package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage

extension DoctorsService {
    package func getDoctor(request: Clinic_Doctors_V1_GetDoctorRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_Doctor {
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let reference = try DoctorAccess.reference(request.doctorId, caller: context.principal)
        let staff = DoctorAccess.isStaff(context.principal, of: database.tenant)
        guard let record = try await database.read("the doctor", { db in try Self.findDoctor(reference, db) }),
            record.status == .active || staff
        else { throw RPCError.doctorNotFound }
        return record.proto(staffView: DoctorAccess.seesStaffFields(context.principal, of: database.tenant))
    }

    package func updateDoctor(request: Clinic_Doctors_V1_UpdateDoctorRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_Doctor {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let update = try DoctorUpdate(request)
        let isAdministrator = DoctorAccess.isAdministrator(caller, of: database.tenant)
        if !isAdministrator, let field = update.adminOnlyField {
            throw RPCError(code: .permissionDenied, message: "\(field): only the clinic admin changes it")
        }
        if let codes = update.newSpecialtyCodes {
            let catalog = try await clinics.specialtyCodes()
            for (index, code) in codes.enumerated() where !catalog.contains(code) {
                throw DoctorRules.invalid("specialty_codes.codes[\(index)]", "unknown specialty \(code)")
            }
        }
        let (etag, now, tenant) = (request.etag, configuration.now(), database.tenant)
        let updated = try await database.write("the doctor") { db in
            guard var record = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            if !isAdministrator { try DoctorAccess.checkOwnOrAdministered(caller, record, tenant: tenant) }
            guard record.status == .active else { throw RPCError.doctorRemoved }
            guard etag.isEmpty || etag == record.etag else { throw RPCError.staleDoctorEtag }
            let details = update.apply(to: record.details)
            guard details != record.details else { return record }
            record.details = details
            record.version += 1
            record.updatedAt = now
            try DoctorStore.update(record, db)
            return record
        }
        context.logger.info("doctor updated", metadata: ["doctors.doctor": "\(updated.id)", "auth.by": "\(caller)"])
        return updated.proto(staffView: true)
    }

    package func removeDoctor(request: Clinic_Doctors_V1_RemoveDoctorRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_Doctor {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        guard let current = try await database.read("the doctor", { db in try Self.findDoctor(reference, db) }) else {
            throw RPCError.doctorNotFound
        }
        guard request.etag.isEmpty || request.etag == current.etag else { throw RPCError.staleDoctorEtag }
        if current.status == .active, let upcomingAppointments,
            try await upcomingAppointments.hasUpcoming(database.tenant, current.id)
        {
            throw RPCError(
                code: .failedPrecondition,
                message: "the doctor has upcoming appointments; reschedule or cancel them first")
        }
        let (etag, now) = (request.etag, configuration.now())
        // The doctor is removed first (no longer listed or bookable), then the account disabled;
        // if that fails, removing again retries it.
        let removed = try await database.write("the doctor") { db in
            guard var record = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            guard record.status == .active else { return record }
            guard etag.isEmpty || etag == record.etag else { throw RPCError.staleDoctorEtag }
            record.status = .removed
            record.removedAt = now
            record.version += 1
            record.updatedAt = now
            try DoctorStore.update(record, db)
            return record
        }
        if let accountID = removed.accountID { try await accounts.disable(accountID: accountID) }
        context.logger.info("doctor removed", metadata: ["doctors.doctor": "\(removed.id)", "auth.by": "\(caller)"])
        return removed.proto(staffView: true)
    }

    package func listDoctors(request: Clinic_Doctors_V1_ListDoctorsRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_ListDoctorsResponse {
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        if request.showRemoved, !DoctorAccess.isStaff(context.principal, of: database.tenant) {
            throw RPCError(code: .permissionDenied, message: "show_removed: only the clinic's staff see removed doctors")
        }
        let prefix = SearchKey.fold(request.query)
        let filter = "\(database.tenant)|\(request.showRemoved)|\(request.specialtyCode)|\(prefix)|\(request.onlineBookingOnly)"
        var query = DoctorListQuery(limit: request.pageSize == 0 ? 50 : Int(request.pageSize))
        query.includeRemoved = request.showRemoved
        query.specialtyCode = request.specialtyCode.isEmpty ? nil : request.specialtyCode
        query.onlineBookingOnly = request.onlineBookingOnly
        query.namePrefix = prefix.isEmpty ? nil : prefix
        let scope = PageScope(filter)
        if let keys = try PageToken<[String]>.decode(request.pageToken, scope: scope) {
            guard keys.count == 3 else { throw DoctorRules.invalid("page_token", "is not a token this service issued") }
            query.after = (keys[0], keys[1], keys[2])
        }
        let rows = try await database.read("the doctors") { [query] db in try DoctorStore.list(query, db) }
        let page = rows.prefix(query.limit)
        let staffView = DoctorAccess.seesStaffFields(context.principal, of: database.tenant)
        var response = Clinic_Doctors_V1_ListDoctorsResponse()
        response.doctors = page.map { $0.proto(staffView: staffView) }
        if rows.count > query.limit, let last = page.last {
            response.nextPageToken = PageToken.encode([last.familyKey, last.givenKey, last.id], scope: scope)
        }
        return response
    }
}
