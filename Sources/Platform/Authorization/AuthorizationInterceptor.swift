import Logging
package import RPCCore
import Storage

/// Enforces every method's `MethodPolicy` (from its descriptor, i.e. the `.proto`) in one place,
/// before the handler runs, and gives the handler a typed caller:
///
/// 1. reads the bearer token (`authorization: Bearer …`) and the caller's mTLS service identity;
/// 2. verifies the token locally (`AccessTokenVerifier`, no call to the auth service);
/// 3. applies the policy (`AccessControl`): public, internal, roles;
/// 4. puts the `Principal` into the context and, for a `tenant_scoped` method, the caller's tenant
///    database (the token's tenant) or what resolves it from the request's `clinic_id`.
///
/// Handlers read them with `context.principal`, `context.tenant` and
/// `try await context.tenantDatabase(clinicID:)`.
package struct AuthorizationInterceptor: ServerInterceptor {
    private let verifier: AccessTokenVerifier
    private let trust: ServiceTrust
    private let tenants: TenantDatabases?

    /// An interceptor verifying tokens with `verifier`, trusting `trust` as services, and serving
    /// tenant-scoped methods from `tenants` (required if the server has any).
    package init(verifier: AccessTokenVerifier, trust: ServiceTrust = .platformServices, tenants: TenantDatabases? = nil) {
        self.verifier = verifier
        self.trust = trust
        self.tenants = tenants
    }

    package func intercept(context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        let policy = context.method.policy
        let credentials = CallCredentials(metadata: context.requestMetadata, peer: context.peer, trust: trust)
        let token: TokenCheck
        if policy.isInternal, credentials.service != nil {
            token = .absent  // The peer alone decides; the token would not be looked at.
        } else {
            token = await check(credentials.bearer)
        }
        let principal: Principal?
        switch AccessControl.decide(
            policy: policy, method: context.method.fullName, token: token, service: credentials.service)
        {
        case .deny(let error):
            var metadata: Logger.Metadata = ["rpc.code": "\(error.code)"]
            if case .refused(let reason) = token { metadata["auth.token"] = "\(reason.code)" }
            context.logger.info("call refused by its policy", metadata: metadata)
            throw error
        case .allow(let allowed):
            principal = allowed
        }
        var context = context
        context.attributes[PrincipalKey.self] = principal
        if let principal {
            // Ids only (see docs/AUTH.md): never tokens, names or e-mails.
            context.logger[metadataKey: "auth.principal"] = "\(principal)"
            if let tenant = principal.tenant { context.logger[metadataKey: "auth.tenant"] = "\(tenant)" }
        }
        if policy.isTenantScoped {
            context.attributes[TenantAccessKey.self] = try await tenantAccess(for: principal, method: context.method)
        }
        try await next(context)
    }

    private func check(_ bearer: CallCredentials.Bearer) async -> TokenCheck {
        switch bearer {
        case .absent:
            return .absent
        case .malformed:
            return .refused(TokenError(.malformed, "authorization metadata is not one `Bearer <token>` value"))
        case .token(let token):
            do {
                return .verified(try await verifier.verify(token.value))
            } catch {
                return .refused(error)
            }
        }
    }

    private func tenantAccess(for principal: Principal?, method: MethodDescriptor) async throws -> TenantAccess {
        guard let tenants else {
            throw RPCError(code: .internal, message: "\(method.fullName) is tenant scoped but the server has no tenant databases")
        }
        var tokenDatabase: TenantDatabase?
        if let tenant = principal?.tenant {
            try await tenants.admission.requireOpen(tenant)
            do {
                tokenDatabase = try await tenants.pool.database(for: tenant)
            } catch {
                throw RPCError(storage: error, what: "the clinic's database")
            }
        }
        return TenantAccess(
            principal: principal, method: method, pool: tenants.pool, admission: tenants.admission,
            tokenDatabase: tokenDatabase)
    }
}

/// The verified caller in `ServerContext.attributes`.
enum PrincipalKey: ContextKey {
    typealias Value = Principal
}

/// The tenant access of a tenant-scoped call in `ServerContext.attributes`.
enum TenantAccessKey: ContextKey {
    typealias Value = TenantAccess
}
