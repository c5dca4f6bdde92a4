package import ClinicAPI
import Foundation
import Logging
package import Platform
import RPCCore
import Storage
import Synchronization

/// The clinics service: the platform-wide directory of clinics (tenants) with their
/// descriptions, full-text search, and the catalog of specialties.
///
/// Everything lives in the service's platform database (`<data>/clinics/platform.db`). Creating a
/// clinic also creates its first clinic admin account through the auth service (`auth`, called
/// with this service's own identity); see `ClinicsService+Create.swift` for how the two writes
/// stay consistent. Deleting and undeleting a clinic turns its staff logins off and on there
/// (`ClinicsService+StaffAccess.swift`). Handlers are thin: they check the request (`ClinicRules`), ask the access
/// rules (`ClinicAccess`) and run one transaction (`ClinicStore`).
///
/// Serve it with an `AuthorizationInterceptor` (no tenant databases needed: no method is
/// tenant scoped), and `close()` it at shutdown.
package final class ClinicsService: Clinic_Clinics_V1_ClinicService.ServiceProtocol {
    let configuration: ClinicsConfiguration
    let pool: TenantDatabasePool
    let database: Database
    let accounts: AdminAccounts
    /// The background loop retrying unconfirmed staff access changes, and whether `close()` ran.
    let staffAccessRetry = Mutex<(task: Task<Void, Never>?, closed: Bool)>((nil, false))

    private init(configuration: ClinicsConfiguration, pool: TenantDatabasePool, database: Database, auth: Clinic_Auth_V1_AuthService.Client) {
        self.configuration = configuration
        self.pool = pool
        self.database = database
        self.accounts = AdminAccounts(auth: auth, timeout: configuration.authCallTimeout)
    }

    /// Opens (and migrates) `<data>/clinics/platform.db`, forgets creations abandoned for longer
    /// than `abandonedCreationAge`, and returns the service. `auth` must reach the auth service
    /// as the clinics service (mTLS identity `spiffe://clinic/clinics`), with no user token.
    package static func start(configuration: ClinicsConfiguration, auth: Clinic_Auth_V1_AuthService.Client) async throws -> ClinicsService {
        let pool = try TenantDatabasePool(
            dataDirectory: configuration.dataDirectory, service: "clinics", tenantMigrator: Migrator([]),
            platformMigrator: ClinicsSchema.migrator, maxOpenDatabases: 1, configuration: configuration.storage,
            threadCount: 2)
        do {
            let database = try await pool.platformDatabase()
            let service = ClinicsService(configuration: configuration, pool: pool, database: database, auth: auth)
            try await service.forgetAbandonedCreations()
            // Staff access changes a crash or an unreachable auth service left unconfirmed.
            service.scheduleStaffAccessRetry()
            configuration.logger.info("clinics service started")
            return service
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Stops the background retries and closes the database.
    package func close() async {
        let retry = staffAccessRetry.withLock { retry in
            retry.closed = true
            return retry.task
        }
        retry?.cancel()
        await retry?.value
        await pool.close()
    }

    /// Which clinics exist (active ones), read from this service's own database: the
    /// `TenantDirectory` for services running in the same process (tests, a single-process host).
    /// Other processes ask `GetClinic` instead.
    package var tenantDirectory: any TenantDirectory { LocalClinicDirectory(database: database) }

    // MARK: Helpers for the handlers


}

/// Active clinics of the clinics service's own database, as a `TenantDirectory`.
struct LocalClinicDirectory: TenantDirectory {
    let database: Database

    func contains(_ tenant: TenantID) async throws -> Bool {
        try await database.read { db in try ClinicStore.find(id: tenant.rawValue, db)?.status == .active }
    }
}
