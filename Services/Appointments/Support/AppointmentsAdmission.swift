import ClinicAPI
import Platform
import RPCCore
import Storage

/// Who may act in a clinic named by a request's `clinic_id` (callers whose token has no tenant):
/// the platform's rule (`StandardTenantAdmission`), except that a patient may search and book in
/// any existing clinic — booking is how a patient gets linked to a clinic (the handler links them
/// first). Every other method needs the patient to be linked already.
struct AppointmentsAdmission: TenantAdmission {
    let schedules: ScheduleDirectory
    let patients: PatientDirectory

    /// Methods a patient may call in a clinic they are not linked to yet.
    private static let openToUnlinkedPatients: Set<String> = [
        Clinic_Appointments_V1_AppointmentService.Method.SearchFreeSlots.descriptor.fullName,
        Clinic_Appointments_V1_AppointmentService.Method.BookAppointment.descriptor.fullName,
    ]

    func admit(_ principal: Principal?, to tenant: TenantID, method: MethodDescriptor) async throws {
        guard try await schedules.clinicExists(tenant.rawValue) else {
            throw RPCError(code: .notFound, message: "clinic \(tenant) not found")
        }
        guard let principal else { return }  // Only public methods let anonymous callers this far.
        if principal.kind == .service || principal.has(.superAdmin) { return }
        if principal.has(.patient), let accountID = principal.accountID {
            if Self.openToUnlinkedPatients.contains(method.fullName) { return }
            if try await patients.patientID(accountID: accountID, clinicID: tenant.rawValue) != nil { return }
        }
        throw RPCError(code: .permissionDenied, message: "the caller may not act in clinic \(tenant)")
    }

    func requireOpen(_ tenant: TenantID) async throws {
        guard try await schedules.clinicExists(tenant.rawValue) else { throw RPCError.clinicClosed }
    }
}
