import AuthService
import ClinicAPI
import ClinicsService
import ClinicTLS
import Foundation
import Logging
import Platform
@testable import PatientsService
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

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The patients and medical record services over the in-process transport, with the real auth and
/// clinics services behind them, on real SQLite files (and document files) in a temporary folder.
///
/// Each service reaches the others over its own transport whose peer identity is its
/// `spiffe://clinic/<name>`, as its mTLS certificate would make it.
final class PatientsHarness: Sendable {
    let directory: String
    let clock = TestClock(Date(timeIntervalSince1970: 1_742_472_000))  // 2025-03-20T12:00:00Z
    let authService: AuthService
    let clinicsService: ClinicsService
    let storage: PatientsStorage
    let patientsService: PatientsService
    let records: MedicalRecordService
    /// The services as outside callers reach them (pass a token with `options`).
    let patients: Clinic_Patients_V1_PatientService.Client
    let recordsClient: Clinic_Patients_V1_MedicalRecordService.Client
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let auth: Clinic_Auth_V1_AuthService.Client
    /// The patients service as another platform service (`appointments`) reaches it.
    let patientsAsService: Clinic_Patients_V1_PatientService.Client
    private let servers: [RPCServer]
    private let serving: [Task<Void, any Error>]
    private let issuer: AccessTokenIssuer

    init(maxDocumentBytes: Int64 = 64 * 1024) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("patients-\(UUID().uuidString)").path
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        var storageConfiguration = StorageConfiguration()
        storageConfiguration.logger.logLevel = .critical
        storageConfiguration.sharedThreadPool = sharedStorageThreads

        var authConfiguration = AuthConfiguration(dataDirectory: directory)
        authConfiguration.passwordHashing = .testing
        authConfiguration.hashingThreads = 1
        authConfiguration.logger = quiet
        authConfiguration.storage = storageConfiguration
        authService = try await AuthService.start(configuration: authConfiguration)
        issuer = AccessTokenIssuer(key: try SigningKeyFiles.loadOrCreate(dataDirectory: directory))
        let verifier = authService.verifier

        let authFromOutside = InProcessTransport()
        let authFromClinics = InProcessTransport(peer: Self.peer("clinics"))
        let authFromPatients = InProcessTransport(peer: Self.peer("patients"))
        let authServer = RPCServer(
            services: [authService], transports: [authFromOutside.server, authFromClinics.server, authFromPatients.server],
            interceptors: [authService.authorizationInterceptor()], logger: quiet)

        var clinicsConfiguration = ClinicsConfiguration(dataDirectory: directory)
        clinicsConfiguration.logger = quiet
        clinicsConfiguration.storage = storageConfiguration
        clinicsService = try await ClinicsService.start(
            configuration: clinicsConfiguration,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromClinics.client)))
        let clinicsFromOutside = InProcessTransport()
        let clinicsFromPatients = InProcessTransport(peer: Self.peer("patients"))
        let clinicsServer = RPCServer(
            services: [clinicsService], transports: [clinicsFromOutside.server, clinicsFromPatients.server],
            interceptors: [AuthorizationInterceptor(verifier: verifier)], logger: quiet)

        storage = try PatientsStorage(dataDirectory: directory, configuration: storageConfiguration)
        let clock = self.clock
        patientsService = PatientsService(
            storage: storage, auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromPatients.client)),
            clinics: Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFromPatients.client)),
            appointments: nil, now: { clock.now }, logger: quiet)
        records = MedicalRecordService(storage: storage, maxDocumentBytes: maxDocumentBytes, now: { clock.now }, logger: quiet)
        let patientsFromOutside = InProcessTransport()
        let patientsFromAppointments = InProcessTransport(peer: Self.peer("appointments"))
        let patientsServer = RPCServer(
            services: [patientsService, records], transports: [patientsFromOutside.server, patientsFromAppointments.server],
            interceptors: [patientsService.authorizationInterceptor(verifier: verifier, clinicCacheLifetime: .zero)], logger: quiet)

        servers = [authServer, clinicsServer, patientsServer]
        serving = servers.map { server in Task { try await server.serve() } }
        patients = Clinic_Patients_V1_PatientService.Client(caller: RPCClient(transport: patientsFromOutside.client))
        recordsClient = Clinic_Patients_V1_MedicalRecordService.Client(caller: RPCClient(transport: patientsFromOutside.client))
        patientsAsService = Clinic_Patients_V1_PatientService.Client(caller: RPCClient(transport: patientsFromAppointments.client))
        clinics = Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFromOutside.client))
        auth = Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromOutside.client))
    }

    static func peer(_ service: String) -> Peer {
        Peer(address: "in-process", identity: "spiffe://clinic/\(service)")
    }

    func shutdown() async {
        for server in servers { server.beginGracefulShutdown(gracePeriod: .seconds(1)) }
        for task in serving { _ = await task.result }
        await storage.close()
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

    func doctor(_ clinicID: String, account: String? = nil) throws -> CallOptions {
        try options([.doctor], tenant: clinicID, account: account ?? "acc_doctor_\(clinicID)")
    }

    /// Logs in through the auth service and returns options carrying the access token.
    func login(_ email: String, _ password: String = Fixtures.password) async throws -> CallOptions {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let token = try await auth.login(request).tokens?.accessToken ?? ""
        return CallOptions(metadata: ["authorization": "Bearer \(token)"], retries: nil)
    }

    // MARK: Fixtures

    /// Creates a clinic (as the super admin, through the real clinics service); returns its id.
    func createClinic(_ name: String = "Clinique Santé", locality: String = "Lyon") async throws -> String {
        try await clinics.createClinic(Fixtures.clinic(name, locality: locality), options: try superAdmin).clinic?.id ?? ""
    }

    /// Registers a patient as the clinic admin of `clinicID`.
    func register(
        _ given: String = "Marie", _ family: String = "Dupont", born: (Int32, Int32, Int32) = (1980, 5, 17),
        nationalID: String? = nil, in clinicID: String
    ) async throws -> Clinic_Patients_V1_RegisterPatientResponse {
        var request = Clinic_Patients_V1_RegisterPatientRequest()
        request.patient = Fixtures.patient(given, family, born: born, nationalID: nationalID)
        return try await patients.registerPatient(request, options: try admin(clinicID))
    }

    /// Signs up a patient; returns the account id and options logged in as them.
    func signUp(_ email: String, given: String = "Paul", family: String = "Martin") async throws -> (account: String, options: CallOptions) {
        var request = Clinic_Patients_V1_SignUpPatientRequest()
        request.email = email
        request.password = Fixtures.password
        request.name = Fixtures.name(given, family)
        request.birthDate = Fixtures.date(1990, 2, 3)
        request.sex = .male
        request.acceptedTermsVersion = "2025-01"
        let response = try await patients.signUpPatient(request)
        return (response.accountId, try await login(email))
    }

    /// Signs up a patient and links them to `clinicID`; returns the account, their patient id there and options.
    func linkedPatient(_ email: String, to clinicID: String) async throws -> (account: String, patientID: String, options: CallOptions) {
        let (account, options) = try await signUp(email)
        var link = Clinic_Patients_V1_LinkPatientToClinicRequest()
        link.clinicId = clinicID
        let linked = try await patients.linkPatientToClinic(link, options: options)
        return (account, linked.patientId, options)
    }

    /// The rows of a clinic's audit log, straight from its database (oldest first).
    func auditRows(_ clinicID: String) async throws -> [(action: Int, outcome: Int, patient: String, method: String)] {
        let database = try await storage.pool.database(for: TenantID(clinicID))
        return try await database.read { db in
            try db.query("SELECT action, outcome, patient_id, method FROM audit_events ORDER BY id") { row in
                (try row.get("action"), try row.get("outcome"), try row.get("patient_id"), try row.get("method"))
            }
        }
    }
}

/// Request builders shared by the tests.
enum Fixtures {
    static let password = "Correct-Horse-Battery-42"

    static func name(_ given: String, _ family: String) -> Clinic_Common_V1_PersonName {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = given
        name.familyName = family
        return name
    }

    static func date(_ year: Int32, _ month: Int32, _ day: Int32) -> Clinic_Common_V1_Date {
        var date = Clinic_Common_V1_Date()
        date.year = year
        date.month = month
        date.day = day
        return date
    }

    static func patient(
        _ given: String, _ family: String, born: (Int32, Int32, Int32) = (1980, 5, 17), nationalID: String? = nil
    ) -> Clinic_Patients_V1_Patient {
        var patient = Clinic_Patients_V1_Patient()
        patient.name = name(given, family)
        patient.birthDate = date(born.0, born.1, born.2)
        patient.sex = .female
        if let nationalID {
            var id = Clinic_Patients_V1_NationalId()
            id.value = nationalID
            id.regionCode = "FR"
            patient.nationalId = id
        }
        var contact = Clinic_Common_V1_ContactInfo()
        contact.phone = "+33612345678"
        patient.contact = contact
        return patient
    }

    static func clinic(_ name: String, locality: String = "Lyon") -> Clinic_Clinics_V1_CreateClinicRequest {
        var clinic = Clinic_Clinics_V1_Clinic()
        clinic.displayName = name
        var address = Clinic_Common_V1_PostalAddress()
        address.addressLines = ["1 rue de la République"]
        address.locality = locality
        address.postalCode = "69002"
        address.regionCode = "FR"
        clinic.address = address
        clinic.timeZone = "Europe/Paris"
        clinic.currency = "EUR"
        clinic.specialtyCodes = ["general-practice"]
        var admin = Clinic_Clinics_V1_ClinicAdminInvite()
        admin.name = Fixtures.name("Ada", "Admin")
        admin.email = "admin-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        admin.initialPassword = password
        var request = Clinic_Clinics_V1_CreateClinicRequest()
        request.clinic = clinic
        request.firstAdmin = admin
        return request
    }
}

/// Runs `body` with a fresh harness and shuts it down afterwards, also when `body` throws.
func withHarness(maxDocumentBytes: Int64 = 64 * 1024, _ body: (PatientsHarness) async throws -> Void) async throws {
    let harness = try await PatientsHarness(maxDocumentBytes: maxDocumentBytes)
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
