package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage
import WellKnownTypes

extension DoctorsService {
    package func getDoctorSchedule(request: Clinic_Doctors_V1_GetDoctorScheduleRequest, context: ServerContext) async throws -> Clinic_Doctors_V1_GetDoctorScheduleResponse {
        let caller = try context.requirePrincipal()
        let (first, last) = try AvailabilityRules.dateRange(
            request.dateRange, maxDays: AvailabilityRules.maxScheduleDays, field: "date_range")
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let reference = try DoctorAccess.reference(request.doctorId, caller: caller)
        let clinic = try await clinics.requireClinic(database.tenant.rawValue)
        let range = TimeSpan(clinic.zone.startOfDay(first), clinic.zone.startOfDay(last.adding(days: 1)))
        let (doctor, windows, exceptions) = try await database.read("the schedule") { db in
            guard let doctor = try Self.findDoctor(reference, db) else { throw RPCError.doctorNotFound }
            let windows = try AvailabilityStore.availability(doctorID: doctor.id, db).windows
            let exceptions = try AvailabilityStore.exceptions(
                doctorID: doctor.id, overlappingFrom: range.start, to: range.end, db)
            return (doctor, windows, exceptions)
        }
        try DoctorAccess.checkOwnOrAdministered(caller, doctor, tenant: database.tenant)
        // A removed doctor works no more: every day is empty.
        let isActive = doctor.status == .active
        let calculator = ScheduleCalculator(
            zone: clinic.zone, windows: isActive ? windows : [],
            timeOff: exceptions.filter { $0.kind == .timeOff }.map(\.span),
            extraHours: isActive
                ? exceptions.filter { $0.kind == .extraHours }.map { .init(id: $0.id, span: $0.span, slot: $0.slotSeconds) } : [],
            isClosed: { clinic.isClosed($0) })
        var response = Clinic_Doctors_V1_GetDoctorScheduleResponse()
        response.doctorId = doctor.id
        response.timeZone = clinic.timeZoneID
        response.days = calculator.days(from: first, through: last).map(Self.proto)
        return response
    }

    static func proto(_ day: ScheduleCalculator.Day) -> Clinic_Doctors_V1_ScheduleDay {
        var proto = Clinic_Doctors_V1_ScheduleDay()
        proto.date = Clinic_Common_V1_Date(day.date)
        proto.clinicClosed = day.clinicClosed
        proto.timeOff = day.timeOff.map(Clinic_Common_V1_Interval.init)
        proto.workingPeriods = day.periods.map { period in
            var working = Clinic_Doctors_V1_WorkingPeriod()
            working.interval = Clinic_Common_V1_Interval(period.span)
            working.slotDuration = Google_Protobuf_Duration(seconds: Int64(period.slot))
            switch period.source {
            case .weekly:
                working.source = .weekly
            case .extraHours(let id):
                working.source = .extraHours
                working.exceptionId = id
            }
            working.slots = period.slots.map(Clinic_Common_V1_Interval.init)
            return working
        }
        return proto
    }
}
