package import RPCCore
package import Storage

extension ServerContext {
    /// The verified caller: an account (token) or a platform service (mTLS); nil only for an
    /// anonymous caller of a public method.
    package var principal: Principal? { attributes[PrincipalKey.self] }

    /// The verified caller, or `unauthenticated` (for handlers of public methods that need one).
    package func requirePrincipal() throws(RPCError) -> Principal {
        guard let principal else { throw RPCError(code: .unauthenticated, message: "an access token is required") }
        return principal
    }

    /// The caller's own clinic, from its token (`tenant` claim): clinic admins and doctors have
    /// one; super admins, patients and services do not.
    package var tenant: TenantID? { principal?.tenant }

    /// The database of the clinic this call acts in — the caller's own tenant, and nothing else.
    ///
    /// Pass the request's top-level `clinic_id` (empty if the request has none). A caller whose
    /// token has a tenant gets that tenant's database (a different non-empty `clinic_id` is
    /// `permission_denied`). Any other caller must name the clinic, which must exist and admit
    /// them (see `StandardTenantAdmission`). Only for methods declared `tenant_scoped`.
    package func tenantDatabase(clinicID: String = "") async throws -> TenantDatabase {
        guard let access = attributes[TenantAccessKey.self] else {
            throw RPCError(code: .internal, message: "\(method.fullName) is not tenant scoped: it has no tenant database")
        }
        return try await access.database(requestedClinicID: clinicID)
    }
}
