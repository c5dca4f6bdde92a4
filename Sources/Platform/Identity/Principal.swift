package import Storage

/// Who is calling, once authenticated: an account (from a verified access token) or a platform
/// service (from its verified mTLS certificate).
package struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// What kind of caller this is.
    package enum Kind: Sendable, Hashable {
        /// A person's account; `subject` is the account id.
        case account
        /// A platform service; `subject` is its name (`doctors` for `spiffe://clinic/doctors`).
        case service
    }

    /// Account or service.
    package let kind: Kind
    /// The account id (`sub` claim) or the service name.
    package let subject: String
    /// The roles the caller acts in (a service has exactly `service`).
    package let roles: Set<Role>
    /// The clinic a clinic admin or doctor works in (`tenant` claim); nil for super admins,
    /// patients and services.
    package let tenant: TenantID?
    /// The login session the access token belongs to (`sid` claim), for logout.
    package let sessionID: String?

    /// An account principal, as a verified access token describes it.
    package init(accountID: String, roles: Set<Role>, tenant: TenantID?, sessionID: String? = nil) {
        self.kind = .account
        self.subject = accountID
        self.roles = roles
        self.tenant = tenant
        self.sessionID = sessionID
    }

    /// A platform service principal.
    package init(service name: String) {
        self.kind = .service
        self.subject = name
        self.roles = [.service]
        self.tenant = nil
        self.sessionID = nil
    }

    /// The account id, for account principals.
    package var accountID: String? { kind == .account ? subject : nil }

    /// The service name, for service principals.
    package var serviceName: String? { kind == .service ? subject : nil }

    /// Whether the caller acts in `role`.
    package func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether the caller acts in any of `roles` (policy role names, as `MethodPolicy` has them).
    package func hasAny(of roleNames: Set<String>) -> Bool {
        roles.contains { roleNames.contains($0.rawValue) }
    }

    // Ids only: never a name, e-mail or token (see docs/AUTH.md, logging).
    package var description: String {
        switch kind {
        case .account: "account \(subject)"
        case .service: "service \(subject)"
        }
    }
}
