@testable import AppointmentsService
import ClinicAPI
import Foundation
import RPCCore
import Testing

@Suite("Booking, rescheduling and cancelling")
struct BookingTests {
    static func utc(_ text: String) -> Date { Fixtures.instant(text) }
    static let monday9 = utc("2025-03-24T08:00:00Z")    // 09:00 in Paris
    static let monday930 = utc("2025-03-24T08:30:00Z")
    static let monday = Fixtures.range((2025, 3, 24), (2025, 3, 24))

    @Test("a patient books a free slot for themself, is linked to the clinic on the way, and the slot is taken")
    func patientBooks() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let patient = try await harness.signUp()
            let appointment = try await harness.book(doctor, at: Self.monday9, as: patient) { $0.reasonForVisit = "persistent cough" }
            #expect(appointment.status == .booked)
            #expect(appointment.channel == .online)
            #expect(appointment.clinicId == clinic && appointment.doctorId == doctor.id)
            #expect(appointment.endTime?.seconds == Int64(Self.monday930.timeIntervalSince1970))
            #expect(appointment.timeZone == "Europe/Paris")
            #expect(appointment.specialtyCode == "general-practice")
            #expect(appointment.patientDisplayName == "Paul Martin" && appointment.doctorDisplayName == "Grégoire House")
            #expect(appointment.clinicDisplayName == "Clinique Santé")
            #expect(appointment.booker?.accountId == patient.accountID && appointment.booker?.role == .patient)
            #expect(appointment.reasonForVisit == "persistent cough")

            let links = try await harness.patients.listPatientClinics(.init(), options: patient.options)
            #expect(links.links.map(\.patientId) == [appointment.patientId])
            #expect(!(try await harness.freeSlots(doctor, Self.monday)).contains(Self.monday9))

            let events = try await harness.service.pendingEvents(clinicID: clinic)
            #expect(events.map(\.eventType) == ["clinic.events.v1.AppointmentBooked"])
            let event = try #require(events.first)
            #expect(event.producer == "appointments" && event.clinicId == clinic && event.sequence == 1)
            guard case .appointmentBooked(let booked)? = event.payload else { Issue.record("not a booking event"); return }
            #expect(booked.appointment == appointment)
            #expect(booked.patientAccountId == patient.accountID && booked.doctorAccountId == doctor.accountID)
        }
    }

    @Test("staff book for a patient; a taken slot is already_exists, a start that is no slot failed_precondition")
    func staffBooksAndConflicts() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let zoe = try await harness.registerPatient("Zoé", "Blanc", in: clinic)
            let first = try await harness.book(doctor, at: Self.monday9, patientID: marie)
            #expect(first.status == .booked && first.channel == .staff && first.booker?.role == .clinicAdmin)

            await expectError(.alreadyExists, field: "start_time") { _ = try await harness.book(doctor, at: Self.monday9, patientID: zoe) }
            await expectError(.failedPrecondition, field: "start_time") {
                _ = try await harness.book(doctor, at: Self.monday9.addingTimeInterval(600), patientID: zoe)
            }
            await expectError(.failedPrecondition, field: "start_time") {   // 13:00 in Paris: outside the windows
                _ = try await harness.book(doctor, at: Self.utc("2025-03-24T12:00:00Z"), patientID: zoe)
            }
            await expectError(.failedPrecondition, field: "start_time") {   // Wednesday last week: in the past
                _ = try await harness.book(doctor, at: Self.utc("2025-03-19T08:00:00Z"), patientID: zoe)
            }
            try await harness.addException(doctor, .timeOff, from: Self.utc("2025-03-25T08:00:00Z"), to: Self.utc("2025-03-25T09:00:00Z"))
            await expectError(.failedPrecondition, field: "start_time") {
                _ = try await harness.book(doctor, at: Self.utc("2025-03-25T08:30:00Z"), patientID: zoe)
            }
            #expect(try await harness.storedAppointments(clinic).count == 1)
        }
    }

    @Test("booking requests are checked, naming the field, and store nothing")
    func bookingValidation() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            await expectError(.invalidArgument, field: "patient_id") { _ = try await harness.book(doctor, at: Self.monday9) }
            await expectError(.invalidArgument, field: "start_time") {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.startTime = nil }
            }
            await expectError(.invalidArgument, field: "doctor_id") {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.doctorId = "" }
            }
            await expectError(.invalidArgument, field: "request_id") {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.requestId = "retry-1" }
            }
            await expectError(.invalidArgument, field: "specialty_code") {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.specialtyCode = "cardiology" }
            }
            await expectError(.invalidArgument, field: "reason_for_visit") {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.reasonForVisit = String(repeating: "x", count: 501) }
            }
            await expectError(.notFound, field: "doctor_id") {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.doctorId = "doc_unknown" }
            }
            await expectError(.notFound, field: "patient_id") { _ = try await harness.book(doctor, at: Self.monday9, patientID: "pat_unknown") }
            await expectError(.permissionDenied) {
                _ = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.clinicId = "another_clinic" }
            }
            await expectError(.unauthenticated) {
                var request = Clinic_Appointments_V1_BookAppointmentRequest()
                request.clinicId = clinic
                request.doctorId = doctor.id
                request.startTime = Fixtures.timestamp(Self.monday9)
                _ = try await harness.appointments.bookAppointment(request)
            }
            #expect(try await harness.storedAppointments(clinic).isEmpty)
            #expect(try await harness.service.pendingEvents(clinicID: clinic).isEmpty)
        }
    }

    @Test("lifecycle and read requests are checked too")
    func otherValidation() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let admin = try harness.admin(clinic)
            var reschedule = Clinic_Appointments_V1_RescheduleAppointmentRequest()
            reschedule.appointmentId = "apt_unknown"
            await expectError(.invalidArgument, field: "start_time") { _ = try await harness.appointments.rescheduleAppointment(reschedule, options: admin) }
            reschedule.startTime = Fixtures.timestamp(Self.monday9)
            await expectError(.notFound) { _ = try await harness.appointments.rescheduleAppointment(reschedule, options: admin) }
            var get = Clinic_Appointments_V1_GetAppointmentRequest()
            await expectError(.invalidArgument, field: "appointment_id") { _ = try await harness.appointments.getAppointment(get, options: admin) }
            get.appointmentId = "apt/../x"
            await expectError(.invalidArgument, field: "appointment_id") { _ = try await harness.appointments.getAppointment(get, options: admin) }
            get.appointmentId = "apt_unknown"
            await expectError(.notFound) { _ = try await harness.appointments.getAppointment(get, options: admin) }
            var cancel = Clinic_Appointments_V1_CancelAppointmentRequest()
            cancel.appointmentId = "apt_unknown"
            cancel.reason = .UNRECOGNIZED(42)
            await expectError(.invalidArgument, field: "reason") { _ = try await harness.appointments.cancelAppointment(cancel, options: admin) }
            var complete = Clinic_Appointments_V1_CompleteAppointmentRequest()
            complete.appointmentId = "apt_unknown"
            await expectError(.invalidArgument, field: "clinic_id") { _ = try await harness.appointmentsAsService.completeAppointment(complete) }
        }
    }

    @Test("a booking retried with the same request id returns the first booking")
    func idempotentBooking() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let key = UUID().uuidString.lowercased()
            let first = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.requestId = key }
            let retry = try await harness.book(doctor, at: Self.monday9, patientID: marie) { $0.requestId = key }
            #expect(retry == first)
            #expect(try await harness.storedAppointments(clinic).count == 1)
        }
    }

    @Test("cancelling needs a reason, frees the slot, writes its event, and may be repeated")
    func cancel() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let appointment = try await harness.book(doctor, at: Self.monday9, patientID: marie)
            var cancel = Clinic_Appointments_V1_CancelAppointmentRequest()
            cancel.appointmentId = appointment.id
            let admin = try harness.admin(clinic)
            await expectError(.invalidArgument, field: "reason") { _ = try await harness.appointments.cancelAppointment(cancel, options: admin) }
            cancel.reason = .other
            await expectError(.invalidArgument, field: "note") { _ = try await harness.appointments.cancelAppointment(cancel, options: admin) }
            cancel.reason = .doctorUnavailable
            cancel.etag = "7"
            await expectError(.aborted, field: "etag") { _ = try await harness.appointments.cancelAppointment(cancel, options: admin) }
            cancel.etag = appointment.etag
            let cancelled = try await harness.appointments.cancelAppointment(cancel, options: admin)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancellation?.reason == .doctorUnavailable && cancelled.cancellation?.canceller?.role == .clinicAdmin)
            cancel.etag = ""
            #expect(try await harness.appointments.cancelAppointment(cancel, options: admin) == cancelled)

            #expect(try await harness.freeSlots(doctor, Self.monday).contains(Self.monday9))
            let again = try await harness.book(doctor, at: Self.monday9, patientID: marie)
            #expect(again.id != appointment.id)
            let events = try await harness.service.pendingEvents(clinicID: clinic)
            #expect(events.map(\.eventType) == [
                "clinic.events.v1.AppointmentBooked", "clinic.events.v1.AppointmentCancelled", "clinic.events.v1.AppointmentBooked",
            ])
            #expect(events.map(\.sequence) == [1, 2, 3])
        }
    }

    @Test("rescheduling moves the appointment atomically, keeps its id and status, and frees the old slot")
    func reschedule() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let wilson = try await harness.addDoctor("James", "Wilson", to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let zoe = try await harness.registerPatient("Zoé", "Blanc", in: clinic)
            let appointment = try await harness.book(doctor, at: Self.monday9, patientID: marie)
            let other = try await harness.book(doctor, at: Self.utc("2025-03-24T09:00:00Z"), patientID: zoe)
            let admin = try harness.admin(clinic)

            var request = Clinic_Appointments_V1_RescheduleAppointmentRequest()
            request.appointmentId = appointment.id
            request.startTime = Fixtures.timestamp(Self.utc("2025-03-24T09:00:00Z"))
            await expectError(.alreadyExists, field: "start_time") { _ = try await harness.appointments.rescheduleAppointment(request, options: admin) }
            request.startTime = Fixtures.timestamp(Self.utc("2025-03-24T09:05:00Z"))
            await expectError(.failedPrecondition, field: "start_time") { _ = try await harness.appointments.rescheduleAppointment(request, options: admin) }
            #expect(try await harness.storedAppointments(clinic).map(\.start) == [Self.monday9, Self.utc("2025-03-24T09:00:00Z")].map {
                Int64($0.timeIntervalSince1970 * 1000)
            })

            request.startTime = Fixtures.timestamp(Self.monday930)
            request.etag = appointment.etag
            let moved = try await harness.appointments.rescheduleAppointment(request, options: admin)
            #expect(moved.id == appointment.id && moved.status == .booked && moved.rescheduleCount == 1)
            #expect(moved.originalStartTime?.seconds == Int64(Self.monday9.timeIntervalSince1970))
            #expect(try await harness.appointments.rescheduleAppointment({ var r = request; r.etag = ""; return r }(), options: admin) == moved)
            await expectError(.aborted, field: "etag") { _ = try await harness.appointments.rescheduleAppointment(request, options: admin) }
            let free = try await harness.freeSlots(doctor, Self.monday)
            #expect(free.contains(Self.monday9) && !free.contains(Self.monday930))

            request.etag = ""
            request.doctorId = wilson.id
            request.startTime = Fixtures.timestamp(Self.monday9)
            let toWilson = try await harness.appointments.rescheduleAppointment(request, options: admin)
            #expect(toWilson.doctorId == wilson.id && toWilson.doctorDisplayName == "James Wilson" && toWilson.rescheduleCount == 2)

            let events = try await harness.service.pendingEvents(clinicID: clinic)
            guard case .appointmentRescheduled(let payload)? = events.last?.payload else { Issue.record("no reschedule event"); return }
            #expect(payload.previousDoctorId == doctor.id && payload.previousStartTime?.seconds == Int64(Self.monday930.timeIntervalSince1970))
            #expect(events.filter { $0.eventType == "clinic.events.v1.AppointmentRescheduled" }.count == 2)
            _ = other
        }
    }

    @Test("confirm, check in, complete and no-show follow the life cycle")
    func lifecycle() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic { $0.requiresConfirmation = true }
            let doctor = try await harness.addDoctor(to: clinic)
            let patient = try await harness.signUp()
            let proposed = try await harness.book(doctor, at: Self.monday9, as: patient)
            #expect(proposed.status == .proposed && proposed.confirmTime == nil)
            #expect(!(try await harness.freeSlots(doctor, Self.monday, options: try harness.admin(clinic))).contains(Self.monday9))

            let doctorOptions = try harness.options(of: doctor)
            var confirm = Clinic_Appointments_V1_ConfirmAppointmentRequest()
            confirm.appointmentId = proposed.id
            await expectError(.permissionDenied) { _ = try await harness.appointments.confirmAppointment(confirm, options: patient.options) }
            let confirmed = try await harness.appointments.confirmAppointment(confirm, options: doctorOptions)
            #expect(confirmed.status == .booked && confirmed.confirmTime != nil)
            #expect(try await harness.appointments.confirmAppointment(confirm, options: doctorOptions) == confirmed)

            var complete = Clinic_Appointments_V1_CompleteAppointmentRequest()
            complete.appointmentId = proposed.id
            complete.clinicId = clinic
            complete.consultationId = "con_1"
            await expectError(.failedPrecondition) { _ = try await harness.appointmentsAsService.completeAppointment(complete) }
            var checkIn = Clinic_Appointments_V1_CheckInAppointmentRequest()
            checkIn.appointmentId = proposed.id
            let arrived = try await harness.appointments.checkInAppointment(checkIn, options: try harness.admin(clinic))
            #expect(arrived.status == .arrived && arrived.checkInTime != nil)
            let fulfilled = try await harness.appointmentsAsService.completeAppointment(complete)
            #expect(fulfilled.status == .fulfilled && fulfilled.consultationId == "con_1" && fulfilled.completeTime != nil)
            // A fulfilled appointment no longer holds its slot.
            #expect(try await harness.freeSlots(doctor, Self.monday, options: try harness.admin(clinic)).count == 6)

            let second = try await harness.book(doctor, at: Self.monday930, patientID: proposed.patientId)
            var noShow = Clinic_Appointments_V1_MarkNoShowRequest()
            noShow.appointmentId = second.id
            await expectError(.failedPrecondition) { _ = try await harness.appointments.markNoShow(noShow, options: doctorOptions) }
            harness.clock.set(Self.utc("2025-03-24T09:00:00Z"))
            let missed = try await harness.appointments.markNoShow(noShow, options: doctorOptions)
            #expect(missed.status == .noshow && missed.noShowTime != nil)
            checkIn.appointmentId = second.id
            await expectError(.failedPrecondition) { _ = try await harness.appointments.checkInAppointment(checkIn, options: doctorOptions) }

            let kinds = try await harness.service.pendingEvents(clinicID: clinic).map(\.eventType)
            #expect(kinds.filter { $0 == "clinic.events.v1.AppointmentStatusChanged" }.count == 4)
        }
    }

    @Test("patients cancel their own appointments only until the clinic's cancellation notice")
    func cancellationNotice() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic { $0.cancellationNotice = Fixtures.duration(minutes: 24 * 60) }
            let doctor = try await harness.addDoctor(to: clinic)
            let patient = try await harness.signUp()
            let soon = try await harness.book(doctor, at: Self.utc("2025-03-21T08:00:00Z"), as: patient)   // in 20 hours
            let later = try await harness.book(doctor, at: Self.monday9, as: patient)
            var cancel = Clinic_Appointments_V1_CancelAppointmentRequest()
            cancel.clinicId = clinic
            cancel.reason = .patientRequest
            cancel.appointmentId = soon.id
            await expectError(.failedPrecondition) { _ = try await harness.appointments.cancelAppointment(cancel, options: patient.options) }
            cancel.appointmentId = later.id
            #expect(try await harness.appointments.cancelAppointment(cancel, options: patient.options).status == .cancelled)
            cancel.appointmentId = soon.id
            cancel.clinicId = ""
            #expect(try await harness.appointments.cancelAppointment(cancel, options: try harness.admin(clinic)).status == .cancelled)
        }
    }

    @Test("a patient with an upcoming appointment cannot be archived until it is cancelled")
    func archiveWithUpcoming() async throws {
        try await withHarness { harness in
            let clinic = try await harness.createClinic()
            let doctor = try await harness.addDoctor(to: clinic)
            let marie = try await harness.registerPatient(in: clinic)
            let appointment = try await harness.book(doctor, at: Self.monday9, patientID: marie)
            var delete = Clinic_Patients_V1_DeletePatientRequest()
            delete.patientId = marie
            await expectError(.failedPrecondition) { _ = try await harness.patients.deletePatient(delete, options: try harness.admin(clinic)) }
            var cancel = Clinic_Appointments_V1_CancelAppointmentRequest()
            cancel.appointmentId = appointment.id
            cancel.reason = .noLongerNeeded
            _ = try await harness.appointments.cancelAppointment(cancel, options: try harness.admin(clinic))
            #expect(try await harness.patients.deletePatient(delete, options: try harness.admin(clinic)).state == .archived)
            await expectError(.failedPrecondition, field: "patient_id") {
                _ = try await harness.book(doctor, at: Self.monday930, patientID: marie)
            }
        }
    }
}
