import ClinicAPI

/// A kind of process `clinic up` runs and `clinic serve <name>` starts: the registry, each
/// platform service built so far, and the edge. The one list of what the platform consists of.
enum ServiceKind: String, CaseIterable, Sendable {
    case registry
    case auth
    // Domain services (clinics, doctors, patients, appointments) join here as their targets
    // land: a case, its `rpcServices`, and its construction in `ServiceAssembly`.
    case edge

    /// The certificate identity of the process (`spiffe://clinic/<name>`).
    var identity: String { rawValue }

    /// Whether it is an RPC service (registered, health-checked over mTLS) rather than the HTTP edge.
    var isRPCService: Bool { self != .edge }

    /// Whether `--replicas` applies (the registry and the edge run once: they own fixed addresses).
    var isReplicated: Bool { self != .registry && self != .edge }

    /// The RPC services the process serves (besides health).
    var rpcServices: [String] {
        switch self {
        case .registry: [Clinic_Registry_V1_RegistryService.descriptor.fullName]
        case .auth: [Clinic_Auth_V1_AuthService.descriptor.fullName]
        case .edge: []
        }
    }

    /// Start order of `clinic up`: the registry first (everyone registers there), the edge last.
    static var startOrder: [ServiceKind] { allCases }
}
