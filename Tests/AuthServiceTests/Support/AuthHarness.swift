@testable import AuthService
import ClinicAPI
import ClinicTLS
import Foundation
import Logging
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

    init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The auth service on real SQLite files in a temporary folder, served by an `RPCServer` with its
/// authorization interceptor over in-process transports (one as an outside caller, one per
/// platform service by mTLS identity), with cheap scrypt and a hand-moved clock.
final class AuthHarness: Sendable {
    let directory: String
    let clock: TestClock
    let service: AuthService
    let server: RPCServer
    let outside: InProcessTransport
    /// Transports whose peer is `spiffe://clinic/<name>`, by service name.
    let services: [String: InProcessTransport]
    private let serving: Task<Void, any Error>

    static let password = "grey-otter-tuesday-lantern"

    private init(directory: String, clock: TestClock, service: AuthService) {
        self.directory = directory
        self.clock = clock
        self.service = service
        outside = InProcessTransport()
        services = Dictionary(uniqueKeysWithValues: ["doctors", "patients", "clinics", "appointments"].map { name in
            (name, InProcessTransport(peer: Peer(address: "in-process", identity: "spiffe://clinic/\(name)")))
        })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = RPCServer(
            services: [service], transports: [outside.server] + services.values.map(\.server),
            interceptors: [service.authorizationInterceptor()], logger: logger)
        let server = self.server
        serving = Task { try await server.serve() }
    }

    /// Starts a harness on a fresh folder (or `directory`, to test a restart).
    static func start(directory: String? = nil, clock: TestClock = TestClock()) async throws -> AuthHarness {
        let directory = directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)").path
        let service = try await AuthService.start(configuration: configuration(directory: directory, clock: clock))
        return AuthHarness(directory: directory, clock: clock, service: service)
    }

    static func configuration(directory: String, clock: TestClock) -> AuthConfiguration {
        var configuration = AuthConfiguration(dataDirectory: directory)
        configuration.passwordHashing = .testing
        configuration.now = { clock.now }
        configuration.logger.logLevel = .critical
        configuration.storage.logger.logLevel = .critical
        configuration.storage.sharedThreadPool = sharedStorageThreads
        configuration.setLockout(threshold: 3, baseLock: .seconds(60), maxLock: .seconds(600))
        return configuration
    }

    /// Runs `body` with a fresh harness and cleans up, also when it throws.
    static func with(_ body: (AuthHarness) async throws -> Void) async throws {
        let harness = try await start()
        do {
            try await body(harness)
        } catch {
            await harness.stop(removing: true)
            throw error
        }
        await harness.stop(removing: true)
    }

    func stop(removing: Bool) async {
        server.beginGracefulShutdown(gracePeriod: .seconds(1))
        _ = await serving.result
        await service.close()
        if removing { try? FileManager.default.removeItem(atPath: directory) }
    }

    // MARK: Callers

    /// A typed client calling as an outside caller with `token` (or as the doctors service).
    func client(_ token: String? = nil, asService: Bool = false) -> AuthClient {
        asService ? client(service: "doctors", token: token) : AuthClient(
            client: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: outside.client)), token: token)
    }

    /// A typed client calling as platform service `name` (doctors, patients, clinics, appointments).
    func client(service name: String, token: String? = nil) -> AuthClient {
        // The names are the harness's own.
        AuthClient(client: Clinic_Auth_V1_AuthService.Client(caller: RPCClient(transport: services[name]!.client)), token: token)
    }

    /// An anonymous outside caller.
    var anonymous: AuthClient { client() }

    // MARK: Seeding

    /// Creates an account directly (as the bootstrap does), with `password` (nil: pending).
    @discardableResult
    func seed(
        _ email: String, roles: Set<Role>, clinic: String? = nil, password: String? = AuthHarness.password,
        given: String = "Test", family: String = "Person"
    ) async throws -> Clinic_Auth_V1_Account {
        var name = Clinic_Common_V1_PersonName()
        name.givenName = given
        name.familyName = family
        var input = Clinic_Auth_V1_Account()
        input.email = email
        input.name = name
        input.roles = roles.sorted().map(\.proto)
        input.clinicId = clinic ?? ""
        let draft = try AccountDraft(input, password: password ?? "", policy: service.passwordPolicy)
        return try await service.insertAccount(draft, clinicID: clinic, now: clock.now).proto(at: clock.now)
    }

    /// Logs in and returns a client holding the access token, plus the whole response.
    func login(_ email: String, password: String = AuthHarness.password) async throws -> (AuthClient, Clinic_Auth_V1_LoginResponse) {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        let response = try await anonymous.auth.login(request)
        return (client(response.tokens?.accessToken), response)
    }

    /// Seeds an account and logs it in.
    func signedIn(_ email: String, roles: Set<Role>, clinic: String? = nil) async throws -> (AuthClient, Clinic_Auth_V1_Account) {
        let account = try await seed(email, roles: roles, clinic: clinic)
        return (try await login(email).0, account)
    }

    /// The newest outbox message for `accountID` of `kind`, and the token in its link.
    func outboxLink(for accountID: String, kind: String) async throws -> (AuthOutboxMessage, String)? {
        guard let message = try await service.pendingOutboxMessages().last(where: { $0.accountID == accountID && $0.kind == kind })
        else { return nil }
        let body = message.notification.body
        guard let range = body.range(of: "token=") else { return nil }
        let token = body[range.upperBound...].prefix { !$0.isWhitespace }
        return (message, String(token))
    }
}

/// A typed auth client with a bearer token in every call's metadata.
struct AuthClient: Sendable {
    let client: Clinic_Auth_V1_AuthService.Client
    let token: String?

    /// The options carrying the token.
    var options: CallOptions {
        var metadata = Metadata()
        if let token { metadata.add("authorization", "Bearer \(token)") }
        return CallOptions(metadata: metadata, retries: nil)
    }

    /// The generated client's methods, with the token applied.
    var auth: Calls { Calls(client: client, options: options) }

    struct Calls: Sendable {
        let client: Clinic_Auth_V1_AuthService.Client
        let options: CallOptions

        func login(_ r: Clinic_Auth_V1_LoginRequest) async throws -> Clinic_Auth_V1_LoginResponse { try await client.login(r, options: options) }
        func refreshToken(_ r: Clinic_Auth_V1_RefreshTokenRequest) async throws -> Clinic_Auth_V1_RefreshTokenResponse { try await client.refreshToken(r, options: options) }
        func logout(_ r: Clinic_Auth_V1_LogoutRequest) async throws -> Google_Protobuf_Empty { try await client.logout(r, options: options) }
        func requestPasswordReset(_ r: Clinic_Auth_V1_RequestPasswordResetRequest) async throws -> Google_Protobuf_Empty { try await client.requestPasswordReset(r, options: options) }
        func resetPassword(_ r: Clinic_Auth_V1_ResetPasswordRequest) async throws -> Google_Protobuf_Empty { try await client.resetPassword(r, options: options) }
        func changePassword(_ r: Clinic_Auth_V1_ChangePasswordRequest) async throws -> Google_Protobuf_Empty { try await client.changePassword(r, options: options) }
        func getSigningKeys(_ r: Clinic_Auth_V1_GetSigningKeysRequest) async throws -> Clinic_Auth_V1_GetSigningKeysResponse { try await client.getSigningKeys(r, options: options) }
        func createAccount(_ r: Clinic_Auth_V1_CreateAccountRequest) async throws -> Clinic_Auth_V1_Account { try await client.createAccount(r, options: options) }
        func getAccount(_ r: Clinic_Auth_V1_GetAccountRequest) async throws -> Clinic_Auth_V1_Account { try await client.getAccount(r, options: options) }
        func updateAccount(_ r: Clinic_Auth_V1_UpdateAccountRequest) async throws -> Clinic_Auth_V1_Account { try await client.updateAccount(r, options: options) }
        func deleteAccount(_ r: Clinic_Auth_V1_DeleteAccountRequest) async throws -> Clinic_Auth_V1_Account { try await client.deleteAccount(r, options: options) }
        func undeleteAccount(_ r: Clinic_Auth_V1_UndeleteAccountRequest) async throws -> Clinic_Auth_V1_Account { try await client.undeleteAccount(r, options: options) }
        func listAccounts(_ r: Clinic_Auth_V1_ListAccountsRequest) async throws -> Clinic_Auth_V1_ListAccountsResponse { try await client.listAccounts(r, options: options) }
        func setAccountRoles(_ r: Clinic_Auth_V1_SetAccountRolesRequest) async throws -> Clinic_Auth_V1_Account { try await client.setAccountRoles(r, options: options) }
        func setClinicAccess(_ r: Clinic_Auth_V1_SetClinicAccessRequest) async throws -> Clinic_Auth_V1_SetClinicAccessResponse { try await client.setClinicAccess(r, options: options) }
        func getProfile(_ r: Clinic_Auth_V1_GetProfileRequest) async throws -> Clinic_Auth_V1_Profile { try await client.getProfile(r, options: options) }
        func updateProfile(_ r: Clinic_Auth_V1_UpdateProfileRequest) async throws -> Clinic_Auth_V1_Profile { try await client.updateProfile(r, options: options) }

        /// GetAccount by id.
        func account(_ id: String) async throws -> Clinic_Auth_V1_Account {
            var request = Clinic_Auth_V1_GetAccountRequest()
            request.accountId = id
            return try await getAccount(request)
        }
    }
}

/// The error an RPC answered with (nil when it succeeded).
func rpcError(_ body: () async throws -> some Any) async -> RPCError? {
    do {
        _ = try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        Issue.record("not an RPCError: \(error)")
        return nil
    }
}

/// The code an RPC answered with (nil when it succeeded).
func rpcCode(_ body: () async throws -> some Any) async -> RPCError.Code? {
    await rpcError(body)?.code
}

/// Request builders.
enum Requests {
    static func login(_ email: String, _ password: String) -> Clinic_Auth_V1_LoginRequest {
        var request = Clinic_Auth_V1_LoginRequest()
        request.email = email
        request.password = password
        return request
    }

    static func refresh(_ token: String) -> Clinic_Auth_V1_RefreshTokenRequest {
        var request = Clinic_Auth_V1_RefreshTokenRequest()
        request.refreshToken = token
        return request
    }

    static func create(
        _ email: String, roles: [Clinic_Common_V1_Role], clinic: String = "", password: String = AuthHarness.password,
        given: String = "New", family: String = "Account", requestID: String = ""
    ) -> Clinic_Auth_V1_CreateAccountRequest {
        var account = Clinic_Auth_V1_Account()
        account.email = email
        var name = Clinic_Common_V1_PersonName()
        name.givenName = given
        name.familyName = family
        account.name = name
        account.roles = roles
        account.clinicId = clinic
        var request = Clinic_Auth_V1_CreateAccountRequest()
        request.account = account
        request.initialPassword = password
        request.requestId = requestID
        return request
    }

    static func resetPassword(_ token: String, _ password: String) -> Clinic_Auth_V1_ResetPasswordRequest {
        var request = Clinic_Auth_V1_ResetPasswordRequest()
        request.resetToken = token
        request.newPassword = password
        return request
    }

    static func requestReset(_ email: String) -> Clinic_Auth_V1_RequestPasswordResetRequest {
        var request = Clinic_Auth_V1_RequestPasswordResetRequest()
        request.email = email
        return request
    }

    static func setRoles(_ id: String, _ roles: [Clinic_Common_V1_Role], etag: String = "") -> Clinic_Auth_V1_SetAccountRolesRequest {
        var request = Clinic_Auth_V1_SetAccountRolesRequest()
        request.accountId = id
        request.roles = roles
        request.etag = etag
        return request
    }

    static func delete(_ id: String, etag: String = "") -> Clinic_Auth_V1_DeleteAccountRequest {
        var request = Clinic_Auth_V1_DeleteAccountRequest()
        request.accountId = id
        request.etag = etag
        return request
    }

    static func profile(_ id: String) -> Clinic_Auth_V1_GetProfileRequest {
        var request = Clinic_Auth_V1_GetProfileRequest()
        request.accountId = id
        return request
    }
}
