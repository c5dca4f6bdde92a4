package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage
import WellKnownTypes

extension DoctorsService {
    package func getWeeklyAvailability(request: Clinic_Doctors_V1_GetWeeklyAvailabilityRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_WeeklyAvailability {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let (doctor, stored) = try await database.read("the availability") { db in
            guard let doctor = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            return (doctor, try AvailabilityStore.availability(doctorID: doctor.id, db))
        }
        try DoctorAccess.checkOwnOrAdministered(caller, doctor, tenant: database.tenant)
        let clinic = try await clinics.requireClinic(database.tenant.rawValue)
        return Self.weeklyAvailability(doctorID: doctor.id, stored, timeZone: clinic.timeZoneID)
    }

    package func setWeeklyAvailability(request: Clinic_Doctors_V1_SetWeeklyAvailabilityRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_WeeklyAvailability {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let windows = try AvailabilityRules.windows(request.availability?.windows ?? [], field: "availability.windows")
        let etag = request.etag.isEmpty ? (request.availability?.etag ?? "") : request.etag
        let clinic = try await clinics.requireClinic(database.tenant.rawValue)
        let (tenant, now) = (database.tenant, configuration.now())
        let (doctorID, stored) = try await database.write("the availability") { db in
            guard let doctor = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            try DoctorAccess.checkOwnOrAdministered(caller, doctor, tenant: tenant)
            guard doctor.status == .active else { throw RPCError.doctorRemoved }
            let current = try AvailabilityStore.availability(doctorID: doctor.id, db)
            guard etag.isEmpty || etag == current.etag else {
                throw RPCError(code: .aborted, message: "etag: the availability changed since it was read; read it again")
            }
            try AvailabilityStore.replace(doctorID: doctor.id, windows: windows, version: current.version + 1, now: now, db)
            return (doctor.id, StoredAvailability(windows: windows, version: current.version + 1, updatedAt: now))
        }
        context.logger.info("weekly availability set", metadata: ["doctors.doctor": "\(doctorID)", "auth.by": "\(caller)"])
        return Self.weeklyAvailability(doctorID: doctorID, stored, timeZone: clinic.timeZoneID)
    }

    static func weeklyAvailability(doctorID: String, _ stored: StoredAvailability, timeZone: String) -> Clinic_Doctors_V1_WeeklyAvailability {
        var availability = Clinic_Doctors_V1_WeeklyAvailability()
        availability.doctorId = doctorID
        availability.windows = stored.windows.map { window in
            var entry = Clinic_Doctors_V1_AvailabilityWindow()
            entry.dayOfWeek = Clinic_Common_V1_DayOfWeek(protoNumber: Int32(window.weekday))
            var hours = Clinic_Common_V1_TimeOfDayRange()
            hours.start = Clinic_Common_V1_TimeOfDay(secondOfDay: window.start)
            hours.end = Clinic_Common_V1_TimeOfDay(secondOfDay: window.end)
            entry.hours = hours
            entry.slotDuration = Google_Protobuf_Duration(seconds: Int64(window.slot))
            return entry
        }
        availability.timeZone = timeZone
        availability.updateTime = stored.updatedAt.map { Google_Protobuf_Timestamp(date: $0) }
        availability.etag = stored.etag
        return availability
    }
}
