import ClinicAPI
import Platform
import RPCCore
import Storage

/// Who may act in a clinic named by a request's `clinic_id` (callers whose token has no tenant):
/// the clinic must exist; services may act anywhere; a patient in the clinics their account is
/// linked to (this service's own clinic links), and in any clinic to link themself to it.
struct PatientsAdmission: TenantAdmission {
    let clinics: ClinicLookup
    let storage: PatientsStorage
    /// Clinics found open, for `requireOpen` (every staff call asks; deleted ones are not kept).
    let openClinics: ExpiringCache<String, Bool>

    func admit(_ principal: Principal?, to tenant: TenantID, method: MethodDescriptor) async throws {
        guard let clinic = try await clinics.clinic(tenant.rawValue), clinic.isActive else {
            throw RPCError(code: .notFound, message: "clinic \(tenant) not found")
        }
        guard let principal else {
            throw RPCError(code: .unauthenticated, message: "an access token is required")
        }
        if principal.kind == .service { return }
        if principal.has(.patient), let accountID = principal.accountID {
            if method.fullName == Clinic_Patients_V1_PatientService.Method.LinkPatientToClinic.descriptor.fullName { return }
            if try await storage.link(accountID: accountID, clinicID: tenant.rawValue) != nil { return }
        }
        throw RPCError(code: .permissionDenied, message: "the caller may not act in clinic \(tenant)")
    }

    func requireOpen(_ tenant: TenantID) async throws {
        let clinics = self.clinics
        let open = try await openClinics.value(for: tenant.rawValue) {
            guard let clinic = try await clinics.clinic(tenant.rawValue), clinic.isActive else { return nil }
            return true
        }
        guard open == true else { throw RPCError.clinicClosed }
    }
}
