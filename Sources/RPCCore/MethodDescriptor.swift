/// Identifies a service: its fully qualified proto name.
public struct ServiceDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// E.g. `clinic.auth.v1.AuthService`.
    public let fullName: String

    public init(fullName: String) { self.fullName = fullName }

    public var description: String { fullName }
}

/// The shape of a call: how many messages each side sends.
public enum CallKind: Sendable, Hashable {
    case unary
    case serverStreaming
    case clientStreaming
    case bidirectionalStreaming
}

/// Everything the runtime knows about a method from its `.proto`: name, call shape, who may call
/// it, and its HTTP route.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The service's full name, e.g. `clinic.auth.v1.AuthService`.
    public let service: String
    /// The method's name, e.g. `Login`.
    public let method: String
    public let kind: CallKind
    public let policy: MethodPolicy
    /// The resource-style route, when the method is reachable over HTTP.
    public let http: HTTPRoute?
    /// `package.Service/Method`, the name carried on the wire: built once, since every call
    /// sends it and the server looks its handler up by it.
    public let fullName: String

    public init(service: String, method: String, kind: CallKind, policy: MethodPolicy, http: HTTPRoute?) {
        self.service = service
        self.method = method
        self.kind = kind
        self.policy = policy
        self.http = http
        fullName = "\(service)/\(method)"
    }

    public var description: String { fullName }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.service == rhs.service && lhs.method == rhs.method }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        hasher.combine(method)
    }
}

/// Who may call a method (`clinic.options.v1.MethodPolicy`), enforced in one place by the server.
public struct MethodPolicy: Sendable, Hashable {
    /// Role names whose access token allows the call (`super_admin`, `clinic_admin`, `doctor`, `patient`).
    public var roles: Set<String>
    /// No token needed.
    public var isPublic: Bool
    /// Only other services (by their mTLS identity) may call.
    public var isInternal: Bool
    /// Safe to retry automatically.
    public var isIdempotent: Bool
    /// Acts within the caller's own tenant.
    public var isTenantScoped: Bool

    public init(roles: Set<String>, isPublic: Bool, isInternal: Bool, isIdempotent: Bool, isTenantScoped: Bool) {
        self.roles = roles
        self.isPublic = isPublic
        self.isInternal = isInternal
        self.isIdempotent = isIdempotent
        self.isTenantScoped = isTenantScoped
    }

    /// The policy of a method that declares none: callable by services only.
    public static let internalOnly = MethodPolicy(
        roles: [], isPublic: false, isInternal: true, isIdempotent: false, isTenantScoped: false)
}

/// A method's HTTP route (`clinic.options.v1.HttpRule`), used by the edge.
public struct HTTPRoute: Sendable, Hashable {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    public var method: String
    /// A path template, e.g. `/v1/clinics/{clinic_id}`.
    public var path: String
    /// `*` for the whole request from the body, a field name for one field, empty for none.
    public var body: String

    public init(method: String, path: String, body: String) {
        self.method = method
        self.path = path
        self.body = body
    }
}
