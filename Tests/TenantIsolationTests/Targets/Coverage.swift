import ClinicAPI
import RPCCore

/// Which services and methods the isolation matrix covers, and why the rest is left out.
///
/// Every service of `ClinicAPICatalog.services` is either built (served by `IsolationHarness`,
/// and then each of its methods has a `MethodTarget` or an `Exemption`) or listed in
/// `otherServices` with the reason it holds no tenant data yet. The coverage test fails on a
/// service or method that is in neither, so a new RPC cannot skip the matrix unnoticed.
enum Coverage {
    /// The services built so far: each has a target or an exemption for every method.
    static let builtServices: [ServiceCatalog] = [
        Clinic_Auth_V1_AuthService.catalog,
        Clinic_Clinics_V1_ClinicService.catalog,
        Clinic_Doctors_V1_DoctorService.catalog,
        Clinic_Patients_V1_PatientService.catalog,
        Clinic_Patients_V1_MedicalRecordService.catalog,
        Clinic_Appointments_V1_AppointmentService.catalog,
    ]

    /// Services of the catalog outside the matrix, with the reason. When one of them is built,
    /// move it to `builtServices`, serve it in `IsolationHarness` and give it targets.
    static let otherServices: [String: (kind: OtherService, reason: String)] = [
        "clinic.billing.v1.BillingService": (.notBuiltYet, "billing is not built yet"),
        "clinic.billing.v1.PaymentService": (.notBuiltYet, "billing is not built yet"),
        "clinic.consultations.v1.ConsultationService": (.notBuiltYet, "consultations are not built yet"),
        "clinic.notifications.v1.NotificationService": (.notBuiltYet, "notifications are not built yet"),
        "clinic.reporting.v1.ReportingService": (.notBuiltYet, "reporting is not built yet"),
        "clinic.events.v1.EventService": (.internalOnly, "service-to-service event delivery (mTLS only), not built yet"),
        "clinic.registry.v1.RegistryService": (.internalOnly, "service discovery between platform services (mTLS only); holds no tenant data"),
        "clinic.health.v1.HealthService": (.infrastructure, "liveness of a process; holds no tenant data"),
        "clinic.testing.v1.TestService": (.infrastructure, "the gRPC interop test service; holds no tenant data"),
        "clinic.testing.v1.UnimplementedService": (.infrastructure, "the gRPC interop test service; holds no tenant data"),
    ]

    /// Why a service is outside the matrix; the coverage test checks what it can of each.
    enum OtherService {
        /// Its methods exist in the .proto only.
        case notBuiltYet
        /// Every method is `internal` (services only): no account token is ever accepted.
        case internalOnly
        /// Public plumbing whose requests carry no id at all.
        case infrastructure
    }

    static let targets: [MethodTarget] =
        AuthTargets.all + ClinicsTargets.all + DoctorsTargets.all + PatientsTargets.all + RecordsTargets.all + AppointmentsTargets.all

    static let exemptions: [Exemption] = AuthTargets.exemptions + ClinicsTargets.exemptions + PatientsTargets.exemptions

    /// The catalog entry of every method of the built services, by full name.
    static let entries: [String: MethodCatalogEntry] = Dictionary(
        uniqueKeysWithValues: builtServices.flatMap(\.methods).map { ($0.descriptor.fullName, $0) })
}
