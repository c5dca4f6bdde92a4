import ClinicAPI
import ClinicTLS
import Foundation
import Logging
package import Platform
import RPCCore
import Storage

/// The auth service: accounts for the four roles, passwords (scrypt), access tokens (EdDSA JWTs)
/// and rotating refresh tokens, password reset and invitations through the outbox.
///
/// Start it with `AuthService.start(configuration:)`, serve it with the interceptor it provides
/// (`authorizationInterceptor`), and `close()` it at shutdown. The handlers (in `Handlers/`) are
/// thin: they check the request, ask the pure rules (`AccountRules`, `LockoutPolicy`,
/// `RefreshTokenRules`, `PasswordPolicy`) and run one transaction on the platform database.
package final class AuthService: Clinic_Auth_V1_AuthService.ServiceProtocol {
    let configuration: AuthConfiguration
    let database: Database
    let pool: TenantDatabasePool
    let issuer: AccessTokenIssuer
    let signingKey: SigningPrivateKey
    let hasher: PasswordHasher
    let hashing: BlockingWorkPool
    let passwordPolicy = PasswordPolicy()
    /// Verifies the tokens this service issues (with its own public key, no fetching).
    package let verifier: AccessTokenVerifier

    private init(
        configuration: AuthConfiguration, pool: TenantDatabasePool, database: Database, signingKey: SigningPrivateKey
    ) {
        self.configuration = configuration
        self.pool = pool
        self.database = database
        self.signingKey = signingKey
        self.issuer = AccessTokenIssuer(key: signingKey, settings: configuration.tokens)
        self.hasher = PasswordHasher(parameters: configuration.passwordHashing)
        self.hashing = BlockingWorkPool(threads: configuration.hashingThreads)
        self.verifier = AccessTokenVerifier(
            keys: VerificationKeySet(keys: [signingKey.publicKey]), settings: configuration.tokens, now: configuration.now)
    }

    /// Opens (and migrates) `<data>/auth/platform.db` and loads the signing key, creating it
    /// (mode 0600) on first start.
    package static func start(configuration: AuthConfiguration) async throws -> AuthService {
        let signingKey = try SigningKeyFiles.loadOrCreate(dataDirectory: configuration.dataDirectory)
        let pool = try AuthDatabase.pool(dataDirectory: configuration.dataDirectory, storage: configuration.storage)
        do {
            let database = try await pool.platformDatabase()
            configuration.logger.info("auth service started", metadata: ["auth.key_id": "\(signingKey.publicKey.keyID)"])
            return AuthService(configuration: configuration, pool: pool, database: database, signingKey: signingKey)
        } catch {
            await pool.close()
            throw error
        }
    }

    /// The interceptor to serve this service with (verifies with its own key).
    package func authorizationInterceptor(trust: ServiceTrust = .platformServices) -> AuthorizationInterceptor {
        AuthorizationInterceptor(verifier: verifier, trust: trust)
    }

    /// Closes the database and stops the hashing threads.
    package func close() async {
        await pool.close()
        await hashing.shutdown()
    }

    /// Messages waiting in the outbox, oldest first (for the notification path and tests).
    package func pendingOutboxMessages(limit: Int = 100) async throws -> [AuthOutboxMessage] {
        try await database.read { db in try AuthOutboxStore.pending(limit: limit, db) }
    }

    /// Marks outbox messages as delivered.
    package func markOutboxDelivered(_ ids: [Int64]) async throws {
        let now = configuration.now()
        try await database.write { db in try AuthOutboxStore.markDelivered(ids: ids, now: now, db) }
    }

    // MARK: Helpers for the handlers

    /// The caller's account id; services and anonymous callers have none.
    func callerAccountID(_ context: ServerContext) throws(RPCError) -> (Principal, String) {
        let principal = try context.requirePrincipal()
        guard let accountID = principal.accountID else {
            throw RPCError(code: .permissionDenied, message: "only accounts have this; services do not")
        }
        return (principal, accountID)
    }

    /// Resolves `me` to the caller's account id.
    func resolve(_ accountID: String, caller: Principal) throws(RPCError) -> String {
        guard accountID == "me" else { return accountID }
        guard let own = caller.accountID else {
            throw RPCError(invalidArgument: .init(fieldPath: "account_id", reason: "\"me\" needs an account caller"))
        }
        return own
    }



    /// Hashes a (normalized) password on the hashing threads.
    func hashPassword(_ password: Redacted<String>) async throws -> String {
        let hasher = self.hasher
        return try await hashing.run { try hasher.hash(password.value) }
    }

    /// Checks a password against a stored hash on the hashing threads; without a hash, spends
    /// the same time and answers false.
    func verifyPassword(_ password: Redacted<String>, against stored: String?) async throws -> Bool {
        let hasher = self.hasher
        return try await hashing.run {
            guard let stored else {
                hasher.burnVerificationTime(password.value)
                return false
            }
            return (try? hasher.verify(password.value, against: stored)) ?? false
        }
    }
}

/// The auth service's databases: only the platform database (`<data>/auth/platform.db`).
enum AuthDatabase {
    static func pool(dataDirectory: String, storage: StorageConfiguration) throws -> TenantDatabasePool {
        try TenantDatabasePool(
            dataDirectory: dataDirectory, service: "auth", tenantMigrator: Migrator([]),
            platformMigrator: AuthSchema.migrator, maxOpenDatabases: 1, configuration: storage, threadCount: 2)
    }
}
