import Foundation
import RPCCore

/// One of clinic A's callers.
enum Caller: String, CaseIterable, Sendable, Hashable {
    case admin, doctor, patient
}

/// Where a request's `clinic_id` fields point.
enum Scope: String, Sendable, Hashable {
    /// At the target clinic (B).
    case foreign
    /// At the caller's own clinic: empty for staff (the token's tenant), A's id for the patient.
    /// Requests without any `clinic_id` field run in this scope only: their clinic is the token's.
    case own
    /// The caller's own clinic and own resources, but for one id of the target clinic (for
    /// requests naming two or more resources: a handler that checks one and trusts the other).
    case mixed
    /// `clinic_id` names the target clinic, every other id is the caller's own (a handler that
    /// looks a resource up without the clinic, or writes to the named clinic before checking).
    case crossed
}

/// An answer other than `not_found`/`permission_denied` that is right for some callers in some
/// scope, with the reason it is right.
struct Allowance: Sendable {
    enum Outcome: Sendable {
        /// The call may succeed; what it returns is checked with the rule.
        case success(LeakCheck.Rule)
        /// The call is legitimate there and changes the target clinic by design; another test covers it.
        case notCalledHere
    }

    var callers: Set<Caller>
    var scopes: Set<Scope>
    var outcome: Outcome
    var reason: String

    /// The call may succeed for `callers` in `scopes`, returning nothing of the target clinic but what `rule` allows.
    static func succeeds(_ callers: Set<Caller>, in scopes: Set<Scope> = [.own], rule: LeakCheck.Rule = .nothing, _ reason: String)
        -> Allowance
    {
        Allowance(callers: callers, scopes: scopes, outcome: .success(rule), reason: reason)
    }

    /// Not called by the matrix for `callers` in `scopes` (see `reason` for the test that covers it).
    static func notCalledHere(_ callers: Set<Caller>, in scopes: Set<Scope>, _ reason: String) -> Allowance {
        Allowance(callers: callers, scopes: scopes, outcome: .notCalledHere, reason: reason)
    }
}

/// What a template gets to build realistic requests from.
struct TemplateContext: Sendable {
    /// The caller (one of the own clinic's members).
    var caller: Member
    /// The clinic whose ids the request carries.
    var target: ClinicWorld
    /// The caller's own clinic.
    var own: ClinicWorld

    /// A new e-mail address nobody has.
    var freshEmail: String { "new-\(UUID().uuidString.prefix(12).lowercased())@example.org" }
}

/// How the matrix targets one tenant-facing method: the request messages with realistic values
/// (proto3 JSON; every id field is then filled by `IDFields` with the target clinic's ids), and
/// the answers besides `not_found`/`permission_denied` that are right, each with its reason.
struct MethodTarget: Sendable {
    var method: MethodDescriptor
    var messages: @Sendable (TemplateContext) -> [String]
    var allowances: [Allowance]

    init(_ method: MethodDescriptor, _ allowances: [Allowance] = [], messages: @escaping @Sendable (TemplateContext) -> [String]) {
        self.method = method
        self.allowances = allowances
        self.messages = messages
    }

    /// A unary or server-streaming method: one request message.
    init(_ method: MethodDescriptor, _ allowances: [Allowance] = [], message: @escaping @Sendable (TemplateContext) -> String) {
        self.init(method, allowances, messages: { [message($0)] })
    }

    /// A method whose request needs nothing but ids.
    init(_ method: MethodDescriptor, _ allowances: [Allowance] = []) {
        self.init(method, allowances, messages: { _ in ["{}"] })
    }

    /// The allowance for `caller` in `scope`, if any.
    func allowance(for caller: Caller, in scope: Scope) -> Allowance? {
        allowances.first { $0.callers.contains(caller) && $0.scopes.contains(scope) }
    }
}

/// Why a method of a built service is not targeted with the other clinic's ids. Each kind is
/// checked against the method's policy by the coverage test, so an exemption cannot outlive the
/// reason for it (a super-admin method opened to clinic admins stops being exempt).
struct Exemption: Sendable {
    enum Kind: Sendable {
        /// Public, not tenant scoped, platform-wide data everyone may read.
        case publicCatalog
        /// Public, not tenant scoped, takes no token: the request names an account only by its
        /// secrets (e-mail and password, a refresh or reset token), never by id.
        case credentials
        /// Only the super admin may call it (platform-wide operations). The matrix still calls it
        /// with every caller of clinic A and expects permission_denied.
        case superAdminOnly
        /// Only platform services may call it (by mTLS identity); an account's token is refused.
        /// The matrix still calls it with every caller of clinic A and expects permission_denied.
        case internalOnly

        /// Whether the matrix probes it with A's callers (all of them must be refused).
        var isProbed: Bool {
            switch self {
            case .superAdminOnly, .internalOnly: true
            case .publicCatalog, .credentials: false
            }
        }
    }

    var method: MethodDescriptor
    var kind: Kind
    var reason: String

    init(_ method: MethodDescriptor, _ kind: Kind, _ reason: String) {
        self.method = method
        self.kind = kind
        self.reason = reason
    }

    /// Whether `policy` is one this kind of exemption may have.
    func fits(_ policy: MethodPolicy) -> Bool {
        switch kind {
        case .publicCatalog, .credentials:
            return policy.isPublic && !policy.isTenantScoped
        case .superAdminOnly:
            return !policy.isPublic && !policy.isInternal && policy.roles == ["super_admin"]
        case .internalOnly:
            return policy.isInternal && !policy.isPublic && policy.roles.isEmpty
        }
    }
}
