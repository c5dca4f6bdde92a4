package import ClinicAPI
import Foundation
import Platform
import ProtoRuntime
package import RPCCore
import Storage

extension AppointmentsService {
    package func getAppointment(
        request: Clinic_Appointments_V1_GetAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let id = request.appointmentId
        let record = try await database.read("the appointment") { db in try AppointmentStore.find(id: id, db) }
        return try Self.visible(record, to: caller).proto(clinicID: database.tenant.rawValue)
    }

    package func listDoctorAppointments(
        request: Clinic_Appointments_V1_ListDoctorAppointmentsRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_ListDoctorAppointmentsResponse {
        let caller = try context.requirePrincipal()
        let range = try RequestCheck.dateRange(request.dateRange, field: "date_range", maxDays: 31)
        var statuses = try RequestCheck.statuses(request.statuses, field: "statuses")
        if statuses.isEmpty { statuses = Set(AppointmentStatus.allCases).subtracting([.cancelled]) }
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<AppointmentCursor>.decode(request.pageToken, scope: scope)
        let database = try await context.tenantDatabase()
        let clinicID = database.tenant.rawValue
        let clinic = try await schedules.clinic(clinicID)
        var filter = AppointmentFilter(statuses: statuses)
        if request.doctorId == "me" {
            guard caller.has(.doctor), let accountID = caller.accountID else {
                throw RequestCheck.invalid("doctor_id", "\"me\" is for doctors; name the doctor")
            }
            filter.doctorAccountID = accountID
        } else {
            // An id of another clinic's doctor is not_found here, like any unknown id.
            let (doctorID, _) = try await schedules.doctor(request.doctorId, clinicID: clinicID)
            filter.doctorIDs = [doctorID]
        }
        let span = clinic.calendar.span(of: range)
        filter.startsFrom = span.start
        filter.startsBefore = span.end
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 200)
        let fetched = try await database.read("the appointments") { [filter] db in
            try AppointmentStore.list(filter, after: after, limit: pageSize + 1, db)
        }
        let page = Page(fetched, size: pageSize, scope: scope) { $0.cursor }
        var response = Clinic_Appointments_V1_ListDoctorAppointmentsResponse()
        response.timeZone = clinic.timeZoneID
        response.appointments = page.items.map { $0.proto(clinicID: clinicID) }
        response.nextPageToken = page.nextToken
        return response
    }

    package func listAppointments(
        request: Clinic_Appointments_V1_ListAppointmentsRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_ListAppointmentsResponse {
        guard let interval = request.interval else { throw RequestCheck.invalid("interval", "is required") }
        let start = try RequestCheck.instant(interval.startTime, field: "interval.start_time")
        let end = try RequestCheck.instant(interval.endTime, field: "interval.end_time")
        guard end > start else { throw RequestCheck.invalid("interval.end_time", "must be after start_time") }
        guard end.timeIntervalSince(start) <= 92 * 86_400 else {
            throw RequestCheck.invalid("interval", "spans more than 92 days")
        }
        let statuses = try RequestCheck.statuses(request.statuses, field: "statuses")
        let scope = PageScope(request) { $0.pageToken = ""; $0.pageSize = 0 }
        let after = try PageToken<AppointmentCursor>.decode(request.pageToken, scope: scope)
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        var filter = AppointmentFilter(startsFrom: start, startsBefore: end, statuses: statuses)
        if !request.doctorIds.isEmpty { filter.doctorIDs = request.doctorIds }
        if !request.patientId.isEmpty { filter.patientID = request.patientId }
        let pageSize = RequestCheck.pageSize(request.pageSize, default: 200)
        let fetched = try await database.read("the appointments") { [filter] db in
            try AppointmentStore.list(filter, after: after, limit: pageSize + 1, db)
        }
        let page = Page(fetched, size: pageSize, scope: scope) { $0.cursor }
        var response = Clinic_Appointments_V1_ListAppointmentsResponse()
        response.appointments = page.items.map { $0.proto(clinicID: database.tenant.rawValue) }
        response.nextPageToken = page.nextToken
        return response
    }
}
