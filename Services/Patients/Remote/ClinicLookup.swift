import ClinicAPI
import RPCCore

/// What the patients service reads from the clinics service, through its typed client, as this
/// service (its mTLS identity): whether a clinic exists, and its name for clinic links.
struct ClinicLookup: Sendable {
    /// A clinic as links show it.
    struct ClinicSummary: Sendable, Hashable {
        var displayName: String
        var isActive: Bool
    }

    let clinics: Clinic_Clinics_V1_ClinicService.Client

    /// The clinic, or nil when it does not exist (deleted clinics are not found either).
    func clinic(_ clinicID: String) async throws -> ClinicSummary? {
        var request = Clinic_Clinics_V1_GetClinicRequest()
        request.clinicId = clinicID
        do {
            let clinic = try await clinics.getClinic(request)
            return ClinicSummary(displayName: clinic.displayName, isActive: clinic.state != .deleted)
        } catch let error as RPCError where error.code == .notFound {
            return nil
        } catch let error as RPCError {
            let code: RPCError.Code = [.unavailable, .deadlineExceeded, .cancelled].contains(error.code) ? error.code : .internal
            throw RPCError(code: code, message: "the clinic could not be read (\(error.code))")
        }
    }
}
