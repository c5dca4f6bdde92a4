@testable import AppointmentsService
import ClinicAPI
import Foundation
import RPCCore
import Testing

@Suite("Tenant isolation and roles")
struct IsolationTests {
    static let monday9 = Fixtures.instant("2025-03-24T08:00:00Z")

    @Test("another clinic's staff get not_found or permission_denied on every appointment method, and nothing changes")
    func otherClinicStaff() async throws {
        try await withHarness { harness in
            let clinicA = try await harness.createClinic("Clinique A")
            let clinicB = try await harness.createClinic("Clinique B", locality: "Paris")
            let doctor = try await harness.addDoctor(to: clinicA)
            let patient = try await harness.registerPatient(in: clinicA)
            let appointment = try await harness.book(doctor, at: Self.monday9, patientID: patient)
            let intruder = try harness.admin(clinicB)
            let id = appointment.id

            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_GetAppointmentRequest(); r.appointmentId = id
                _ = try await harness.appointments.getAppointment(r, options: intruder)
            }
            await expectError(.permissionDenied) {
                var r = Clinic_Appointments_V1_GetAppointmentRequest(); r.appointmentId = id; r.clinicId = clinicA
                _ = try await harness.appointments.getAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_CancelAppointmentRequest(); r.appointmentId = id; r.reason = .bookingError
                _ = try await harness.appointments.cancelAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_ConfirmAppointmentRequest(); r.appointmentId = id
                _ = try await harness.appointments.confirmAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_CheckInAppointmentRequest(); r.appointmentId = id
                _ = try await harness.appointments.checkInAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_MarkNoShowRequest(); r.appointmentId = id
                _ = try await harness.appointments.markNoShow(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_CompleteAppointmentRequest(); r.appointmentId = id
                _ = try await harness.appointments.completeAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_RescheduleAppointmentRequest(); r.appointmentId = id
                r.startTime = Fixtures.timestamp(Self.monday9.addingTimeInterval(1800))
                _ = try await harness.appointments.rescheduleAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_BookAppointmentRequest(); r.doctorId = doctor.id; r.patientId = patient
                r.startTime = Fixtures.timestamp(Self.monday9.addingTimeInterval(3600))
                _ = try await harness.appointments.bookAppointment(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_ListDoctorAppointmentsRequest(); r.doctorId = doctor.id
                r.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 24))
                _ = try await harness.appointments.listDoctorAppointments(r, options: intruder)
            }
            await expectError(.notFound) {
                var r = Clinic_Appointments_V1_ListPatientAppointmentsRequest(); r.patientId = patient
                _ = try await harness.appointments.listPatientAppointments(r, options: intruder)
            }
            var list = Clinic_Appointments_V1_ListAppointmentsRequest()
            var interval = Clinic_Common_V1_Interval()
            interval.startTime = Fixtures.timestamp(Self.monday9.addingTimeInterval(-86_400))
            interval.endTime = Fixtures.timestamp(Self.monday9.addingTimeInterval(86_400))
            list.interval = interval
            #expect(try await harness.appointments.listAppointments(list, options: intruder).appointments.isEmpty)

            let stored = try await harness.storedAppointments(clinicA)
            #expect(stored.map(\.status) == ["booked"])
            #expect(stored.first?.id == id)
        }
    }

    @Test("a patient reaches only their own appointments, and only in clinics they are linked to")
    func patients() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let alice = try await harness.signUp()
            let bob = try await harness.signUp()
            let stranger = try await harness.signUp()
            let alices = try await harness.book(doctor, at: Self.monday9, as: alice)
            _ = try await harness.book(doctor, at: Self.monday9.addingTimeInterval(1800), as: bob)

            var get = Clinic_Appointments_V1_GetAppointmentRequest()
            get.appointmentId = alices.id
            get.clinicId = clinic
            #expect(try await harness.appointments.getAppointment(get, options: alice.options).id == alices.id)
            await expectError(.notFound) { _ = try await harness.appointments.getAppointment(get, options: bob.options) }
            await expectError(.permissionDenied) { _ = try await harness.appointments.getAppointment(get, options: stranger.options) }
            var cancel = Clinic_Appointments_V1_CancelAppointmentRequest()
            cancel.appointmentId = alices.id
            cancel.clinicId = clinic
            cancel.reason = .patientRequest
            await expectError(.notFound) { _ = try await harness.appointments.cancelAppointment(cancel, options: bob.options) }
            // A patient books for themself: a patient_id naming someone else is ignored.
            let booked = try await harness.book(doctor, at: Self.monday9.addingTimeInterval(3600), as: bob) { $0.patientId = alices.patientId }
            #expect(booked.patientId != alices.patientId)
            #expect(try await harness.appointments.getAppointment(get, options: alice.options).status == .booked)
        }
    }

    @Test("each method's roles are enforced before anything is read")
    func roles() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let patient = try await harness.signUp()
            let appointment = try await harness.book(doctor, at: Self.monday9, as: patient)
            var confirm = Clinic_Appointments_V1_ConfirmAppointmentRequest()
            confirm.appointmentId = appointment.id
            await expectError(.permissionDenied) { _ = try await harness.appointments.confirmAppointment(confirm, options: patient.options) }
            await expectError(.unauthenticated) { _ = try await harness.appointments.confirmAppointment(confirm) }
            var day = Clinic_Appointments_V1_ListDoctorAppointmentsRequest()
            day.doctorId = doctor.id
            day.dateRange = Fixtures.range((2025, 3, 24), (2025, 3, 24))
            await expectError(.permissionDenied) { _ = try await harness.appointments.listDoctorAppointments(day, options: patient.options) }
            await expectError(.permissionDenied) { _ = try await harness.appointments.listDoctorAppointments(day, options: try harness.superAdmin) }
            var list = Clinic_Appointments_V1_ListAppointmentsRequest()
            list.clinicId = clinic
            await expectError(.permissionDenied) { _ = try await harness.appointments.listAppointments(list, options: patient.options) }
        }
    }
}
