import AuthService
import ClinicAPI
@testable import ClinicsService
import ClinicTLS
import Foundation
import Logging
import Platform
import RPCCore
import Storage
import Testing
import TestSupport

/// The clinics service over the in-process transport, with the real auth service behind it, on
/// real SQLite files in a temporary folder.
///
/// - `clinics`: the clinics service as an outside caller reaches it (pass a token in `as:`).
/// - `auth`: the auth service as an outside caller reaches it (login).
/// - The clinics service reaches the auth service over its own transport whose peer identity is
///   `spiffe://clinic/clinics`, as its mTLS certificate would make it.
final class ClinicsHarness: Sendable {
    let directory: String
    let authService: AuthService
    let service: ClinicsService
    let clinics: Clinic_Clinics_V1_ClinicService.Client
    let auth: Clinic_Auth_V1_AuthService.Client
    /// The clinics server's raw transports: from outside, and from a platform service (`doctors`).
    let clinicsOutside: InProcessTransport
    let clinicsFromService: InProcessTransport
    /// The auth server's transport whose peer is the clinics service (for a second instance).
    let authFromClinics: InProcessTransport
    private let servers: [RPCServer]
    private let serving: [Task<Void, any Error>]
    private let issuer: AccessTokenIssuer

    /// A harness; `authInterceptors` run in front of the auth service (to make it fail);
    /// `staffAccessRetryDelay` is the clinics service's background retry delay.
    init(authInterceptors: [any ServerInterceptor] = [], staffAccessRetryDelay: Duration = .seconds(3600)) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("clinics-\(UUID().uuidString)").path
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
        let authFromOutside = InProcessTransport()
        let authFromClinics = InProcessTransport(peer: Peer(address: "in-process", identity: "spiffe://clinic/clinics"))
        self.authFromClinics = authFromClinics
        let authServer = RPCServer(
            services: [authService], transports: [authFromOutside.server, authFromClinics.server],
            interceptors: [authService.authorizationInterceptor()] + authInterceptors, logger: quiet)

        var configuration = Self.configuration(directory: directory)
        configuration.staffAccessRetryDelay = staffAccessRetryDelay
        service = try await ClinicsService.start(
            configuration: configuration,
            auth: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromClinics.client)))
        let clinicsTransport = InProcessTransport()
        clinicsOutside = clinicsTransport
        clinicsFromService = InProcessTransport(peer: Peer(address: "in-process", identity: "spiffe://clinic/doctors"))
        let clinicsServer = RPCServer(
            services: [service], transports: [clinicsTransport.server, clinicsFromService.server],
            interceptors: [AuthorizationInterceptor(verifier: authService.verifier)], logger: quiet)

        servers = [authServer, clinicsServer]
        serving = servers.map { server in Task { try await server.serve() } }
        clinics = Clinic_Clinics_V1_ClinicService.Client(caller: RPCClient(transport: clinicsTransport.client))
        auth = Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: authFromOutside.client))
    }

    /// The clinics service's settings in the tests: its background retry of staff access changes
    /// waits an hour, so a test decides when a change is resumed.
    static func configuration(directory: String) -> ClinicsConfiguration {
        var configuration = ClinicsConfiguration(dataDirectory: directory)
        configuration.logger.logLevel = .critical
        configuration.storage.logger.logLevel = .critical
        configuration.storage.sharedThreadPool = sharedStorageThreads
        configuration.staffAccessRetryDelay = .seconds(3600)
        return configuration
    }

    func shutdown() async {
        for server in servers { server.beginGracefulShutdown(gracePeriod: .seconds(1)) }
        for task in serving { _ = await task.result }
        await service.close()
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

    var superAdmin: CallOptions { get throws { try caller([.superAdmin], account: "acc_super") } }

    func clinicAdmin(of clinicID: String) throws -> CallOptions {
        try caller([.clinicAdmin], tenant: clinicID, account: "acc_admin_\(clinicID)")
    }

    /// Logs in through the auth service and returns options carrying the access token.
    func login(_ email: String, _ password: String) async throws -> CallOptions {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let response = try await auth.login(request)
        let token = response.tokens?.accessToken ?? ""
        return CallOptions(metadata: ["authorization": "Bearer \(token)"], retries: nil)
    }

    // MARK: Fixtures

    /// Creates a clinic as the super admin and returns the response.
    @discardableResult
    func createClinic(
        _ name: String = "Clinique Santé", locality: String = "Lyon", street: String = "1 rue de la République",
        adminEmail: String? = nil, password: String = Fixtures.password, change: (inout Clinic_Clinics_V1_CreateClinicRequest) -> Void = { _ in }
    ) async throws -> Clinic_Clinics_V1_CreateClinicResponse {
        var request = Fixtures.createRequest(name, locality: locality, street: street, adminEmail: adminEmail, password: password)
        change(&request)
        return try await clinics.createClinic(request, options: try superAdmin)
    }

    /// The auth service's accounts with `email` (through its database, as a super admin would list them).
    func accountCount(email: String) async throws -> Int {
        var request = Clinic_Auth_V1_ListAccountsRequest()
        request.query = email
        request.showDeleted = true
        return try await auth.listAccounts(request, options: try superAdmin).accounts.count
    }

    /// Every clinic row, whatever its state (straight from the database).
    func storedClinicCount() async throws -> Int {
        try await service.database.read { db in try db.scalar("SELECT count(*) FROM clinics", as: Int.self) }
    }
}

/// Request builders shared by the tests.
enum Fixtures {
    static let password = "Correct-Horse-Battery-42"

    static func createRequest(
        _ name: String, locality: String = "Lyon", street: String = "1 rue de la République", adminEmail: String? = nil,
        password: String = Fixtures.password
    ) -> Clinic_Clinics_V1_CreateClinicRequest {
        var clinic = Clinic_Clinics_V1_Clinic()
        clinic.displayName = name
        var address = Clinic_Common_V1_PostalAddress()
        address.addressLines = [street]
        address.locality = locality
        address.postalCode = "69002"
        address.regionCode = "FR"
        clinic.address = address
        clinic.timeZone = "Europe/Paris"
        clinic.currency = "EUR"
        clinic.specialtyCodes = ["general-practice"]
        var admin = Clinic_Clinics_V1_ClinicAdminInvite()
        var adminName = Clinic_Common_V1_PersonName()
        adminName.givenName = "Ada"
        adminName.familyName = "Admin"
        admin.name = adminName
        admin.email = adminEmail ?? "admin-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        admin.initialPassword = password
        var request = Clinic_Clinics_V1_CreateClinicRequest()
        request.clinic = clinic
        request.firstAdmin = admin
        return request
    }

    static func hours(_ day: Clinic_Common_V1_DayOfWeek, _ start: Int32, _ end: Int32) -> Clinic_Clinics_V1_OpeningHours {
        var entry = Clinic_Clinics_V1_OpeningHours()
        entry.dayOfWeek = day
        var range = Clinic_Common_V1_TimeOfDayRange()
        var from = Clinic_Common_V1_TimeOfDay()
        from.hours = start
        var to = Clinic_Common_V1_TimeOfDay()
        to.hours = end
        range.start = from
        range.end = to
        entry.hours = range
        return entry
    }

    static func date(_ year: Int32, _ month: Int32, _ day: Int32) -> Clinic_Common_V1_Date {
        var date = Clinic_Common_V1_Date()
        date.year = year
        date.month = month
        date.day = day
        return date
    }

    static func closure(_ start: Clinic_Common_V1_Date, _ end: Clinic_Common_V1_Date, reason: String = "Holiday") -> Clinic_Clinics_V1_ClinicClosure {
        var closure = Clinic_Clinics_V1_ClinicClosure()
        var range = Clinic_Common_V1_DateRange()
        range.startDate = start
        range.endDate = end
        closure.dates = range
        closure.reason = reason
        return closure
    }
}

/// Runs `body` with a fresh harness and shuts it down afterwards, also when `body` throws.
func withHarness(
    authInterceptors: [any ServerInterceptor] = [], staffAccessRetryDelay: Duration = .seconds(3600),
    _ body: (ClinicsHarness) async throws -> Void
) async throws {
    let harness = try await ClinicsHarness(authInterceptors: authInterceptors, staffAccessRetryDelay: staffAccessRetryDelay)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}

/// Expects `body` to fail with an `RPCError` of `code`; with `field`, its message must name it
/// (`field: reason`, as invalid_argument errors do). Returns the error.
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
