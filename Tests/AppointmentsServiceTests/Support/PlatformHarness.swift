@testable import AppointmentsService
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
import WellKnownTypes

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// The appointments service with the real services it reads — auth, clinics, doctors, patients —
/// each its own `RPCServer` over the in-process transport, on real SQLite files in a temporary
/// folder. Each service reaches another over its own transport whose peer identity is its
/// `spiffe://clinic/<name>`, as its mTLS certificate would make it.
final class PlatformHarness: Sendable {
    let directory: String
    /// The business clock of the domain services (2025-03-20T12:00:00Z, a Thursday, to start).
    let clock = TestClock(Date(timeIntervalSince1970: 1_742_472_000))
    let authService: AuthService
    let clinicsService: ClinicsService
    let doctorsService: DoctorsService
    let patientsStorage: PatientsStorage
    let appointmentsStorage: AppointmentsStorage
    let service: AppointmentsService
    /// The services as outside callers reach them (pass a token with `options`).
    let appointments: Clinic_Appointments_V1_AppointmentService.Client
    let patients: Clinic_Patients_V1_PatientService.Client
    let doctors: Clinic_Doctors_V1_DoctorService.Client
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let auth: Clinic_Auth_V1_AuthService.Client
    /// The appointments service as another platform service (`consultations`) reaches it.
    let appointmentsAsService: Clinic_Appointments_V1_AppointmentService.Client
    private let servers: [RPCServer]
    private let serving: [Task<Void, any Error>]
    private let issuer: AccessTokenIssuer

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("appointments-\(UUID().uuidString)").path
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
        let appointmentsFrom = (patients: pair("patients"), doctors: pair("doctors"), consultations: pair("consultations"))

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
        let records = MedicalRecordService(storage: patientsStorage, now: now, logger: quiet)

        appointmentsStorage = try AppointmentsStorage(dataDirectory: directory, configuration: storage)
        service = AppointmentsService(
            storage: appointmentsStorage,
            clinics: Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFrom.appointments.client)),
            doctors: Clinic_Doctors_V1_DoctorService.Client(caller: RPCClient(transport: doctorsFromAppointments.client)),
            patients: Clinic_Patients_V1_PatientService.Client(caller: RPCClient(transport: patientsFromAppointments.client)),
            now: now, logger: quiet, clinicCacheLifetime: .zero)

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
                services: [patientsService, records], transports: [outside.patients.server, patientsFromAppointments.server],
                interceptors: [patientsService.authorizationInterceptor(verifier: verifier)], logger: quiet),
            RPCServer(
                services: [service],
                transports: [outside.appointments.server, appointmentsFrom.patients.server, appointmentsFrom.doctors.server,
                             appointmentsFrom.consultations.server],
                interceptors: [service.authorizationInterceptor(verifier: verifier)], logger: quiet),
        ]
        serving = servers.map { server in Task { try await server.serve() } }
        appointments = Clinic_Appointments_V1_AppointmentService.Client(caller: RPCClient(transport: outside.appointments.client))
        appointmentsAsService = Clinic_Appointments_V1_AppointmentService.Client(
            caller: RPCClient(transport: appointmentsFrom.consultations.client))
        patients = Clinic_Patients_V1_PatientService.Client(caller: RPCClient(transport: outside.patients.client))
        doctors = Clinic_Doctors_V1_DoctorService.Client(caller: RPCClient(transport: outside.doctors.client))
        clinics = Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: outside.clinics.client))
        auth = Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: outside.auth.client))
    }

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

    /// Call options carrying a token for an account in `roles` (and `tenant`).
    func options(_ roles: Set<Role>, tenant: String? = nil, account: String) throws -> CallOptions {
        let token = try issuer.issue(
            accountID: account, roles: roles, tenant: tenant.map { try TenantID($0) }, sessionID: "ses_test", now: Date())
        return CallOptions(metadata: ["authorization": "Bearer \(token.token.value)"], retries: nil)
    }

    var superAdmin: CallOptions { get throws { try options([.superAdmin], account: "acc_super") } }

    func admin(_ clinicID: String) throws -> CallOptions { try options([.clinicAdmin], tenant: clinicID, account: "acc_admin_\(clinicID)") }

    /// Options of the doctor `doctor` (their own account, in their clinic).
    func options(of doctor: TestDoctor) throws -> CallOptions {
        try options([.doctor], tenant: doctor.clinicID, account: doctor.accountID)
    }

    /// Logs in through the auth service and returns options carrying the access token.
    func login(_ email: String) async throws -> CallOptions {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = Fixtures.password
        let token = try await auth.login(request).tokens?.accessToken ?? ""
        return CallOptions(metadata: ["authorization": "Bearer \(token)"], retries: nil)
    }
}

/// A doctor a test made.
struct TestDoctor: Sendable {
    var clinicID: String
    var id: String
    var accountID: String
}

/// A patient a test signed up (and maybe linked).
struct TestPatient: Sendable {
    var accountID: String
    var options: CallOptions
}

/// Runs `body` with a fresh harness and shuts it down afterwards, also when `body` throws.
func withHarness(_ body: (PlatformHarness) async throws -> Void) async throws {
    let harness = try await PlatformHarness()
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}

/// Expects `body` to fail with an `RPCError` of `code`; with `field`, its message must name it.
@discardableResult
func expectError(
    _ code: RPCError.Code, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> RPCError? {
    do {
        try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        if let field {
            #expect(error.message.hasPrefix("\(field):"), "message \"\(error.message)\" does not name \(field)", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected an RPCError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
