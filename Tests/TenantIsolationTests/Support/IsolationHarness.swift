import AppointmentsService
import AuthService
import ClinicAPI
import ClinicsService
import ClinicTLS
import DoctorsService
import Foundation
import Logging
import PatientsService
import Platform
import RPCCore
import Storage
import Synchronization
import Testing
import TestSupport

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }
}

/// Every service built so far — auth, clinics, doctors, patients (with medical records),
/// appointments — each its own `RPCServer` behind its authorization interceptor over the
/// in-process transport, on real SQLite files in a temporary folder. Each service reaches another
/// over its own transport whose peer identity is its `spiffe://clinic/<name>`, as its mTLS
/// certificate would make it. Adapted from Tests/AppointmentsServiceTests/Support/PlatformHarness.swift.
///
/// Outside callers reach each service through `client(for:)` (by the service's full name), which
/// is what the catalog-driven matrix calls through.
final class IsolationHarness: Sendable {
    let directory: String
    /// The business clock of the domain services (2025-03-20T12:00:00Z, a Thursday).
    let clock = TestClock(Date(timeIntervalSince1970: 1_742_472_000))
    let authService: AuthService
    let clinicsService: ClinicsService
    let doctorsService: DoctorsService
    let patientsStorage: PatientsStorage
    let appointmentsStorage: AppointmentsStorage
    /// Typed clients as outside callers reach the services (pass a token with `options`).
    let auth: Clinic_Auth_V1_AuthService.Client
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let doctors: Clinic_Doctors_V1_DoctorService.Client
    let patients: Clinic_Patients_V1_PatientService.Client
    let records: Clinic_Patients_V1_MedicalRecordService.Client
    let appointments: Clinic_Appointments_V1_AppointmentService.Client
    /// The untyped client of each served service, by the service's full name.
    private let outsideClients: [String: RPCClient]
    private let servers: [RPCServer]
    private let serving: [Task<Void, any Error>]
    private let issuer: AccessTokenIssuer

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("isolation-\(UUID().uuidString)").path
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        var storage = StorageConfiguration()
        storage.logger.logLevel = .critical
        storage.sharedThreadPool = sharedStorageThreads
        let clock = self.clock
        let now: @Sendable () -> Date = { clock.now }

        var authConfiguration = AuthConfiguration(dataDirectory: directory)
        authConfiguration.passwordHashing = .testing
        authConfiguration.hashingThreads = 1
        authConfiguration.logger = quiet
        authConfiguration.storage = storage
        authService = try await AuthService.start(configuration: authConfiguration)
        issuer = AccessTokenIssuer(key: try SigningKeyFiles.loadOrCreate(dataDirectory: directory))
        let verifier = authService.verifier

        func pair(_ caller: String) -> InProcessTransport {
            InProcessTransport(bufferSize: 16, peer: Peer(address: "in-process", identity: "spiffe://clinic/\(caller)"))
        }
        let outside = (auth: InProcessTransport(), clinics: InProcessTransport(), doctors: InProcessTransport(),
                       patients: InProcessTransport(), appointments: InProcessTransport())
        let authFrom = (clinics: pair("clinics"), doctors: pair("doctors"), patients: pair("patients"))
        let clinicsFrom = (doctors: pair("doctors"), patients: pair("patients"), appointments: pair("appointments"))
        let doctorsFromAppointments = pair("appointments")
        let patientsFromAppointments = pair("appointments")
        let appointmentsFrom = (patients: pair("patients"), doctors: pair("doctors"))

        var clinicsConfiguration = ClinicsConfiguration(dataDirectory: directory)
        clinicsConfiguration.logger = quiet
        clinicsConfiguration.storage = storage
        clinicsConfiguration.now = now
        clinicsService = try await ClinicsService.start(
            configuration: clinicsConfiguration,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFrom.clinics.client)))

        var doctorsConfiguration = DoctorsConfiguration(dataDirectory: directory)
        doctorsConfiguration.logger = quiet
        doctorsConfiguration.storage = storage
        doctorsConfiguration.now = now
        doctorsConfiguration.clinicCacheLifetime = .zero
        doctorsService = try DoctorsService.start(
            configuration: doctorsConfiguration,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFrom.doctors.client)),
            clinics: Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFrom.doctors.client)),
            upcomingAppointments: .appointments(
                Clinic_Appointments_V1_AppointmentService.Client(caller: RPCClient(transport: appointmentsFrom.doctors.client)),
                now: now))

        patientsStorage = try PatientsStorage(dataDirectory: directory, configuration: storage)
        let patientsService = PatientsService(
            storage: patientsStorage,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFrom.patients.client)),
            clinics: Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFrom.patients.client)),
            appointments: Clinic_Appointments_V1_AppointmentService.Client(caller: RPCClient(transport: appointmentsFrom.patients.client)),
            now: now, logger: quiet)
        let recordsService = MedicalRecordService(storage: patientsStorage, now: now, logger: quiet)

        appointmentsStorage = try AppointmentsStorage(dataDirectory: directory, configuration: storage)
        let appointmentsService = AppointmentsService(
            storage: appointmentsStorage,
            clinics: Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFrom.appointments.client)),
            doctors: Clinic_Doctors_V1_DoctorService.Client(caller: RPCClient(transport: doctorsFromAppointments.client)),
            patients: Clinic_Patients_V1_PatientService.Client(caller: RPCClient(transport: patientsFromAppointments.client)),
            now: now, logger: quiet)

        servers = [
            RPCServer(
                services: [authService],
                transports: [outside.auth.server, authFrom.clinics.server, authFrom.doctors.server, authFrom.patients.server],
                interceptors: [authService.authorizationInterceptor()], logger: quiet),
            RPCServer(
                services: [clinicsService],
                transports: [outside.clinics.server, clinicsFrom.doctors.server, clinicsFrom.patients.server,
                             clinicsFrom.appointments.server],
                interceptors: [AuthorizationInterceptor(verifier: verifier)], logger: quiet),
            RPCServer(
                services: [doctorsService], transports: [outside.doctors.server, doctorsFromAppointments.server],
                interceptors: [doctorsService.authorizationInterceptor(verifier: verifier)], logger: quiet),
            RPCServer(
                services: [patientsService, recordsService], transports: [outside.patients.server, patientsFromAppointments.server],
                interceptors: [patientsService.authorizationInterceptor(verifier: verifier)], logger: quiet),
            RPCServer(
                services: [appointmentsService],
                transports: [outside.appointments.server, appointmentsFrom.patients.server, appointmentsFrom.doctors.server],
                interceptors: [appointmentsService.authorizationInterceptor(verifier: verifier)], logger: quiet),
        ]
        serving = servers.map { server in Task { try await server.serve() } }

        let clients = (auth: RPCClient(transport: outside.auth.client), clinics: RPCClient(transport: outside.clinics.client),
                       doctors: RPCClient(transport: outside.doctors.client), patients: RPCClient(transport: outside.patients.client),
                       appointments: RPCClient(transport: outside.appointments.client))
        outsideClients = [
            Clinic_Auth_V1_AuthService.catalog.descriptor.fullName: clients.auth,
            Clinic_Clinics_V1_ClinicService.catalog.descriptor.fullName: clients.clinics,
            Clinic_Doctors_V1_DoctorService.catalog.descriptor.fullName: clients.doctors,
            Clinic_Patients_V1_PatientService.catalog.descriptor.fullName: clients.patients,
            Clinic_Patients_V1_MedicalRecordService.catalog.descriptor.fullName: clients.patients,
            Clinic_Appointments_V1_AppointmentService.catalog.descriptor.fullName: clients.appointments,
        ]
        auth = Clinic_Auth_V1_AuthService.Client(caller: clients.auth)
        clinics = Clinic_Clinics_V1_ClinicService.Client(caller: clients.clinics)
        doctors = Clinic_Doctors_V1_DoctorService.Client(caller: clients.doctors)
        patients = Clinic_Patients_V1_PatientService.Client(caller: clients.patients)
        records = Clinic_Patients_V1_MedicalRecordService.Client(caller: clients.patients)
        appointments = Clinic_Appointments_V1_AppointmentService.Client(caller: clients.appointments)
    }

    /// The services this harness serves, by full name (the "built so far" set).
    var servedServices: Set<String> { Set(outsideClients.keys) }

    /// The outside caller's client of service `fullName`, or nil when this harness does not serve it.
    func client(for fullName: String) -> RPCClient? { outsideClients[fullName] }

    func shutdown() async {
        for server in servers { server.beginGracefulShutdown(gracePeriod: .seconds(1)) }
        for task in serving { _ = await task.result }
        await appointmentsStorage.close()
        await patientsStorage.close()
        await doctorsService.close()
        await clinicsService.close()
        await authService.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Callers

    /// The super admin (a token for an account that exists only in the token: creating clinics
    /// is all it does here).
    var superAdmin: CallOptions {
        get throws {
            let token = try issuer.issue(accountID: "acc_super", roles: [.superAdmin], tenant: nil, sessionID: "ses_super", now: Date())
            return CallOptions(metadata: ["authorization": "Bearer \(token.token.value)"], retries: nil)
        }
    }

    /// Logs in through the auth service: options carrying the access token, and the refresh token.
    func login(_ email: String, _ password: String) async throws -> (options: CallOptions, refreshToken: String) {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let tokens = try await auth.login(request).tokens
        return (CallOptions(metadata: ["authorization": "Bearer \(tokens?.accessToken ?? "")"], retries: nil), tokens?.refreshToken ?? "")
    }
}

/// Runs `body` with a fresh harness and shuts it down afterwards, also when `body` throws.
func withHarness(_ body: (IsolationHarness) async throws -> Void) async throws {
    let harness = try await IsolationHarness()
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}
