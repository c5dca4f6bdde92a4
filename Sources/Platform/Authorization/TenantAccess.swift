import ProtoRuntime
import RPCCore
package import Storage

/// The tenant side of a tenant-scoped call, as the authorization interceptor leaves it in the
/// context: the token's clinic database when the token has a tenant, otherwise what it takes to
/// resolve (and admit) the clinic the request names.
package struct TenantAccess: Sendable {
    /// The verified caller (nil: anonymous caller of a public method).
    let principal: Principal?
    let method: MethodDescriptor
    let pool: TenantDatabasePool
    let admission: any TenantAdmission
    /// The database of the token's tenant, opened when the call started.
    let tokenDatabase: TenantDatabase?

    /// The database of the caller's clinic. `requestedClinicID` is the request's top-level
    /// `clinic_id` field: for a caller whose token has a tenant it must be empty or that tenant
    /// (else permission_denied); for anyone else it is required and the caller must be admitted.
    func database(requestedClinicID: String) async throws -> TenantDatabase {
        if let tokenDatabase {
            guard requestedClinicID.isEmpty || requestedClinicID == tokenDatabase.tenant.rawValue else {
                throw RPCError.permissionDenied("clinic_id: must be empty or the caller's own clinic")
            }
            return tokenDatabase
        }
        guard !requestedClinicID.isEmpty else {
            throw RPCError(invalidArgument: ValidationError(fieldPath: "clinic_id", reason: "is required for this caller"))
        }
        let tenant: TenantID
        do {
            tenant = try TenantID(requestedClinicID)
        } catch {
            throw RPCError(invalidArgument: ValidationError(fieldPath: "clinic_id", reason: "is not a valid id"))
        }
        try await admission.admit(principal, to: tenant, method: method)
        do {
            return try await pool.database(for: tenant)
        } catch {
            throw RPCError(storage: error, what: "the clinic's database")
        }
    }
}

/// How a tenant-scoped service reaches tenant databases: its pool and its admission rule.
package struct TenantDatabases: Sendable {
    /// The service's per-tenant databases.
    package let pool: TenantDatabasePool
    /// Who may act in a clinic named by the request.
    package let admission: any TenantAdmission

    /// Makes the pair.
    package init(pool: TenantDatabasePool, admission: any TenantAdmission) {
        self.pool = pool
        self.admission = admission
    }
}
