import ClinicAPI

/// A kind of process `clinic up` runs and `clinic serve <name>` starts: the registry, each
/// platform service built so far, and the edge. The one list of what the platform consists of.
enum ServiceKind: String, CaseIterable, Sendable {
    case registry
    case auth
    // A new service joins with a case here, its `rpcServices`, and its construction in
    // `ServiceAssembly`.
    case clinics
    case doctors
    case patients
    case appointments
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
        case .clinics: [Clinic_Clinics_V1_ClinicService.descriptor.fullName]
        case .doctors: [Clinic_Doctors_V1_DoctorService.descriptor.fullName]
        case .patients: [Clinic_Patients_V1_PatientService.descriptor.fullName, Clinic_Patients_V1_MedicalRecordService.descriptor.fullName]
        case .appointments: [Clinic_Appointments_V1_AppointmentService.descriptor.fullName]
        case .edge: []
        }
    }

    /// Start order of `clinic up`: the registry first (everyone registers there), the edge last.
    static var startOrder: [ServiceKind] { allCases }
}
