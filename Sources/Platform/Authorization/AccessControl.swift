package import RPCCore

/// The one place a method's policy is enforced: who the caller is (token or mTLS service
/// identity) against what the method's `MethodPolicy` allows.
///
/// Pure (no I/O): the interceptor verifies the token first and passes the result in.
///
/// | policy | rule |
/// |---|---|
/// | `public` | anyone; a valid token or a service identity is attached, a bad token is ignored |
/// | `internal` | only a trusted platform service (by mTLS identity); others: unauthenticated if anonymous, else permission_denied |
/// | roles | identity from the token (a bad token is unauthenticated, even from a service), else a trusted service acts as role `service`; the caller's roles must meet the policy's, else permission_denied |
/// | none of these | nobody (permission_denied): fail closed |
package enum AccessControl {
    /// The decision for a call.
    package enum Decision: Sendable {
        /// The call may proceed, as `principal` (nil: an anonymous caller of a public method).
        case allow(Principal?)
        /// The call is refused with this error.
        case deny(RPCError)
    }

    /// Decides whether a caller with `token` (already checked) and trusted `service` identity may
    /// call a method with `policy`.
    package static func decide(policy: MethodPolicy, method: String, token: TokenCheck, service: String?) -> Decision {
        let servicePrincipal = service.map { Principal(service: $0) }
        if policy.isPublic {
            if case .verified(let principal) = token { return .allow(principal) }
            return .allow(servicePrincipal)
        }
        if policy.isInternal {
            if let servicePrincipal { return .allow(servicePrincipal) }
            switch token {
            case .absent: return .deny(.missingCredentials)
            case .refused(let error): return .deny(RPCError(refusedToken: error))
            case .verified: return .deny(.permissionDenied("\(method) may only be called by platform services"))
            }
        }
        let principal: Principal
        switch token {
        case .verified(let verified):
            principal = verified
        case .refused(let error):
            // A service forwarding a user's bad token does not fall back to acting as itself.
            return .deny(RPCError(refusedToken: error))
        case .absent:
            guard let servicePrincipal else { return .deny(.missingCredentials) }
            principal = servicePrincipal
        }
        guard principal.hasAny(of: policy.roles) else {
            return .deny(.permissionDenied("the caller's role may not call \(method)"))
        }
        return .allow(principal)
    }
}

extension RPCError {
    /// No token and no service identity.
    static let missingCredentials = RPCError(code: .unauthenticated, message: "an access token is required")

    /// A permission_denied error.
    static func permissionDenied(_ message: String) -> RPCError {
        RPCError(code: .permissionDenied, message: message)
    }

    /// The answer to a refused token: unauthenticated (unavailable when the keys cannot be had).
    /// Says only "invalid" or "expired": which check failed is for the server's logs.
    init(refusedToken error: TokenError) {
        switch error.code {
        case .keysUnavailable:
            self.init(code: .unavailable, message: "access tokens cannot be verified yet; retry shortly")
        case .expired:
            self.init(code: .unauthenticated, message: "the access token has expired")
        default:
            self.init(code: .unauthenticated, message: "the access token is invalid")
        }
    }
}
