package import ClinicAPI
import Foundation
import Platform
package import RPCCore
import Storage

extension AppointmentsService {
    package func cancelAppointment(
        request: Clinic_Appointments_V1_CancelAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        guard request.reason != .unspecified else { throw RequestCheck.invalid("reason", "is required") }
        let note = request.note.trimmingCharacters(in: .whitespacesAndNewlines)
        if request.reason == .other, note.isEmpty {
            throw RequestCheck.invalid("note", "is required when the reason is CANCELLATION_REASON_OTHER")
        }
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let notice: BookingPolicy? = caller.actsAsPatient ? try await schedules.clinic(database.tenant.rawValue).policy : nil
        let reason = request.reason
        let canceller = caller.actor(for: context.method)
        return try await transition(
            .cancel, appointmentID: request.appointmentId, etag: request.etag, database: database, caller: caller,
            context: context
        ) { record, now in
            if let notice { try Self.checkNotice(record, policy: notice, now: now, action: "cancelled") }
            var cancellation = Clinic_Appointments_V1_Cancellation()
            cancellation.reason = reason
            cancellation.note = note
            cancellation.canceller = canceller
            cancellation.cancelTime = .init(date: now)
            record.cancellation = cancellation
        }
    }

    package func confirmAppointment(
        request: Clinic_Appointments_V1_ConfirmAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        return try await transition(
            .confirm, appointmentID: request.appointmentId, etag: request.etag, database: database, caller: caller,
            context: context
        ) { record, now in record.confirmedAt = now }
    }

    package func checkInAppointment(
        request: Clinic_Appointments_V1_CheckInAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        return try await transition(
            .checkIn, appointmentID: request.appointmentId, etag: request.etag, database: database, caller: caller,
            context: context
        ) { record, now in record.checkedInAt = now }
    }

    package func markNoShow(
        request: Clinic_Appointments_V1_MarkNoShowRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase()
        return try await transition(
            .markNoShow, appointmentID: request.appointmentId, etag: request.etag, database: database, caller: caller,
            context: context
        ) { record, now in record.noShowAt = now }
    }

    package func completeAppointment(
        request: Clinic_Appointments_V1_CompleteAppointmentRequest, context: ServerContext
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let caller = try context.requirePrincipal()
        let database = try await context.tenantDatabase(clinicID: request.clinicId)
        let consultationID = request.consultationId
        return try await transition(
            .complete, appointmentID: request.appointmentId, etag: request.etag, database: database, caller: caller,
            context: context
        ) { record, now in
            record.completedAt = now
            if !consultationID.isEmpty { record.consultationID = consultationID }
        }
    }

    /// Applies `action` to an appointment in one transaction: finds it (as the caller may see it),
    /// checks the etag, asks the life cycle, lets `apply` fill in what the action records, and
    /// writes the row with its event. A repeated action returns the appointment unchanged.
    private func transition(
        _ action: LifecycleAction, appointmentID: String, etag: String, database: TenantDatabase, caller: Principal,
        context: ServerContext, apply: @escaping @Sendable (inout AppointmentRecord, Date) throws -> Void
    ) async throws -> Clinic_Appointments_V1_Appointment {
        let clinicID = database.tenant.rawValue
        let now = now()
        let envelope = envelope(context, clinicID: clinicID, caller: caller, at: now)
        let record = try await write(database, "the appointment") { db -> AppointmentRecord in
            var record = try Self.visible(try AppointmentStore.find(id: appointmentID, db), to: caller)
            try Self.checkEtag(etag, record)
            let previous = record.status
            switch AppointmentLifecycle(status: previous).outcome(of: action, now: now, start: record.start) {
            case .failure(let refusal):
                throw RPCError.precondition(refusal.message)
            case .success(.unchanged):
                return record
            case .success(.moves(let status)):
                try apply(&record, now)
                record.status = status
                record.touch(now)
                try AppointmentStore.update(record, db)
                try Self.appendEvent(for: action, record: record, previous: previous, clinicID: clinicID, envelope: envelope, db)
                return record
            }
        }
        return record.proto(clinicID: clinicID)
    }

    private static func appendEvent(
        for action: LifecycleAction, record: AppointmentRecord, previous: AppointmentStatus, clinicID: String,
        envelope: AppointmentsOutbox.Envelope, _ db: Connection
    ) throws {
        if action == .cancel {
            var payload = Clinic_Events_V1_AppointmentCancelled()
            payload.appointment = record.proto(clinicID: clinicID)
            payload.patientAccountId = record.patientAccountID
            payload.doctorAccountId = record.doctorAccountID
            try AppointmentsOutbox.append(.appointmentCancelled(payload), appointmentID: record.id, envelope: envelope, db)
        } else {
            var payload = Clinic_Events_V1_AppointmentStatusChanged()
            payload.appointment = record.proto(clinicID: clinicID)
            payload.previousStatus = previous.proto
            payload.patientAccountId = record.patientAccountID
            try AppointmentsOutbox.append(.appointmentStatusChanged(payload), appointmentID: record.id, envelope: envelope, db)
        }
    }
}
