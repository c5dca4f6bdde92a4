package import RPCCore
package import Storage

/// Decides whether a caller whose token has no tenant (super admin, patient, service, anonymous
/// caller of a public method) may act in the clinic it names in the request's `clinic_id`.
///
/// Callers with a tenant in their token (clinic admins, doctors) never get here: their tenant is
/// the token's, whatever the request says.
package protocol TenantAdmission: Sendable {
    /// Returns if `principal` (nil: anonymous) may act in `tenant` for `method`; otherwise throws
    /// an `RPCError` (`not_found` for a clinic that does not exist, `permission_denied`).
    func admit(_ principal: Principal?, to tenant: TenantID, method: MethodDescriptor) async throws

    /// Returns if `tenant`, the clinic in a caller's token (a clinic admin's, a doctor's), is
    /// still open; throws `RPCError.clinicClosed` for a deleted clinic. Tokens are verified
    /// locally and live up to their lifetime, so this is what ends a deleted clinic's staff
    /// access at once (within the service's clinic cache lifetime) rather than at token expiry.
    func requireOpen(_ tenant: TenantID) async throws
}

extension RPCError {
    /// The clinic of the caller's token was deleted (its staff can no longer log in either).
    package static let clinicClosed = RPCError(
        code: .unauthenticated, message: "the clinic of this login was deleted; its staff access has ended")
}

/// Which clinics exist (so a request naming an unknown clinic is `not_found` and never creates a
/// database file for it).
package protocol TenantDirectory: Sendable {
    /// Whether `tenant` is an existing clinic.
    func contains(_ tenant: TenantID) async throws -> Bool
}

/// A fixed list of clinics (tests; a service that learns clinics some other way).
package struct FixedTenantDirectory: TenantDirectory {
    /// The clinics.
    package var tenants: Set<TenantID>

    /// A directory of `tenants`.
    package init(_ tenants: Set<TenantID>) { self.tenants = tenants }

    package func contains(_ tenant: TenantID) async throws -> Bool { tenants.contains(tenant) }
}

/// The platform's rule (clinic/options/v1/options.proto, `tenant_scoped`): the clinic must exist;
/// services, super admins and anonymous callers of public methods may then act there; a patient
/// only in a clinic they are linked to (`patientLinks`, answered by the patients service; without
/// it patients are refused); anyone else is refused.
package struct StandardTenantAdmission: TenantAdmission {
    /// Whether patient `accountID` is linked to clinic `tenant`.
    package typealias PatientLinks = @Sendable (_ accountID: String, _ tenant: TenantID) async throws -> Bool

    private let clinics: any TenantDirectory
    private let patientLinks: PatientLinks?

    /// The rule over `clinics`, with `patientLinks` to admit patients.
    package init(clinics: any TenantDirectory, patientLinks: PatientLinks? = nil) {
        self.clinics = clinics
        self.patientLinks = patientLinks
    }

    package func admit(_ principal: Principal?, to tenant: TenantID, method: MethodDescriptor) async throws {
        guard try await clinics.contains(tenant) else {
            throw RPCError(code: .notFound, message: "clinic \(tenant) not found")
        }
        guard let principal else { return }  // Only public methods let anonymous callers this far.
        if principal.kind == .service || principal.has(.superAdmin) { return }
        if principal.has(.patient), let accountID = principal.accountID, let patientLinks,
            try await patientLinks(accountID, tenant)
        {
            return
        }
        throw RPCError.permissionDenied("the caller may not act in clinic \(tenant)")
    }

    package func requireOpen(_ tenant: TenantID) async throws {
        guard try await clinics.contains(tenant) else { throw RPCError.clinicClosed }
    }
}
