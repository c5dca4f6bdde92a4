package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension AppointmentsService {
    package func bookAppointment(
        request: Clinic_Appointments_V1_BookAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let start = try RequestCheck.instant(request.startTime, field: "start_time")
        if !caller.actsAsPatient, request.patientId.isEmpty {
            throw RequestCheck.invalid("patient_id", "is required when staff book for a patient")
        }
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let clinicID = database.tenant.rawValue
        let callerKey = caller.description
        let requestID = request.requestId
        let requestTime = now()
        if !requestID.isEmpty, let earlier = try await database.read("the booking", { db in
            try BookingRequests.find(caller: callerKey, requestID: requestID, now: requestTime, db)
        }) {
            return try Self.visible(earlier, to: caller).proto(clinicID: clinicID)
        }

        let clinic = try await schedules.clinic(clinicID)
        let (doctorID, doctor) = try await schedules.doctor(request.doctorId, clinicID: clinicID)
        let specialty = try Self.specialty(request.specialtyCode, of: doctor, field: "specialty_code")
        let now = now()
        let slot = try await bookableSlot(
            doctorID: doctorID, doctor: doctor, start: start, clinic: clinic, clinicID: clinicID, caller: caller, now: now)
        // Every check that can refuse the booking runs before the patient is resolved: resolving a
        // calling patient links them to the clinic, and a refused booking must change nothing there.
        // The transaction below checks the slot again (and the unique index decides races).
        if try await database.read("the slot", { db in
            try AppointmentStore.slotIsTaken(doctorID: doctorID, span: slot, excluding: nil, db)
        }) {
            throw RPCError.slotTaken
        }
        let patient = try await bookedPatient(request, caller: caller, context: context, clinicID: clinicID)

        let record = AppointmentRecord(
            id: AppointmentID.make(), patientID: patient.id, patientAccountID: patient.accountID,
            patientName: patient.displayName, doctorID: doctorID, doctorAccountID: doctor.accountID,
            doctorName: doctor.displayName, specialtyCode: specialty, clinicName: clinic.displayName,
            timeZone: clinic.timeZoneID, start: slot.start, end: slot.end,
            status: AppointmentLifecycle.initialStatus(bookedByPatient: caller.actsAsPatient, policy: clinic.policy),
            reasonForVisit: request.reasonForVisit, bookedOnline: caller.actsAsPatient,
            booker: caller.actor(for: context.method), cancellation: nil, confirmedAt: nil, checkedInAt: nil,
            completedAt: nil, noShowAt: nil, rescheduleCount: 0, originalStart: nil, consultationID: "", createdAt: now,
            updatedAt: now, version: 1)
        var booked = record
        if booked.status == .booked { booked.confirmedAt = now }
        let envelope = envelope(context, clinicID: clinicID, caller: caller, at: now)
        let stored = try await write(database, "the appointment") { [booked] db -> AppointmentRecord in
            // A retry that raced the first attempt finds it here, inside the lock.
            if !requestID.isEmpty, let earlier = try BookingRequests.find(caller: callerKey, requestID: requestID, now: now, db) {
                return earlier
            }
            if try AppointmentStore.slotIsTaken(doctorID: doctorID, span: booked.span, excluding: nil, db) {
                throw RPCError.slotTaken
            }
            // The unique index is what makes this safe under concurrency; the check above only
            // catches overlaps between slots of different lengths.
            try AppointmentStore.insert(booked, db)
            if !requestID.isEmpty {
                try BookingRequests.record(caller: callerKey, requestID: requestID, appointmentID: booked.id, now: now, db)
            }
            var payload = Clinic_Events_V1_AppointmentBooked()
            payload.appointment = booked.proto(clinicID: clinicID)
            payload.patientAccountId = booked.patientAccountID
            payload.doctorAccountId = booked.doctorAccountID
            try AppointmentsOutbox.append(.appointmentBooked(payload), appointmentID: booked.id, envelope: envelope, db)
            return booked
        }
        context.logger.info(
            "appointment booked",
            metadata: ["appointments.id": "\(stored.id)", "appointments.doctor": "\(doctorID)", "auth.by": "\(caller)"])
        return stored.proto(clinicID: clinicID)
    }

    package func rescheduleAppointment(
        request: Clinic_Appointments_V1_RescheduleAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let start = try RequestCheck.instant(request.startTime, field: "start_time")
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let clinicID = database.tenant.rawValue
        let appointmentID = request.appointmentId
        let current = try Self.visible(
            try await database.read("the appointment") { db in try AppointmentStore.find(id: appointmentID, db) }, to: caller)
        try Self.checkEtag(request.etag, current)
        let now = now()
        if case .failure(let refusal) = AppointmentLifecycle(status: current.status).outcome(of: .reschedule, now: now, start: current.start) {
            throw RPCError.precondition(refusal.message)
        }
        let targetDoctorID = request.doctorId.isEmpty ? current.doctorID : request.doctorId
        // A retry of a reschedule that went through finds the appointment where it asked for.
        if targetDoctorID == current.doctorID, start == current.start { return current.proto(clinicID: clinicID) }

        let clinic = try await schedules.clinic(clinicID)
        if caller.actsAsPatient { try Self.checkNotice(current, policy: clinic.policy, now: now, action: "rescheduled") }
        let (doctorID, doctor) = try await schedules.doctor(targetDoctorID, clinicID: clinicID)
        let slot = try await bookableSlot(
            doctorID: doctorID, doctor: doctor, start: start, clinic: clinic, clinicID: clinicID, caller: caller, now: now)
        let specialty = doctor.specialtyCodes.contains(current.specialtyCode) ? current.specialtyCode : (doctor.specialtyCodes.first ?? "")
        let envelope = envelope(context, clinicID: clinicID, caller: caller, at: now)
        let moved = try await write(database, "the appointment") { db -> AppointmentRecord in
            guard var record = try AppointmentStore.find(id: appointmentID, db) else { throw RPCError.appointmentNotFound }
            // Changed between the checks above and this transaction: let the caller look again.
            guard record.version == current.version else { throw RPCError.staleEtag }
            if try AppointmentStore.slotIsTaken(doctorID: doctorID, span: slot, excluding: record.id, db) {
                throw RPCError.slotTaken
            }
            let (previousStart, previousDoctor) = (record.start, record.doctorID)
            record.originalStart = record.originalStart ?? record.start
            record.start = slot.start
            record.end = slot.end
            record.doctorID = doctorID
            record.doctorAccountID = doctor.accountID
            record.doctorName = doctor.displayName
            record.specialtyCode = specialty
            record.rescheduleCount += 1
            record.touch(now)
            // Moving the row frees the old slot and takes the new one in one statement.
            try AppointmentStore.update(record, db)
            var payload = Clinic_Events_V1_AppointmentRescheduled()
            payload.appointment = record.proto(clinicID: clinicID)
            payload.previousStartTime = .init(date: previousStart)
            payload.previousDoctorId = previousDoctor
            payload.patientAccountId = record.patientAccountID
            payload.doctorAccountId = record.doctorAccountID
            try AppointmentsOutbox.append(.appointmentRescheduled(payload), appointmentID: record.id, envelope: envelope, db)
            return record
        }
        return moved.proto(clinicID: clinicID)
    }

    // MARK: Steps

    /// The patient a booking is for: the calling patient (linked to the clinic first if needed),
    /// or the active patient staff named.
    private func bookedPatient(
        _ request: Clinic_Appointments_V1_BookAppointmentRequest, caller: Principal, context: ServerContext, clinicID: String
    ) async throws -> PatientDirectory.PatientSummary {
        var patientID = request.patientId
        if caller.actsAsPatient, let accountID = caller.accountID {
            if let linked = try await patients.patientID(accountID: accountID, clinicID: clinicID) {
                patientID = linked
            } else {
                guard let authorization = context.requestMetadata["authorization"] else {
                    throw RPCError(code: .unauthenticated, message: "an access token is required")
                }
                patientID = try await patients.linkCaller(to: clinicID, authorization: authorization)
            }
        }
        let patient = try await patients.patient(patientID, clinicID: clinicID)
        guard patient.isActive else { throw RPCError.precondition("patient_id: the patient is archived") }
        return patient
    }

    /// The slot `caller` may book with `doctor` at `start` (bookings aside, the transaction checks
    /// those): an active doctor, online booking open for patients, within the caller's booking
    /// window, and exactly the start of one of the doctor's offered slots (`failed_precondition` otherwise).
    func bookableSlot(
        doctorID: String, doctor: DoctorProfile, start: Date, clinic: ClinicCalendar, clinicID: String, caller: Principal,
        now: Date
    ) async throws -> TimeSpan {
        guard doctor.isActive else { throw RPCError.precondition("doctor_id: the doctor no longer works in this clinic") }
        if caller.actsAsPatient {
            guard clinic.policy.onlineBookingEnabled, doctor.onlineBookingEnabled else {
                throw RPCError.precondition("online booking is not open for this doctor")
            }
        }
        let window = caller.actsAsPatient ? BookingWindow.patient(now: now, policy: clinic.policy) : .staff(now: now)
        guard window.allows(start) else {
            throw RPCError.notAFreeSlot("is outside the period in which this appointment can be booked")
        }
        guard let slot = try await offeredSlot(doctorID: doctorID, start: start, clinic: clinic, clinicID: clinicID)
        else { throw RPCError.notAFreeSlot() }
        return slot
    }

    /// The slot of `doctor` starting exactly at `start`, if the doctor offers one (bookings aside):
    /// one of the doctor's schedule's slots, as the free-slot search offers them.
    func offeredSlot(doctorID: String, start: Date, clinic: ClinicCalendar, clinicID: String) async throws -> TimeSpan? {
        let days = SlotCalculator.daysAround(start, calendar: clinic.calendar)
        let offered = try await schedules.offeredSlots(doctorID: doctorID, clinicID: clinicID, days: days)
        return SlotCalculator.slot(startingAt: start, in: offered)
    }

    /// The specialty of a booking: `requested` when it is one of the doctor's, the doctor's first when empty.
    static func specialty(_ requested: String, of doctor: DoctorProfile, field: String) throws(RPCError) -> String {
        guard !requested.isEmpty else { return doctor.specialtyCodes.first ?? "" }
        guard doctor.specialtyCodes.contains(requested) else {
            throw RequestCheck.invalid(field, "is not one of the doctor's specialties")
        }
        return requested
    }

    /// `aborted` when `etag` is set and is not `record`'s.
    static func checkEtag(_ etag: String, _ record: AppointmentRecord) throws(RPCError) {
        guard etag.isEmpty || etag == record.etag else { throw RPCError.staleEtag }
    }

    /// Patients may change an appointment only until the clinic's cancellation notice.
    static func checkNotice(_ record: AppointmentRecord, policy: BookingPolicy, now: Date, action: String) throws(RPCError) {
        guard now.addingTimeInterval(policy.cancellationNoticeSeconds) <= record.start else {
            throw RPCError.precondition("the appointment can no longer be \(action) online; please call the clinic")
        }
    }
}
