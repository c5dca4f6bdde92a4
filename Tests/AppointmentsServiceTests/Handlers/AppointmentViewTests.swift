@testable import AppointmentsService
import ClinicAPI
import Foundation
import RPCCore
import Testing

@Suite("Day, week and patient views")
struct AppointmentViewTests {
    static func utc(_ text: String) -> Date { Fixtures.instant(text) }

    @Test("the doctor's day and week views list their appointments in order, without cancelled ones by default")
    func doctorViews() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let wilson = try await harness.addDoctor("James", "Wilson", to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let late = try await harness.book(doctor, at: Self.utc("2025-03-24T10:00:00Z"), patientID: marie)
            let early = try await harness.book(doctor, at: Self.utc("2025-03-24T08:00:00Z"), patientID: marie)
            let tuesday = try await harness.book(doctor, at: Self.utc("2025-03-25T08:00:00Z"), patientID: marie)
            _ = try await harness.book(wilson, at: Self.utc("2025-03-24T08:00:00Z"), patientID: marie)
            var cancel = Clinic_Appointments_V1_CancelAppointmentRequest()
            cancel.appointmentId = late.id
            cancel.reason = .bookingError
            _ = try await harness.appointments.cancelAppointment(cancel, options: try harness.admin(clinic))

            var day = Clinic_Appointments_V1_ListDoctorAppointmentsRequest()
            day.doctorId = "me"
            day.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 24))
            let mine = try await harness.appointments.listDoctorAppointments(day, options: try harness.options(of: doctor))
            #expect(mine.timeZone == "Europe/Paris")
            #expect(mine.appointments.map(\.id) == [early.id])
            day.statuses = [.cancelled]
            #expect(try await harness.appointments.listDoctorAppointments(day, options: try harness.options(of: doctor)).appointments.map(\.id) == [late.id])

            var week = Clinic_Appointments_V1_ListDoctorAppointmentsRequest()
            week.doctorId = doctor.id
            week.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 30))
            week.pageSize = 1
            let first = try await harness.appointments.listDoctorAppointments(week, options: try harness.admin(clinic))
            #expect(first.appointments.map(\.id) == [early.id] && !first.nextPageToken.isEmpty)
            week.pageToken = first.nextPageToken
            let second = try await harness.appointments.listDoctorAppointments(week, options: try harness.admin(clinic))
            #expect(second.appointments.map(\.id) == [tuesday.id] && second.nextPageToken.isEmpty)

            week.pageToken = ""
            week.dateRange = Fixtures.range((2025, 3, 1), (2025, 4, 2))
            await expectError(.invalidArgument, field: "date_range") { _ = try await harness.appointments.listDoctorAppointments(week, options: try harness.admin(clinic)) }
            day.doctorId = "me"
            await expectError(.invalidArgument, field: "doctor_id") { _ = try await harness.appointments.listDoctorAppointments(day, options: try harness.admin(clinic)) }
            day.doctorId = "doc_unknown"
            await expectError(.notFound, field: "doctor_id") { _ = try await harness.appointments.listDoctorAppointments(day, options: try harness.admin(clinic)) }
            day.statuses = [.unspecified]
            day.doctorId = doctor.id
            await expectError(.invalidArgument, field: "statuses") { _ = try await harness.appointments.listDoctorAppointments(day, options: try harness.admin(clinic)) }
        }
    }

    @Test("once its clinic is deleted, a doctor's unexpired token lists nothing; undeleted, it does again")
    func deletedClinicEndsStaffAccess() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            var day = Clinic_Appointments_V1_ListDoctorAppointmentsRequest()
            day.doctorId = "me"
            day.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 24))
            let asDoctor = try harness.options(of: doctor)
            _ = try await harness.appointments.listDoctorAppointments(day, options: asDoctor)

            var delete = Clinic_Clinics_V1_DeleteClinicRequest()
            delete.clinicId = clinic
            _ = try await harness.clinics.deleteClinic(delete, options: try harness.superAdmin)
            await expectError(.unauthenticated) { _ = try await harness.appointments.listDoctorAppointments(day, options: asDoctor) }

            var undelete = Clinic_Clinics_V1_UndeleteClinicRequest()
            undelete.clinicId = clinic
            _ = try await harness.clinics.undeleteClinic(undelete, options: try harness.superAdmin)
            _ = try await harness.appointments.listDoctorAppointments(day, options: asDoctor)
        }
    }

    @Test("a patient sees their upcoming and past appointments across clinics, merged in time order")
    func patientAcrossClinics() async throws {
        try await withHarness { harness in
            let lyon = try await harness.createClinic("Clinique Lyon")
            let paris = try await harness.createClinic("Clinique Paris", locality: "Paris")
            let lyonDoctor = try await harness.addDoctor(to: lyon)
            let parisDoctor = try await harness.addDoctor("Jean", "Dupré", to: paris)
            let patient = try await harness.signUp()
            let monday = try await harness.book(lyonDoctor, at: Self.utc("2025-03-24T08:00:00Z"), as: patient)
            let wednesday = try await harness.book(parisDoctor, at: Self.utc("2025-03-26T08:00:00Z"), as: patient)
            let friday = try await harness.book(lyonDoctor, at: Self.utc("2025-03-28T08:00:00Z"), as: patient)
            harness.clock.set(Self.utc("2025-03-25T12:00:00Z"))

            func list(_ change: (inout Clinic_Appointments_V1_ListPatientAppointmentsRequest) -> Void) async throws
                -> Clinic_Appointments_V1_ListPatientAppointmentsResponse
            {
                var request = Clinic_Appointments_V1_ListPatientAppointmentsRequest()
                request.patientId = "me"
                change(&request)
                return try await harness.appointments.listPatientAppointments(request, options: patient.options)
            }
            #expect(try await list { _ in }.appointments.map(\.id) == [wednesday.id, friday.id])
            #expect(try await list { $0.timeFilter = .past }.appointments.map(\.id) == [monday.id])
            let all = try await list { $0.timeFilter = .all }.appointments
            #expect(all.map(\.id) == [friday.id, wednesday.id, monday.id])
            #expect(all.map(\.clinicId) == [lyon, paris, lyon])
            #expect(try await list { $0.clinicId = paris; $0.timeFilter = .all }.appointments.map(\.id) == [wednesday.id])

            var paged: [String] = []
            var token = ""
            repeat {
                let page = try await list { $0.timeFilter = .all; $0.pageSize = 1; $0.pageToken = token }
                paged += page.appointments.map(\.id)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(paged == [friday.id, wednesday.id, monday.id])

            await expectError(.notFound, field: "clinic_id") { _ = try await list { $0.clinicId = "clinic_elsewhere" } }
            // Staff see the patient within their clinic only.
            var staff = Clinic_Appointments_V1_ListPatientAppointmentsRequest()
            staff.patientId = monday.patientId
            staff.timeFilter = .all
            let lyonView = try await harness.appointments.listPatientAppointments(staff, options: try harness.admin(lyon))
            #expect(lyonView.appointments.map(\.id) == [friday.id, monday.id])
            await expectError(.notFound) { _ = try await harness.appointments.listPatientAppointments(staff, options: try harness.admin(paris)) }
            staff.clinicId = lyon
            await expectError(.permissionDenied, field: "clinic_id") { _ = try await harness.appointments.listPatientAppointments(staff, options: try harness.admin(paris)) }
        }
    }

    @Test("the clinic's appointments over a period, for staff and for services")
    func clinicList() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let a = try await harness.book(doctor, at: Self.utc("2025-03-24T08:00:00Z"), patientID: marie)
            let b = try await harness.book(doctor, at: Self.utc("2025-03-25T08:00:00Z"), patientID: marie)
            var request = Clinic_Appointments_V1_ListAppointmentsRequest()
            var interval = Clinic_Common_V1_Interval()
            interval.startTime = Fixtures.timestamp(Self.utc("2025-03-24T00:00:00Z"))
            interval.endTime = Fixtures.timestamp(Self.utc("2025-03-25T00:00:00Z"))
            request.interval = interval
            #expect(try await harness.appointments.listAppointments(request, options: try harness.options(of: doctor)).appointments.map(\.id) == [a.id])
            request.clinicId = clinic
            request.interval?.endTime = Fixtures.timestamp(Self.utc("2025-03-26T00:00:00Z"))
            #expect(try await harness.appointmentsAsService.listAppointments(request).appointments.map(\.id) == [a.id, b.id])
            request.doctorIds = ["doc_other"]
            #expect(try await harness.appointmentsAsService.listAppointments(request).appointments.isEmpty)

            request.doctorIds = []
            request.interval?.endTime = Fixtures.timestamp(Self.utc("2025-07-01T00:00:00Z"))
            await expectError(.invalidArgument, field: "interval") { _ = try await harness.appointmentsAsService.listAppointments(request) }
            request.interval?.endTime = Fixtures.timestamp(Self.utc("2025-03-01T00:00:00Z"))
            await expectError(.invalidArgument, field: "interval.end_time") { _ = try await harness.appointmentsAsService.listAppointments(request) }
            request.interval = nil
            await expectError(.invalidArgument, field: "interval") { _ = try await harness.appointmentsAsService.listAppointments(request) }
        }
    }
}
