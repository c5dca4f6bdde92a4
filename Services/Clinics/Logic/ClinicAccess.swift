import Platform
import RPCCore

/// Who may see and change which clinic. Pure: the handlers load the record and ask.
///
/// - A clinic being created is invisible to everyone (`not_found`).
/// - A deleted clinic is visible to the super admin only (`not_found` for anyone else).
/// - The super admin changes any clinic; a clinic admin only the clinic of their token's tenant
///   (`permission_denied` for another one, as clinics.proto says).
enum ClinicAccess {
    /// Whether `caller` (nil: anonymous) may read `record`.
    static func canRead(_ caller: Principal?, _ record: ClinicRecord) -> Bool {
        switch record.status {
        case .provisioning: false
        case .active: true
        case .deleted: caller?.has(.superAdmin) == true
        }
    }

    /// Checks that `caller` may update `record` (which `canRead` allowed).
    static func checkUpdate(_ caller: Principal, _ record: ClinicRecord) throws(RPCError) {
        if caller.has(.superAdmin) {
            guard record.status == .active else {
                throw RPCError(code: .failedPrecondition, message: "the clinic is deleted; undelete it first")
            }
            return
        }
        guard caller.has(.clinicAdmin), caller.tenant?.rawValue == record.id else {
            throw RPCError(code: .permissionDenied, message: "clinic_id: clinic admins may change their own clinic only")
        }
    }

    /// Whether `caller` may list deleted clinics.
    static func mayShowDeleted(_ caller: Principal?) -> Bool {
        caller?.has(.superAdmin) == true
    }
}

extension RPCError {
    /// A clinic the caller may not see, or that does not exist: the answer is the same.
    static let clinicNotFound = RPCError(code: .notFound, message: "clinic not found")
    /// The request's etag is not the clinic's current one.
    static let staleClinicEtag = RPCError(code: .aborted, message: "etag: the clinic changed since it was read; read it again")
}
