import AuthService
import ClinicAPI
import ClinicsService
import ClinicTLS
@testable import DoctorsService
import Foundation
import Logging
import Platform
import RPCCore
import Storage
import Synchronization
import Testing
import TestSupport
import WellKnownTypes

/// The doctors service over the in-process transport with the real auth and clinics services
/// behind it, on real SQLite files in a temporary folder. Each service reaches the others over
/// its own transport whose peer identity is its mTLS identity (`spiffe://clinic/doctors`...).
final class DoctorsHarness: Sendable {
    let directory: String
    let authService: AuthService
    let clinicsService: ClinicsService
    let service: DoctorsService
    /// As outside callers reach them (pass a token in `options`).
    let doctors: Clinic_Doctors_V1_DoctorService.Client
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let auth: Clinic_Auth_V1_AuthService.Client
    /// The doctors service as the appointments service reaches it (mTLS identity, no token).
    let doctorsFromAppointments: Clinic_Doctors_V1_DoctorService.Client
    /// The doctors server's raw transports: from outside, and from the appointments service.
    let doctorsOutside: InProcessTransport
    let doctorsFromService: InProcessTransport
    /// What RemoveDoctor hears about upcoming appointments (per doctor id).
    let upcoming = LockedSet()
    private let servers: [RPCServer]
    private let serving: [Task<Void, any Error>]
    private let issuer: AccessTokenIssuer

    init(authInterceptors: [any ServerInterceptor] = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("doctors-\(UUID().uuidString)").path
        var authConfiguration = AuthConfiguration(dataDirectory: directory)
        authConfiguration.passwordHashing = .testing
        authConfiguration.hashingThreads = 1
        authConfiguration.logger.logLevel = .critical
        authConfiguration.storage.logger.logLevel = .critical
        authConfiguration.storage.sharedThreadPool = sharedStorageThreads
        authService = try await AuthService.start(configuration: authConfiguration)
        issuer = AccessTokenIssuer(key: try SigningKeyFiles.loadOrCreate(dataDirectory: directory))
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        func peer(_ name: String?) -> InProcessTransport {
            InProcessTransport(peer: Peer(address: "in-process", identity: name.map { "spiffe://clinic/\($0)" }))
        }

        let (authOutside, authFromClinics, authFromDoctors) = (peer(nil), peer("clinics"), peer("doctors"))
        let authServer = RPCServer(
            services: [authService], transports: [authOutside.server, authFromClinics.server, authFromDoctors.server],
            interceptors: [authService.authorizationInterceptor()] + authInterceptors, logger: quiet)

        var clinicsConfiguration = ClinicsConfiguration(dataDirectory: directory)
        clinicsConfiguration.logger.logLevel = .critical
        clinicsConfiguration.storage.logger.logLevel = .critical
        clinicsConfiguration.storage.sharedThreadPool = sharedStorageThreads
        clinicsService = try await ClinicsService.start(
            configuration: clinicsConfiguration,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromClinics.client)))
        let (clinicsOutside, clinicsFromDoctors) = (peer(nil), peer("doctors"))
        let clinicsServer = RPCServer(
            services: [clinicsService], transports: [clinicsOutside.server, clinicsFromDoctors.server],
            interceptors: [AuthorizationInterceptor(verifier: authService.verifier)], logger: quiet)

        var configuration = DoctorsConfiguration(dataDirectory: directory)
        configuration.clinicCacheLifetime = .zero
        configuration.logger.logLevel = .critical
        configuration.storage.logger.logLevel = .critical
        configuration.storage.sharedThreadPool = sharedStorageThreads
        let upcoming = self.upcoming
        service = try DoctorsService.start(
            configuration: configuration,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromDoctors.client)),
            clinics: Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsFromDoctors.client)),
            upcomingAppointments: UpcomingAppointmentsCheck { _, doctorID in upcoming.contains(doctorID) })
        let (doctorsOutside, doctorsFromAppointments) = (peer(nil), peer("appointments"))
        (self.doctorsOutside, self.doctorsFromService) = (doctorsOutside, doctorsFromAppointments)
        let doctorsServer = RPCServer(
            services: [service], transports: [doctorsOutside.server, doctorsFromAppointments.server],
            interceptors: [service.authorizationInterceptor(verifier: authService.verifier)], logger: quiet)

        servers = [authServer, clinicsServer, doctorsServer]
        serving = servers.map { server in Task { try await server.serve() } }
        doctors = Clinic_Doctors_V1_DoctorService.Client(caller: RPCClient(transport: doctorsOutside.client))
        self.doctorsFromAppointments = Clinic_Doctors_V1_DoctorService.Client(caller: RPCClient(transport: doctorsFromAppointments.client))
        clinics = Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsOutside.client))
        auth = Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authOutside.client))
    }

    func shutdown() async {
        for server in servers { server.beginGracefulShutdown(gracePeriod: .seconds(1)) }
        for task in serving { _ = await task.result }
        await service.close()
        await clinicsService.close()
        await authService.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Callers

    /// Call options carrying a token for an account in `roles` (and `tenant`), signed with the
    /// auth service's key.
    func caller(_ roles: Set<Role>, tenant: String? = nil, account: String = "acc_test") throws -> CallOptions {
        let token = try issuer.issue(
            accountID: account, roles: roles, tenant: tenant.map { try TenantID($0) }, sessionID: "ses_test", now: Date())
        return CallOptions(metadata: ["authorization": "Bearer \(token.token.value)"], retries: nil)
    }

    func admin(_ clinicID: String) throws -> CallOptions {
        try caller([.clinicAdmin], tenant: clinicID, account: "acc_admin_\(clinicID)")
    }

    /// The token of `doctor` (their own account, in their clinic).
    func doctorCaller(_ doctor: Clinic_Doctors_V1_Doctor, clinicID: String) throws -> CallOptions {
        try caller([.doctor], tenant: clinicID, account: doctor.accountId)
    }

    /// Logs in through the auth service.
    func login(_ email: String, _ password: String = DoctorFixtures.password) async throws -> CallOptions {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let response = try await auth.login(request)
        return CallOptions(metadata: ["authorization": "Bearer \(response.tokens?.accessToken ?? "")"], retries: nil)
    }

    // MARK: Fixtures

    /// A clinic in `timeZone`, created by the super admin; returns its id.
    func makeClinic(_ name: String = "Clinique \(UUID().uuidString.prefix(6))", timeZone: String = "Europe/Paris") async throws -> String {
        var clinic = Clinic_Clinics_V1_Clinic()
        clinic.displayName = name
        var address = Clinic_Common_V1_PostalAddress()
        address.addressLines = ["1 place Bellecour"]
        address.locality = "Lyon"
        address.regionCode = "FR"
        clinic.address = address
        clinic.timeZone = timeZone
        clinic.currency = "EUR"
        var admin = Clinic_Clinics_V1_ClinicAdminInvite()
        var adminName = Clinic_Common_V1_PersonName()
        adminName.familyName = "Admin"
        admin.name = adminName
        admin.email = "admin-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        admin.initialPassword = DoctorFixtures.password
        var request = Clinic_Clinics_V1_CreateClinicRequest()
        request.clinic = clinic
        request.firstAdmin = admin
        return try await clinics.createClinic(request, options: try caller([.superAdmin])).clinic!.id
    }

    /// Adds a doctor to `clinicID` as its admin.
    @discardableResult
    func addDoctor(
        to clinicID: String, given: String = "Ada", family: String = "Lovelace", email: String? = nil,
        specialties: [String] = ["general-practice"], change: (inout Clinic_Doctors_V1_AddDoctorRequest) -> Void = { _ in }
    ) async throws -> Clinic_Doctors_V1_Doctor {
        var request = DoctorFixtures.addRequest(given: given, family: family, email: email, specialties: specialties)
        change(&request)
        return try await doctors.addDoctor(request, options: try admin(clinicID))
    }

    /// Rows of `doctors` in `clinicID`'s database, whatever their state.
    func storedDoctorCount(_ clinicID: String) async throws -> Int {
        let database = try await service.pool.database(for: TenantID(clinicID))
        return try await database.read { db in try db.scalar("SELECT count(*) FROM doctors", as: Int.self) }
    }
}

/// A set of strings shared between tasks.
final class LockedSet: Sendable {
    private let values = Mutex<Set<String>>([])

    func insert(_ value: String) { values.withLock { _ = $0.insert(value) } }
    func removeAll() { values.withLock { $0.removeAll() } }
    func contains(_ value: String) -> Bool { values.withLock { $0.contains(value) } }
}

/// Request builders.
enum DoctorFixtures {
    static let password = "Correct-Horse-Battery-42"

    static func addRequest(given: String, family: String, email: String? = nil, specialties: [String]) -> Clinic_Doctors_V1_AddDoctorRequest {
        var doctor = Clinic_Doctors_V1_Doctor()
        var name = Clinic_Common_V1_PersonName()
        name.prefix = "Dr."
        name.givenName = given
        name.familyName = family
        doctor.name = name
        doctor.specialtyCodes = specialties
        var contact = Clinic_Common_V1_ContactInfo()
        contact.phone = "+33612345678"
        doctor.contact = contact
        doctor.licenseNumber = "RPPS-10001"
        doctor.biography = "General practitioner."
        doctor.languageCodes = ["fr", "en"]
        doctor.onlineBookingEnabled = true
        var request = Clinic_Doctors_V1_AddDoctorRequest()
        request.doctor = doctor
        request.email = email ?? "dr-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        request.initialPassword = password
        return request
    }

    static func window(_ day: Clinic_Common_V1_DayOfWeek, _ start: (Int32, Int32), _ end: (Int32, Int32), slot minutes: Int64 = 30) -> Clinic_Doctors_V1_AvailabilityWindow {
        var window = Clinic_Doctors_V1_AvailabilityWindow()
        window.dayOfWeek = day
        var range = Clinic_Common_V1_TimeOfDayRange()
        var from = Clinic_Common_V1_TimeOfDay()
        (from.hours, from.minutes) = start
        var to = Clinic_Common_V1_TimeOfDay()
        (to.hours, to.minutes) = end
        range.start = from
        range.end = to
        window.hours = range
        var slot = Google_Protobuf_Duration()
        slot.seconds = minutes * 60
        window.slotDuration = slot
        return window
    }

    static func setAvailability(_ doctorID: String, _ windows: [Clinic_Doctors_V1_AvailabilityWindow], etag: String = "") -> Clinic_Doctors_V1_SetWeeklyAvailabilityRequest {
        var availability = Clinic_Doctors_V1_WeeklyAvailability()
        availability.windows = windows
        var request = Clinic_Doctors_V1_SetWeeklyAvailabilityRequest()
        request.doctorId = doctorID
        request.availability = availability
        request.etag = etag
        return request
    }

    static func interval(_ start: Int64, _ end: Int64) -> Clinic_Common_V1_Interval {
        var interval = Clinic_Common_V1_Interval()
        var from = Google_Protobuf_Timestamp()
        from.seconds = start
        var to = Google_Protobuf_Timestamp()
        to.seconds = end
        interval.startTime = from
        interval.endTime = to
        return interval
    }

    static func exception(
        _ doctorID: String, _ kind: Clinic_Doctors_V1_AvailabilityExceptionKind, _ start: Int64, _ end: Int64, slotMinutes: Int64? = nil
    ) -> Clinic_Doctors_V1_CreateAvailabilityExceptionRequest {
        var exception = Clinic_Doctors_V1_AvailabilityException()
        exception.kind = kind
        exception.interval = interval(start, end)
        if let slotMinutes {
            var slot = Google_Protobuf_Duration()
            slot.seconds = slotMinutes * 60
            exception.slotDuration = slot
        }
        exception.reason = "Conference"
        var request = Clinic_Doctors_V1_CreateAvailabilityExceptionRequest()
        request.doctorId = doctorID
        request.exception = exception
        return request
    }

    static func schedule(_ doctorID: String, from start: (Int32, Int32, Int32), through end: (Int32, Int32, Int32), clinicID: String = "") -> Clinic_Doctors_V1_GetDoctorScheduleRequest {
        func day(_ parts: (Int32, Int32, Int32)) -> Clinic_Common_V1_Date {
            var date = Clinic_Common_V1_Date()
            (date.year, date.month, date.day) = parts
            return date
        }
        var range = Clinic_Common_V1_DateRange()
        range.startDate = day(start)
        range.endDate = day(end)
        var request = Clinic_Doctors_V1_GetDoctorScheduleRequest()
        request.doctorId = doctorID
        request.clinicId = clinicID
        request.dateRange = range
        return request
    }
}

/// Runs `body` with a fresh harness and shuts it down afterwards, also when `body` throws.
func withHarness(authInterceptors: [any ServerInterceptor] = [], _ body: (DoctorsHarness) async throws -> Void) async throws {
    let harness = try await DoctorsHarness(authInterceptors: authInterceptors)
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
