package import ClinicAPI
import Foundation
import Logging
import Platform
package import RPCCore
import Storage

/// SetClinicAccess: the clinics service turns a clinic's staff logins off when the clinic is
/// deleted and on again when it is undeleted (see docs/AUTH.md, "Deleted clinics").
///
/// The change and the revocation of the staff's sessions are one transaction. Requests carry the
/// clinic's version as `generation`; an older one than the stored one is overtaken and changes
/// nothing, so the clinics service can retry (after a restart too) without undoing a newer change.
extension AuthService {
    package func setClinicAccess(
        request: Clinic_Auth_V1_SetClinicAccessRequest, context: ServerContext
    ) async throws -> Clinic_Auth_V1_SetClinicAccessResponse {
        let caller = try context.requirePrincipal()
        // The policy admits every platform service; only the one that owns clinics may do this.
        guard caller.serviceName == "clinics" else {
            throw RPCError(code: .permissionDenied, message: "only the clinics service sets a clinic's access")
        }
        let wanted = ClinicAccessRecord(clinicID: request.clinicId, enabled: request.enabled, generation: request.generation)
        let now = configuration.now()
        let (inForce, revoked) = try await database.write("the clinic's access") { db -> (ClinicAccessRecord, Int) in
            if let current = try ClinicAccessStore.find(clinicID: wanted.clinicID, db), current.generation > wanted.generation {
                return (current, 0)
            }
            try ClinicAccessStore.save(wanted, now: now, db)
            let revoked = wanted.enabled ? 0 : try ClinicAccessStore.revokeSessions(clinicID: wanted.clinicID, now: now, db)
            return (wanted, revoked)
        }
        context.logger.info(
            "clinic access set",
            metadata: [
                "auth.clinic": "\(inForce.clinicID)", "auth.enabled": "\(inForce.enabled)",
                "auth.generation": "\(inForce.generation)", "auth.revoked_sessions": "\(revoked)",
            ])
        var response = Clinic_Auth_V1_SetClinicAccessResponse()
        response.clinicId = inForce.clinicID
        response.enabled = inForce.enabled
        response.generation = inForce.generation
        response.revokedSessions = Int32(clamping: revoked)
        return response
    }
}
